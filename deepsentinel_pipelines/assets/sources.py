"""External assets: what outside systems hold, declared so the UI shows where data comes from."""

from dagster import AssetSpec

from deepsentinel_pipelines.assets.metadata import OWNERS, PII

SOURCES_GROUP = "sources"

raw_videos_bucket = AssetSpec(
    "raw_videos_bucket",
    group_name=SOURCES_GROUP,
    kinds={"s3"},
    owners=OWNERS,
    tags=PII,
    description="Uploaded CCTV videos (DEEPSENTINEL_RAW_VIDEOS_BUCKET); cameras write, we read.",
)

video_jobs_queue = AssetSpec(
    "video_jobs_queue",
    group_name=SOURCES_GROUP,
    kinds={"sqs"},
    owners=OWNERS,
    description="Job messages (S3 notifications or seed messages); queue_health_sensor observes "
    "its depth, dead letters and oldest message age.",
)
