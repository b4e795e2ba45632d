"""Jobs: the per-video analysis job (one partition per video), questions and retention."""

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    Backoff,
    DefaultSensorStatus,
    Jitter,
    RetryPolicy,
    RunConfig,
    define_asset_job,
    in_process_executor,
    job,
)

from deepsentinel_pipelines.assets.ingest import GROUP
from deepsentinel_pipelines.ops.rag_query import RagQueryConfig, rag_query
from deepsentinel_pipelines.ops.retention import apply_retention

#: Transient failures (S3/SQS/PostgreSQL unreachable, a killed step process) are retried with
#: backoff; a bad video raises ``Failure(allow_retries=False)`` and is not.
STEP_RETRY_POLICY = RetryPolicy(
    max_retries=3, delay=5, backoff=Backoff.EXPONENTIAL, jitter=Jitter.PLUS_MINUS
)

video_analysis_job = define_asset_job(
    "video_analysis_job",
    selection=AssetSelection.groups(GROUP),
    description="Analyse one uploaded video: probe, thumbnail, detections, events, search.",
    op_retry_policy=STEP_RETRY_POLICY,
)


@job(
    description="Answer one operator question from the events (run config: rag_query.config).",
    # One op: no step subprocess or step pod, the answer comes as fast as the question path.
    executor_def=in_process_executor,
    config=RunConfig(
        ops={rag_query.name: RagQueryConfig(question="How many people entered the plaza?")}
    ),
)
def rag_query_job() -> None:
    """One op: :func:`~deepsentinel_pipelines.ops.rag_query.rag_query`."""
    rag_query()


@job(
    description="Apply the buckets' lifecycle rules where the S3 endpoint does not.",
    executor_def=in_process_executor,
)
def retention_job() -> None:
    """One op: :func:`~deepsentinel_pipelines.ops.retention.apply_retention`."""
    apply_retention()


#: Rebuilds camera-days by hand (`deepsentinel backfill --days`, the UI's backfills).
camera_day_report_job = define_asset_job(
    "camera_day_report_job",
    selection=AssetSelection.assets("camera_day_report"),
    description="Count one camera's day across its videos (day x camera partitions).",
)

#: Evaluates camera_day_report's condition: a video of the day was published.
camera_day_reports_sensor = AutomationConditionSensorDefinition(
    "camera_day_reports_sensor",
    target=AssetSelection.assets("camera_day_report"),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="A camera's day is counted again once a video recorded that day is published.",
)

#: Evaluates the automation conditions of assets/rederive.py (events and below).
rules_rederivation_sensor = AutomationConditionSensorDefinition(
    "rules_rederivation_sensor",
    target=AssetSelection.assets(
        "events",
        "highlights",
        "embeddings",
        "video_summary",
        "event_clips",
        "occupancy",
        "current_analysis",
        "event_alerts",
    ),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description=(
        "After a camera rules edit: events, highlights, clips, embeddings, summary and "
        "occupancy again, under a new analysis carrying the current detections; published, "
        "then alerts."
    ),
)
