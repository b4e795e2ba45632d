"""Assets that register an uploaded video and keep a thumbnail of it."""

import time

from dagster import AssetExecutionContext, Failure, MaterializeResult, MetadataValue

from deepsentinel_pipelines.assets.analysis import analysis_run_key, pinned_video, run_video
from deepsentinel_pipelines.assets.checks import RAW_VIDEO_DURATION, check_result
from deepsentinel_pipelines.assets.metadata import PII, image_preview
from deepsentinel_pipelines.assets.quality import duration_verdict
from deepsentinel_pipelines.assets.sources import raw_videos_bucket
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.db.analyses import start_analysis
from deepsentinel_pipelines.db.video_rows import set_result_fields, video_columns
from deepsentinel_pipelines.ingest.cameras import InvalidCameraName, metadata_camera
from deepsentinel_pipelines.ingest.keys import CAMERA_TAG, ETAG_TAG, RECORDED_AT_TAG
from deepsentinel_pipelines.ingest.recorded_at import METADATA_KEY, TimeClues, resolve_recorded_at
from deepsentinel_pipelines.ingest.video_cache import ObjectChangedError, local_video
from deepsentinel_pipelines.partitions import object_key_from_video_id, register_camera
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.video.decode import representative_frame
from deepsentinel_pipelines.video.drawing import encode_jpeg
from deepsentinel_pipelines.video.probe import VideoProbeError, probe_video


@video_asset(
    kinds={"s3", "postgres"},
    deps=[raw_videos_bucket],
    tags=PII,
    check_specs=[RAW_VIDEO_DURATION],
)
def raw_video(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    site: SiteResource,
) -> MaterializeResult:
    """The uploaded video, probed with PyAV, its camera and recording time; starts its analysis."""
    video_id = context.partition_key
    key = object_key_from_video_id(video_id)
    started = time.perf_counter()
    head = object_store.head(object_store.raw_videos_bucket, key)
    # The version the run was requested for; a run started by hand takes the current one.
    etag = context.run.tags.get(ETAG_TAG) or head["ETag"].strip('"')
    try:
        path = local_video(object_store, key, head, etag=etag)
    except ObjectChangedError as err:
        raise Failure(str(err), allow_retries=False) from err
    try:
        info = probe_video(path)
    except VideoProbeError as err:
        cause = str(err).removeprefix(f"{path}: ")  # the cache path means nothing to a user
        raise Failure(
            description=f"s3://{object_store.raw_videos_bucket}/{key} is not a usable video: "
            f"{cause}",
            metadata={"reason": err.reason, "key": key},
            allow_retries=False,
        ) from err
    try:
        # A job message's camera was validated by the sensor; the metadata is checked here.
        camera = context.run.tags.get(CAMERA_TAG) or metadata_camera(head)
    except InvalidCameraName as err:
        raise Failure(
            description=f"s3://{object_store.raw_videos_bucket}/{key}: {err.reason}",
            metadata={"reason": "invalid camera name", "key": key},
            allow_retries=False,
        ) from err
    try:
        clock = site.clock(camera)
    except ValueError as err:  # the operator's file to fix: retrying would not help
        raise Failure(f"{site.cameras_config}: {err}", allow_retries=False) from err
    clues = TimeClues(
        message=context.run.tags.get(RECORDED_AT_TAG),
        metadata=(head.get("Metadata") or {}).get(METADATA_KEY),
        key=key,
        camera=camera,
        key_time=clock.key_time,
        creation_time=info.creation_time,
    )
    recorded, notes = resolve_recorded_at(clues, clock.zone)
    for note in notes:
        context.log.warning(f"recording time of {key}: {note} (skipped)")
    columns = video_columns(
        object_store.raw_videos_bucket,
        key,
        camera,
        info,
        recorded_at=recorded.at if recorded else None,
        recorded_at_source=recorded.source if recorded else None,
    )
    with database.connection() as conn:
        analysis_id = start_analysis(conn, video_id, analysis_run_key(context), etag, columns)
    register_camera(context.instance, camera)
    return MaterializeResult(
        metadata={
            "s3_key": key,
            "object": MetadataValue.url(
                object_store.object_url(object_store.raw_videos_bucket, key)
            ),
            "dagster/row_count": 1,
            "etag": etag,
            "analysis_id": analysis_id,
            "camera": camera,
            "recorded_at": (
                recorded.at.astimezone(clock.zone).isoformat() if recorded else "unknown"
            ),
            "recorded_at_source": recorded.source if recorded else "none",
            "container": info.container,
            "codec": info.codec,
            # Rates and lengths as a person reads them (29.97, not 29.970029970029973).
            "fps": round(info.fps, 3),
            "frame_count": info.frame_count,
            "duration_s": round(info.duration_s, 3),
            "size": f"{info.width}x{info.height}",
            "rotation": info.rotation,
            "size_bytes": info.size_bytes,
            "sha256": info.sha256,
            "seconds": round(time.perf_counter() - started, 2),
        },
        check_results=[check_result(RAW_VIDEO_DURATION, duration_verdict(info.duration_s))],
    )


def thumbnail_key(video_id: str) -> str:
    """Object key of a video's thumbnail in the thumbnails bucket."""
    return f"{video_id}.jpg"


@video_asset(
    kinds={"s3", "image"},
    deps=[raw_video],
    tags=PII,
)
def thumbnail(
    context: AssetExecutionContext, object_store: ObjectStoreResource, database: PostgresResource
) -> MaterializeResult:
    """A representative frame of the video as JPEG, previewed in the UI."""
    video_id = context.partition_key
    video = run_video(context, database)
    path = pinned_video(object_store, video)
    frame = representative_frame(path)
    key = thumbnail_key(video_id)
    object_store.put_bytes(object_store.thumbnails_bucket, key, encode_jpeg(frame), "image/jpeg")
    with database.connection() as conn:
        set_result_fields(conn, video_id, video.analysis_id, thumbnail_key=key)
    return MaterializeResult(
        metadata={
            "s3_key": MetadataValue.text(f"s3://{object_store.thumbnails_bucket}/{key}"),
            "object": MetadataValue.url(
                object_store.object_url(object_store.thumbnails_bucket, key)
            ),
            "preview": image_preview(frame, video_id),
        }
    )
