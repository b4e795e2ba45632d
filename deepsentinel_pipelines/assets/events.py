"""Assets that turn tracks into events and keep a highlight frame of the notable ones."""

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from deepsentinel_pipelines.assets.analysis import pinned_video, run_video
from deepsentinel_pipelines.assets.checks import HIGHLIGHTS_STORED, check_result
from deepsentinel_pipelines.assets.detections import detections
from deepsentinel_pipelines.assets.metadata import (
    PII,
    image_preview,
    notable_events_table,
    object_times,
)
from deepsentinel_pipelines.assets.quality import objects_verdict
from deepsentinel_pipelines.assets.rederive import INPUTS_REDERIVED, RULES_CHANGED
from deepsentinel_pipelines.assets.step_usage import StepProgress
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.db.detection_reads import (
    detections_at,
    frame_times,
    iter_tracks,
    track_count,
)
from deepsentinel_pipelines.db.quality import highlight_keys
from deepsentinel_pipelines.db.video_rows import (
    StoredEvent,
    load_notable_events,
    replace_events,
    set_highlight_keys,
)
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.video.decode import iter_frames_at
from deepsentinel_pipelines.video.drawing import SceneOverlay, draw_highlight, encode_jpeg
from deepsentinel_pipelines.video.events import derive_events_by_track
from deepsentinel_pipelines.video.types import is_notable


@video_asset(
    kinds={"python", "postgres"},
    deps=[detections],
    automation_condition=RULES_CHANGED,
)
def events(
    context: AssetExecutionContext, database: PostgresResource, site: SiteResource
) -> MaterializeResult:
    """Events derived by the rules from tracks and keypoints (enter, loitering, fall, ...)."""
    video_id = context.partition_key
    video = run_video(context, database)
    config = site.camera(video.camera, video.width, video.height)
    with database.connection() as conn:
        frames = frame_times(conn, video_id, video.analysis_id)
        progress = StepProgress(
            context.log, "events", "tracks", track_count(conn, video_id, video.analysis_id)
        )
        tracks = progress.over(iter_tracks(conn, video_id, video.analysis_id))
        derived = derive_events_by_track(tracks, frames, config, video.analysis_fps)
    with database.connection() as conn:
        stored = replace_events(conn, video_id, derived, analysis_id=video.analysis_id)
    counts = Counter(e.event_type for e in stored)
    notable = [
        (e.start_s, e.event_type, e.track_id, e.zone)
        for e in stored
        if is_notable(e.event_type, e.zone)
    ]
    return MaterializeResult(
        metadata={
            "dagster/row_count": len(stored),
            "events": len(stored),
            "notable_events": notable_events_table(
                notable, site.video_clock(video.camera, video.recorded_at)
            ),
            "by_type": MetadataValue.json(dict(sorted(counts.items()))),
            "camera": video.camera,
        }
    )


#: Highlight frames linked in the metadata (all keys are listed under "keys").
MAX_LINKS = 10


def highlight_prefix(video_id: str, analysis_id: int | None) -> str:
    """Where an analysis keeps its highlight frames: a new analysis never overwrites the last."""
    return f"{video_id}/" if analysis_id is None else f"{video_id}/a{analysis_id}/"


def highlight_key(video_id: str, analysis_id: int | None, start_s: float, event_type: str) -> str:
    """Object key of an event's highlight frame in the highlights bucket."""
    return f"{highlight_prefix(video_id, analysis_id)}{start_s:.1f}s_{event_type}.jpg"


def unique_event_keys(
    events: Sequence[StoredEvent], key_of: Callable[[StoredEvent], str]
) -> dict[int, str]:
    """Each event's object key by event id, in the events' order.

    Of two events of one type starting together, the later gets its id before the extension.
    """
    keys: dict[int, str] = {}
    taken: set[str] = set()
    for e in events:
        key = key_of(e)
        if key in taken:
            stem, _, extension = key.rpartition(".")
            key = f"{stem}_{e.event_id}.{extension}"
        keys[e.event_id] = key
        taken.add(key)
    return keys


#: Key frames whose detections are read (and frames decoded) at a time.
HIGHLIGHT_BATCH = 200


