"""Asset: a short annotated MP4 clip of every notable event, stored beside its highlight."""

from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue, asset
from pydantic import Field

from deepsentinel_pipelines.assets.analysis import pinned_video, run_video
from deepsentinel_pipelines.assets.checks import CLIPS_STORED, check_result
from deepsentinel_pipelines.assets.events import (
    MAX_LINKS,
    cameras_config_path,
    events,
    highlight_prefix,
)
from deepsentinel_pipelines.assets.ingest import GROUP
from deepsentinel_pipelines.assets.metadata import OWNERS, PII, VideoClock
from deepsentinel_pipelines.assets.rederive import INPUTS_REDERIVED
from deepsentinel_pipelines.code_versions import clips_code_version
from deepsentinel_pipelines.db.clip_rows import clip_keys, replace_event_clips
from deepsentinel_pipelines.db.video_rows import load_notable_material
from deepsentinel_pipelines.partitions import videos
from deepsentinel_pipelines.quality import objects_verdict
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.video import clips
from deepsentinel_pipelines.video.types import Event

#: Clips live under their own prefix, beside the highlight frames' ``<video_id>/a<id>/``.
CLIPS_PREFIX = "clips"


class ClipConfig(Config):
    """How much video around each event a clip shows."""

    before_s: float = Field(default=clips.DEFAULT_BEFORE_S, description="Seconds before start.")
    after_s: float = Field(default=clips.DEFAULT_AFTER_S, description="Seconds after the end.")
    max_clip_s: float = Field(default=clips.DEFAULT_MAX_CLIP_S, description="Longest clip (s).")


def clip_prefix(video_id: str, analysis_id: int | None) -> str:
    """Where an analysis keeps its clips: a new analysis never overwrites the published one."""
    return f"{CLIPS_PREFIX}/{highlight_prefix(video_id, analysis_id)}"


def clip_key(video_id: str, analysis_id: int | None, start_s: float, event_type: str) -> str:
    """Object key of an event's clip in the highlights bucket."""
    return f"{clip_prefix(video_id, analysis_id)}{start_s:.1f}s_{event_type}.mp4"


@asset(
    partitions_def=videos,
    group_name=GROUP,
    kinds={"s3", "video"},
    deps=[events],
    code_version=clips_code_version(cameras_config_path()),
    automation_condition=INPUTS_REDERIVED,
    owners=OWNERS,
    tags=PII,
    check_specs=[CLIPS_STORED],
)
def event_clips(
    context: AssetExecutionContext,
    config: ClipConfig,
    object_store: ObjectStoreResource,
    database: PostgresResource,
) -> MaterializeResult:
    """H.264 clips of notable events with boxes and track ids drawn, cut in one decode pass."""
    video_id = context.partition_key
    video = run_video(context, database)
    analysis_id = video["analysis_id"]
    with database.connection() as conn:
        notable, by_frame = load_notable_material(conn, video_id, analysis_id=analysis_id)
    requests: list[clips.ClipRequest] = []
    for e in notable:
        key = clip_key(video_id, analysis_id, e.start_s, e.event_type)
        if any(r.key == key for r in requests):  # two events of one type starting together
            key = key.removesuffix(".mp4") + f"_{e.event_id}.mp4"
        start, end = clips.clip_window(
            e.start_s, e.end_s, video["duration_s"], config.before_s, config.after_s,
            config.max_clip_s,
        )  # fmt: skip
        event = Event(e.event_type, e.start_s, e.end_s, e.track_id, e.zone, 1.0, e.description)
        requests.append(clips.ClipRequest(e.event_id, key, event, start, end))
    prefix = clip_prefix(video_id, analysis_id)
    wanted = {r.key for r in requests}
    stale = [
        o["Key"]
        for o in object_store.list_objects(object_store.highlights_bucket, prefix)
        # only this video's clips: another video's id may extend this one ("a" and "a/b")
        if "/" not in o["Key"][len(prefix) :] and o["Key"] not in wanted
    ]
    object_store.delete_keys(object_store.highlights_bucket, stale)
    encoded = []
    if requests:
        path = pinned_video(object_store, video)
        encoded = clips.render_clips(
            path, requests, by_frame, video["analysis_fps"], rotation=video["rotation"]
        )
    for c in encoded:
        object_store.put_bytes(object_store.highlights_bucket, c.key, c.data, "video/mp4")
    with database.connection() as conn:
        replace_event_clips(conn, video_id, encoded, analysis_id=analysis_id)
        recorded = clip_keys(conn, video_id, analysis_id=analysis_id).values()
    stored = [o["Key"] for o in object_store.list_objects(object_store.highlights_bucket, prefix)]
    missing = len(requests) - len(encoded)
    if missing:
        context.log.warning(f"{missing} clip(s) got no frame (past the end of the video?)")
    bucket = object_store.highlights_bucket
    clock, done = VideoClock(video), {c.key for c in encoded}
    metadata = {
        "dagster/row_count": len(encoded),
        "clips": len(encoded),
        "seconds": round(sum(c.frames for c in encoded) / (video["analysis_fps"] or 1), 1),
        "bytes": sum(len(c.data) for c in encoded),
        "keys": MetadataValue.json([c.key for c in encoded]),
        # When each clip starts: the camera's clock time, the offset beside it.
        "times": MetadataValue.json(
            {r.key.rsplit("/", 1)[-1]: clock.label(r.start_s) for r in requests if r.key in done}
        ),
    }
    for c in encoded[:MAX_LINKS]:
        # Named by the key's file name (time and type), like the highlight frames' links.
        metadata[c.key.rsplit("/", 1)[-1]] = MetadataValue.url(
            object_store.object_url(bucket, c.key)
        )
    return MaterializeResult(
        metadata=metadata,
        check_results=[check_result(CLIPS_STORED, objects_verdict(recorded, stored, "clip"))],
    )
