"""Asset: a short annotated MP4 clip of every notable event, stored beside its highlight."""

from dagster import AssetExecutionContext, Config, MaterializeResult, MetadataValue
from pydantic import Field

from deepsentinel_pipelines.assets.analysis import pinned_video, run_video
from deepsentinel_pipelines.assets.checks import CLIPS_STORED, check_result
from deepsentinel_pipelines.assets.events import (
    MAX_LINKS,
    events,
    highlight_prefix,
    unique_event_keys,
)
from deepsentinel_pipelines.assets.metadata import PII, object_times
from deepsentinel_pipelines.assets.quality import objects_verdict
from deepsentinel_pipelines.assets.rederive import INPUTS_REDERIVED
from deepsentinel_pipelines.assets.step_usage import StepProgress
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.db.clip_rows import (
    ClipRow,
    clip_keys,
    drop_event_clips,
    recorded_clips,
    save_event_clip,
)
from deepsentinel_pipelines.db.detection_reads import iter_frames
from deepsentinel_pipelines.db.video_rows import load_notable_events
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.video import clips
from deepsentinel_pipelines.video.drawing import SceneOverlay

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


@video_asset(
    kinds={"s3", "video"},
    deps=[events],
    automation_condition=INPUTS_REDERIVED,
    tags=PII,
    check_specs=[CLIPS_STORED],
)
def event_clips(
    context: AssetExecutionContext,
    config: ClipConfig,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    site: SiteResource,
) -> MaterializeResult:
    """H.264 clips of notable events with boxes drawn, cut in one decode pass, kept on a retry."""
    video_id = context.partition_key
    video = run_video(context, database)
    analysis_id = video.analysis_id
    bucket = object_store.highlights_bucket
    with database.connection() as conn:
        notable = load_notable_events(conn, video_id, analysis_id=analysis_id)
        recorded = recorded_clips(conn, video_id, analysis_id=analysis_id)
    keys = unique_event_keys(
        notable, lambda e: clip_key(video_id, analysis_id, e.start_s, e.event_type)
    )
    requests: list[clips.ClipRequest] = []
    for e in notable:
        start, end = clips.clip_window(
            e.start_s, e.end_s, video.duration_s, config.before_s, config.after_s,
            config.max_clip_s,
        )  # fmt: skip
        requests.append(clips.ClipRequest(e.event_id, keys[e.event_id], e.as_event(), start, end))
    prefix = clip_prefix(video_id, analysis_id)
    # only this video's clips: another video's id may extend this one ("a" and "a/b")
    stored = {
        o["Key"]: o["Size"]
        for o in object_store.list_objects(bucket, prefix)
        if "/" not in o["Key"][len(prefix) :]
    }
    # Clips an earlier try of this step already cut and stored, for the same window, are kept.
    kept = {
        r.event_id: recorded[r.event_id]
        for r in requests
        if r.event_id in recorded
        and recorded[r.event_id] == ClipRow(r.key, r.start_s, r.end_s, recorded[r.event_id].frames)
        and r.key in stored
    }
    wanted = {r.key for r in requests}
    object_store.delete_keys(bucket, [k for k in stored if k not in wanted])
    with database.connection() as conn, conn.transaction():
        drop_event_clips(
            conn, video_id, [i for i in recorded if i not in kept], analysis_id=analysis_id
        )
    to_cut = [r for r in requests if r.event_id not in kept]
    if kept:
        context.log.info(f"event_clips: {len(kept)} clip(s) already stored, {len(to_cut)} to cut")
    progress = StepProgress(context.log, "event_clips", "clips", len(requests), done=len(kept))
    made = {i: (row.frames, stored[row.clip_key]) for i, row in kept.items()}
    if to_cut:
        path = pinned_video(object_store, video)
        with database.connection() as reader, database.connection() as writer:

            def detections_of(first: int, last: int):
                return iter_frames(
                    reader, video_id, analysis_id, first_frame=first, last_frame=last
                )

            overlay = SceneOverlay.of(site.camera(video.camera, video.width, video.height))
            for c in clips.render_clips(
                path,
                to_cut,
                detections_of,
                video.analysis_fps,
                rotation=video.rotation,
                overlay=overlay,
            ):
                object_store.put_bytes(bucket, c.key, c.data, "video/mp4")
                with writer.transaction():
                    save_event_clip(writer, video_id, c, analysis_id=analysis_id)
                made[c.event_id] = (c.frames, len(c.data))
                progress.update(len(made))
    with database.connection() as conn:
        recorded_keys = clip_keys(conn, video_id, analysis_id=analysis_id).values()
    listed = [o["Key"] for o in object_store.list_objects(bucket, prefix)]
    missing = len(requests) - len(made)
    if missing:
        context.log.warning(f"{missing} clip(s) got no frame (past the end of the video?)")
    in_order = [r.key for r in requests if r.event_id in made]
    clock = site.video_clock(video.camera, video.recorded_at)
    metadata = {
        "dagster/row_count": len(made),
        "clips": len(made),
        "clips_kept": len(kept),
        "seconds": round(sum(f for f, _ in made.values()) / (video.analysis_fps or 1), 1),
        "bytes": sum(size for _, size in made.values()),
        "keys": MetadataValue.json(in_order),
        "times": object_times([(r.key, r.start_s) for r in requests if r.event_id in made], clock),
    }
    for key in in_order[:MAX_LINKS]:
        # Named by the key's file name (time and type), like the highlight frames' links.
        metadata[key.rsplit("/", 1)[-1]] = MetadataValue.url(object_store.object_url(bucket, key))
    return MaterializeResult(
        metadata=metadata,
        check_results=[check_result(CLIPS_STORED, objects_verdict(recorded_keys, listed, "clip"))],
    )
