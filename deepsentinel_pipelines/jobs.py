"""Jobs: the per-video analysis job (partitioned like its assets, one partition per video)."""

from dagster import AssetSelection, define_asset_job

from deepsentinel_pipelines.assets.ingest import GROUP

video_analysis_job = define_asset_job(
    "video_analysis_job",
    selection=AssetSelection.groups(GROUP),
    description="Analyse one uploaded video: probe, thumbnail, detections, events, search.",
)
