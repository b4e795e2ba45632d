"""What each review page shows, built from the rows: cards, event items, timelines, figures.

Plain data for the templates (which escape every value): no SQL and no web framework here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from deepsentinel_pipelines.review.queries import EventRow, VideoRow
from deepsentinel_pipelines.review.runs import RunState
from deepsentinel_pipelines.review.timeline import Curve, Lane, Timeline, build_timeline
from deepsentinel_pipelines.text.timefmt import VideoClock, format_timestamp


@dataclass(frozen=True)
class VideoCard:
    """One video on a list: where it leads and what it holds."""

    video_id: str
    camera: str
    href: str
    thumbnail: str | None
    started: str | None  # the camera's clock time of its start, or None when unknown
    day: str | None
    duration: str
    people: int | None
    notable: list[tuple[str, int]]
    status: str
    run_id: str | None


@dataclass(frozen=True)
class EventItem:
    """One event in a timeline's list."""

    event_id: int
    video_id: str
    event_type: str
    colour: str
    offset: str  # mm:ss into its video
    clock: str | None  # the camera's clock time, or None
    at_s: float  # seconds into the timeline
    track_id: int | None
    zone: str | None
    description: str
    highlight: str | None
    clip: str | None


def analysed_words(frames: int | None, fps: float | None) -> str | None:
    """``795 frames at 9.99 fps``: rates rounded as a person reads them, or None."""
    if not frames or not fps:
        return None
    return f"{frames} frames analysed at {round(fps, 2):g} fps"


def video_href(video_id: str) -> str:
    """The review page of a video (ids hold slashes and anything else a key may hold)."""
    return f"/videos/{quote(video_id, safe='')}"


def video_card(row: VideoRow, clock: VideoClock, run: RunState | None) -> VideoCard:
    """A video's card: its status is its latest run's, else whether it is published."""
    if run is not None:
        status, run_id = run.status, run.run_id
    else:
        status, run_id = ("analysed" if row.published else "not analysed"), None
    return VideoCard(
        video_id=row.video_id,
        camera=row.camera,
        href=video_href(row.video_id),
        thumbnail=f"/media/thumbnail/{quote(row.video_id, safe='')}" if row.thumbnail_key else None,
        started=clock.stamp(),
        day=clock.day(),
        duration=format_timestamp(row.duration_s),
        people=row.people_count,
        notable=list(row.notable.items()),
        status=status,
        run_id=run_id,
    )


def event_items(
    events: Sequence[EventRow],
    clocks: Mapping[str, VideoClock],
    offsets: Mapping[str, float],
    lanes: Sequence[Lane],
) -> list[EventItem]:
    """The events as listed, each placed at its video's offset on the timeline."""
    colours = {lane.event_type: lane.colour for lane in lanes}
    return [
        EventItem(
            event_id=e.event_id,
            video_id=e.video_id,
            event_type=e.event_type,
            colour=colours[e.event_type],
            offset=format_timestamp(e.start_s),
            clock=clocks[e.video_id].clock(e.start_s),
            at_s=offsets[e.video_id] + e.start_s,
            track_id=e.track_id,
            zone=e.zone,
            description=e.description,
            highlight=f"/media/highlight/{e.event_id}" if e.has_highlight else None,
            clip=f"/media/clip/{e.event_id}" if e.has_clip else None,
        )
        for e in events
    ]


def event_types(events: Sequence[EventRow]) -> list[str]:
    """The types present (the timeline's lanes): those with clips first, each in time order."""
    ordered = list(dict.fromkeys(e.event_type for e in events))
    clipped = {e.event_type for e in events if e.has_clip}
    return sorted(ordered, key=lambda t: t not in clipped)


def timeline_of(
    span_s: float,
    curves: Sequence[Curve],
    items: Sequence[EventItem],
    label: Callable[[float], str],
    lanes: Sequence[Lane],
    segments: Sequence[tuple[str, float, float]] = (),
) -> Timeline:
    """The timeline of the listed events over the people-in-view curves."""
    events = [(i.event_id, i.event_type, i.at_s) for i in items]
    return build_timeline(span_s, curves, events, label, lanes, segments)