@video_asset(
    kinds={"s3", "image"},
    deps=[events],
    automation_condition=INPUTS_REDERIVED,
    tags=PII,
    check_specs=[HIGHLIGHTS_STORED],
)
def highlights(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    site: SiteResource,
) -> MaterializeResult:
    """Key frames of notable events with boxes and keypoints drawn, stored in S3."""
    video_id = context.partition_key
    video = run_video(context, database)
    analysis_id = video.analysis_id
    with database.connection() as conn:
        notable = load_notable_events(conn, video_id, analysis_id=analysis_id)
    # Frames of an earlier try of this step (its events are gone) must not linger.
    prefix = highlight_prefix(video_id, analysis_id)
    object_store.delete_keys(
        object_store.highlights_bucket,
        [
            o["Key"]
            for o in object_store.list_objects(object_store.highlights_bucket, prefix)
            # only this video's frames: another video's id may extend this one ("a" and "a/b")
            if "/" not in o["Key"][len(prefix) :]
        ],
    )
    path = pinned_video(object_store, video)
    overlay = SceneOverlay.of(site.camera(video.camera, video.width, video.height))
    planned = unique_event_keys(
        notable, lambda e: highlight_key(video_id, analysis_id, e.start_s, e.event_type)
    )
    falls = [e for e in notable if e.event_type == "fall"]
    preview_of = (falls[-1] if falls else notable[0]).event_id if notable else None
    by_frame: dict[int, list[StoredEvent]] = defaultdict(list)
    for e in notable:
        by_frame[e.key_frame_idx].append(e)
    frame_numbers = sorted(by_frame)
    progress = StepProgress(context.log, "highlights", "frames", len(frame_numbers))
    keys: dict[int, str] = {}
    preview = None
    # A batch of key frames at a time: their detections, then their frames, decoded in order.
    for first in range(0, len(frame_numbers), HIGHLIGHT_BATCH):
        batch = frame_numbers[first : first + HIGHLIGHT_BATCH]
        with database.connection() as conn:
            shown = detections_at(conn, video_id, analysis_id, batch)
        for frame_idx, frame in iter_frames_at(path, batch):
            for e in by_frame[frame_idx]:
                drawn = draw_highlight(frame, shown[frame_idx], e.as_event(), overlay)
                key = planned[e.event_id]
                object_store.put_bytes(
                    object_store.highlights_bucket, key, encode_jpeg(drawn), "image/jpeg"
                )
                keys[e.event_id] = key
                if e.event_id == preview_of:
                    preview = image_preview(drawn, e.description)
        progress.update(first + len(batch))
    for e in notable:
        if e.event_id not in keys:
            context.log.warning(f"frame {e.key_frame_idx} of event {e.event_id} did not decode")
    with database.connection() as conn:
        set_highlight_keys(conn, video_id, keys, analysis_id=analysis_id)
        recorded = highlight_keys(conn, video_id, analysis_id)
    bucket = object_store.highlights_bucket
    prefix = highlight_prefix(video_id, analysis_id)
    stored = [o["Key"] for o in object_store.list_objects(bucket, prefix)]
    clock = site.video_clock(video.camera, video.recorded_at)
    starts = {e.event_id: e.start_s for e in notable}
    # In time order (as text, "10.7s" came before "2.2s").
    order = sorted(keys, key=lambda i: (starts[i], i))
    in_order = [keys[i] for i in order]
    metadata = {
        "highlights": len(keys),
        "keys": MetadataValue.json(in_order),
        "times": object_times([(keys[i], starts[i]) for i in order], clock),
    }
    for key in in_order[:MAX_LINKS]:
        # Named by the key's file name (time and type): stable across re-derivations.
        metadata[key.rsplit("/", 1)[-1]] = MetadataValue.url(object_store.object_url(bucket, key))
    if preview is not None:
        metadata["preview"] = preview
    return MaterializeResult(
        metadata=metadata,
        check_results=[
            check_result(HIGHLIGHTS_STORED, objects_verdict(recorded, stored, "highlight frame"))
        ],
    )
