"""`raw_videos_sensor`: every new or re-uploaded video in `raw-videos` becomes one run."""

from typing import Any

from botocore.exceptions import ClientError
from dagster import (
    DefaultSensorStatus,
    RunRequest,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from deepsentinel_pipelines.ingest.cameras import InvalidCameraName, metadata_camera
from deepsentinel_pipelines.ingest.cursor import (
    ListingCursor,
    baseline_cursor,
    describe_skips,
    list_after,
    select_new_objects,
)
from deepsentinel_pipelines.ingest.keys import ETAG_TAG, RUN_KEY_TAG, normalize_etag, run_key
from deepsentinel_pipelines.ingest.run_history import existing_run_keys
from deepsentinel_pipelines.jobs import video_analysis_job
from deepsentinel_pipelines.partitions import video_id_from_key, videos
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.settings import SensorLimits, Settings


def video_sensor_result(requests: list[RunRequest], cursor: str, idle_reason: str) -> SensorResult:
    """The runs to launch, with their partitions added first; ``idle_reason`` when none."""
    partition_keys = sorted({r.partition_key for r in requests if r.partition_key})
    return SensorResult(
        run_requests=requests,
        dynamic_partitions_requests=[videos.build_add_request(partition_keys)]
        if partition_keys
        else [],
        cursor=cursor,
        skip_reason=None if requests else idle_reason,
    )


def video_run_request(
    bucket: str,
    key: str,
    etag: str,
    source: str,
    extra_tags: dict[str, str] | None = None,
    attempt: int = 0,
) -> RunRequest:
    """The run of one object version, tagged with where it came from.

    ``attempt`` counts the earlier runs of this version that failed or were canceled: Dagster
    skips a request whose run key a sensor already used, so a re-run needs a key of its own.
    """
    version = run_key(bucket, key, etag)
    tags = {
        RUN_KEY_TAG: version,
        "deepsentinel/source": source,
        "deepsentinel/s3_bucket": bucket,
        "deepsentinel/s3_key": key,
        ETAG_TAG: normalize_etag(etag),
    }
    return RunRequest(
        run_key=f"{version}#{attempt}" if attempt else version,
        partition_key=video_id_from_key(key),
        tags=tags | (extra_tags or {}),
    )


def _list(
    context: SensorEvaluationContext,
    client: Any,
    bucket: str,
    cursor: ListingCursor | None,
    limits: SensorLimits,
) -> list[dict[str, Any]]:
    if cursor is not None and cursor.legacy_key is not None:
        # A cursor from get_s3_keys: a key, which may have been deleted since.
        try:
            return list_after(client, bucket, limits.prefix, since_key=cursor.legacy_key)
        except LookupError as err:
            context.log.warning(
                f"cursor key {cursor.legacy_key!r} is gone ({err}); listing the whole prefix "
                "(objects with a registered partition or a run are not run again)"
            )
            return list_after(client, bucket, limits.prefix)
    since = cursor.since(limits.lookback_s) if cursor is not None else None
    return list_after(client, bucket, limits.prefix, since_last_modified=since)


def build_raw_videos_sensor(settings: Settings) -> SensorDefinition:
    """`raw_videos_sensor`, with the interval, cap, lookback and prefix of the settings."""
    limits = settings.sensors

    @sensor(
        name="raw_videos_sensor",
        job=video_analysis_job,
        minimum_interval_seconds=limits.interval_s,
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            "New or re-uploaded videos in the raw videos bucket: a partition and a run each."
        ),
    )
    def raw_videos_sensor(
        context: SensorEvaluationContext, object_store: ObjectStoreResource
    ) -> SensorResult:
        """List the bucket from the cursor; one run per new object version, capped per tick."""
        return raw_videos_tick(context, object_store, limits)

    return raw_videos_sensor


def _camera_problem(object_store: ObjectStoreResource, bucket: str, key: str) -> str | None:
    """Why the object's camera metadata rules it out, or None (a HEAD per new object)."""
    try:
        metadata_camera(object_store.head(bucket, key))
    except InvalidCameraName as err:
        return err.reason
    except ClientError as err:
        return f"could not read its metadata ({err.response.get('Error', {}).get('Code')})"
    return None


def raw_videos_tick(
    context: SensorEvaluationContext, object_store: ObjectStoreResource, limits: SensorLimits
) -> SensorResult:
    """One tick of `raw_videos_sensor`."""
    bucket = object_store.raw_videos_bucket
    cursor = ListingCursor.loads(context.cursor)
    listing = _list(context, object_store.client(), bucket, cursor, limits)
    if cursor is None:
        # First tick: what is already there is history, for `deepsentinel backfill`.
        first = baseline_cursor(listing, limits.lookback_s)
        return SensorResult(
            skip_reason=f"first tick: {len(listing)} existing object(s) under "
            f"s3://{bucket}/{limits.prefix} left to `deepsentinel backfill`",
            cursor=first.dumps(),
        )
    known: set[str] = set()
    if cursor.legacy_key is not None:
        # Migrating from a key cursor: videos seen before it have their partition already.
        known = set(context.instance.get_dynamic_partitions(videos.name))
        cursor = ListingCursor()
    selection = select_new_objects(listing, cursor, limits.max_per_tick, limits.lookback_s)
    skipped = list(selection.skipped)
    keys = {o["Key"]: run_key(bucket, o["Key"], o.get("ETag")) for o in selection.new}
    already = existing_run_keys(context.instance, keys.values())
    requests = []
    for obj in selection.new:
        if keys[obj["Key"]] in already:
            skipped.append((obj["Key"], "this version already has a run"))
            continue
        if video_id_from_key(obj["Key"]) in known:
            skipped.append((obj["Key"], "registered before the cursor was migrated"))
            continue
        problem = _camera_problem(object_store, bucket, obj["Key"])
        if problem is not None:
            skipped.append((obj["Key"], problem))
            continue
        requests.append(video_run_request(bucket, obj["Key"], obj.get("ETag", ""), "s3"))
    if skipped:
        context.log.info(f"raw_videos_sensor skipped {describe_skips(skipped)}")
    if selection.deferred:
        context.log.info(
            f"raw_videos_sensor deferred {selection.deferred} object(s) to the next tick "
            f"(cap {limits.max_per_tick} runs per tick)"
        )
    return video_sensor_result(requests, selection.cursor.dumps(), "no new video objects")
