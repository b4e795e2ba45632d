"""Jobs: the per-video analysis job (one partition per video)."""

from dagster import AssetSelection, define_asset_job

from deepsentinel_pipelines.assets.ingest import GROUP
from deepsentinel_pipelines.partitions import videos

video_analysis_job = define_asset_job(
    "video_analysis_job",
    selection=AssetSelection.groups(GROUP),
    partitions_def=videos,
    description="Analyse one uploaded video: probe, thumbnail, detections, events, search.",
)
