"""Jobs: the per-video analysis job (partitioned like its assets, one partition per video)."""

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    Backoff,
    DefaultSensorStatus,
    Jitter,
    RetryPolicy,
    define_asset_job,
)

from deepsentinel_pipelines.assets.ingest import GROUP

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
