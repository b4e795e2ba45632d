"""Jobs: the per-video analysis job (partitioned like its assets, one partition per video)."""

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DefaultSensorStatus,
    define_asset_job,
)

from deepsentinel_pipelines.assets.ingest import GROUP

video_analysis_job = define_asset_job(
    "video_analysis_job",
    selection=AssetSelection.groups(GROUP),
    description="Analyse one uploaded video: probe, thumbnail, detections, events, search.",
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
        "event_alerts",
    ),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description=(
        "After a camera rules edit: events, highlights, clips, alerts, embeddings, summary and "
        "occupancy again."
    ),
)
