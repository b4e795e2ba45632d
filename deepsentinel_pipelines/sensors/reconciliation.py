"""`raw_videos_reconciliation_sensor`: no video in the bucket is left without a run.

The S3 sensor follows LastModified, which for a multipart upload is when the upload started:
one finishing after the sensor's lookback is never listed by it. This sensor periodically
compares the whole listing with the videos table and the run history and requests a run for
every object version that has neither. Versions whose run failed are not retried here (a bad
video is recorded once); a job message or `deepsentinel backfill` re-runs them.
"""

from datetime import UTC, datetime, timedelta

from dagster import (
    DefaultSensorStatus,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from deepsentinel_pipelines.db.video_rows import published_etags
from deepsentinel_pipelines.ingest.cursor import describe_skips
from deepsentinel_pipelines.ingest.keys import run_key
from deepsentinel_pipelines.ingest.run_history import existing_run_keys
from deepsentinel_pipelines.ingest.uploads import list_videos
from deepsentinel_pipelines.jobs import video_analysis_job
from deepsentinel_pipelines.partitions import video_id_from_key
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.sensors.raw_videos import (
    video_run_request,
    video_sensor_result,
)
from deepsentinel_pipelines.settings import SensorLimits, Settings


def build_raw_videos_reconciliation_sensor(settings: Settings) -> SensorDefinition:
    """`raw_videos_reconciliation_sensor`, with the interval, cap and prefix of the settings."""
    limits = settings.sensors

    @sensor(
        name="raw_videos_reconciliation_sensor",
        job=video_analysis_job,
        minimum_interval_seconds=limits.reconcile_interval_s,
        default_status=DefaultSensorStatus.RUNNING,
        description="Periodically: a run for every video version in the bucket that never had one.",
    )
    def raw_videos_reconciliation_sensor(
        context: SensorEvaluationContext,
        object_store: ObjectStoreResource,
        database: PostgresResource,
    ) -> SensorResult:
        """List the whole prefix; runs for versions with no run and no published analysis."""
        return reconciliation_tick(context, object_store, database, limits)

    return raw_videos_reconciliation_sensor


def reconciliation_tick(
    context: SensorEvaluationContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    limits: SensorLimits,
) -> SensorResult:
    """One tick of `raw_videos_reconciliation_sensor`."""
    bucket = object_store.raw_videos_bucket
    # Younger objects are still the S3 sensor's to see; leave them to it.
    settled = datetime.now(UTC) - timedelta(seconds=limits.lookback_s)
    stored, _ = list_videos(object_store.client(), bucket, limits.prefix)
    candidates = [v for v in stored if v.last_modified <= settled]
    keys = {v.key: run_key(bucket, v.key, v.etag) for v in candidates}
    ran = existing_run_keys(context.instance, keys.values())
    with database.connection() as conn:
        published = published_etags(conn, [video_id_from_key(v.key) for v in candidates])
    missing, skipped = [], []
    for video in candidates:
        if keys[video.key] in ran:
            continue
        if published.get(video_id_from_key(video.key)) == video.etag:
            skipped.append((video.key, "analysed, run history gone"))
            continue
        missing.append(video)
    requests = [
        video_run_request(bucket, v.key, v.etag, "reconciliation")
        for v in missing[: limits.max_per_tick]
    ]
    if requests:
        context.log.warning(
            f"raw_videos_reconciliation_sensor: {len(missing)} video version(s) had no run "
            f"(e.g. a late multipart upload); requesting {len(requests)}: "
            f"{', '.join(r.partition_key or '' for r in requests[:5])}"
        )
    if skipped:
        context.log.info(f"raw_videos_reconciliation_sensor skipped {describe_skips(skipped)}")
    return video_sensor_result(
        requests, "", f"all {len(candidates)} settled video object(s) have a run"
    )
