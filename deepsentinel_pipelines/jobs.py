"""Jobs: the per-video analysis job (one partition per video), questions, retention, days."""

from dagster import (
    AssetSelection,
    Backoff,
    Jitter,
    RetryPolicy,
    RunConfig,
    define_asset_job,
    in_process_executor,
    job,
)

from deepsentinel_pipelines.assets.video_asset import GROUP
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
