"""Which videos a question searches in real time: cameras, ``--from``/``--to``, clock words.

The videos searched are every video of the camera (or of all cameras) whose recording overlaps
the window; events are then kept by their own clock times (``qa.events.started_at``), so each
is counted once whatever file it is in. Videos whose recording time is unknown are in no window,
and the answer says how many were left out. The SQL runs on the reader login through the guard,
like every question statement.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg

from deepsentinel_pipelines.rag.clock_window import (
    CameraZones,
    ClockContext,
    ClockWindow,
    find_clock_window,
    window_between,
)
from deepsentinel_pipelines.rag.retrieval import run_validated
from deepsentinel_pipelines.video.camera_config import load_camera_clocks

#: Most videos one question reads the recording times of (the newest first).
MAX_VIDEOS = 5000
# Only a question that may name a clock time or a date pays for the look-up of recording times.
_MAY_NAME_CLOCK = re.compile(
    r"\d:\d|\d\s*[ap]\.?m\b|\b\d{4}-\d{1,2}-\d{1,2}\b|\bnoon\b|\bmidday\b|\bmidnight\b"
    r"|\bo'?clock\b|\btoday\b|\byesterday\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"|\b(?:mon|tues|wednes|weds|thurs|fri|satur|sun)(?:day)?s?\b|\bmorning\b|\bafternoon\b"
    r"|\bevening\b|\bnight\b|\btonight\b|\bovernight\b|\blunch",
    re.IGNORECASE,
)


def camera_zones(cameras_config: str | Path | None) -> CameraZones:
    """Each camera's zone from the cameras file (unlisted cameras: the ``default`` entry's)."""
    clocks = load_camera_clocks(cameras_config)
    return CameraZones(
        {name: clock.timezone for name, clock in clocks.items()}, clocks["default"].timezone
    )


@dataclass(frozen=True)
class TimeScope:
    """What the caller scoped a question to, besides video ids.

    Attributes:
        cameras: Cameras to search (empty: all).
        start: ``--from``: ISO 8601, without an offset in the camera's zone; None: open.
        end: ``--to``, the same way.
        zones: Each camera's zone (``timezone`` in cameras.yaml).
        now: The current instant (the caller's clock); None: the system clock.
    """

    cameras: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    zones: CameraZones = field(default_factory=CameraZones)
    now: datetime | None = None


@dataclass(frozen=True)
class Scoped:
    """The outcome of :func:`scope_in_time`.

    Attributes:
        clock: The window of real time searched, or None.
        video_ids: The videos to search, or None when the scope does not narrow them.
        phrase: How the answer names the scope ("at camera plaza between ... (Europe/Paris)").
        notes: What the operator should know (an assumed day, videos left out).
        nothing: The whole answer when no video is in scope, else None.
    """

    clock: ClockWindow | None = None
    video_ids: tuple[str, ...] | None = None
    phrase: str = ""
    notes: tuple[str, ...] = ()
    nothing: str | None = None


@dataclass(frozen=True)
class _Video:
    video_id: str
    camera: str
    recorded_at: datetime | None
    duration_s: float

    @property
    def ends_at(self) -> datetime | None:
        if self.recorded_at is None:
            return None
        return self.recorded_at + timedelta(seconds=self.duration_s)


def _videos(
    reader: psycopg.Connection,
    cameras: Sequence[str],
    video_ids: Sequence[str],
    timeout_ms: int,
) -> list[_Video]:
    conditions, params = [], {}
    if cameras:
        conditions.append("v.camera = ANY(%(cameras)s)")
        params["cameras"] = list(cameras)
    if video_ids:
        conditions.append("v.video_id = ANY(%(video_ids)s)")
        params["video_ids"] = list(video_ids)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = (
        "SELECT v.video_id, v.camera, v.recorded_at, v.duration_s FROM qa.videos AS v"
        f"{where} ORDER BY v.recorded_at DESC NULLS LAST, v.video_id LIMIT {MAX_VIDEOS}"
    )
    _, result = run_validated(reader, sql, params, timeout_ms, limit=MAX_VIDEOS)
    return [_Video(str(v), str(c), at, float(d)) for v, c, at, d in result.rows]


def _days(videos: Sequence[_Video], scope: TimeScope) -> tuple[date, ...]:
    days: set[date] = set()
    for video in videos:
        if video.recorded_at is None or video.ends_at is None:
            continue
        zone = scope.zones.of([video.camera])
        first = video.recorded_at.astimezone(zone).date()
        last = video.ends_at.astimezone(zone).date()
        days.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    return tuple(sorted(days))


def _intersect(a: ClockWindow, b: ClockWindow) -> ClockWindow:
    starts = [w.start for w in (a, b) if w.start is not None]
    ends = [(w.end, w.end_included) for w in (a, b) if w.end is not None]
    end = min(ends, key=lambda e: (e[0], e[1])) if ends else (None, True)
    return replace(a, start=max(starts) if starts else None, end=end[0], end_included=end[1])


def _overlaps(video: _Video, clock: ClockWindow) -> bool:
    if video.recorded_at is None or video.ends_at is None:
        return False
    if clock.end is not None and (
        video.recorded_at > clock.end or (video.recorded_at == clock.end and not clock.end_included)
    ):
        return False
    return clock.start is None or video.ends_at >= clock.start


def scope_in_time(
    reader: psycopg.Connection,
    question: str,
    scope: TimeScope,
    video_ids: Sequence[str],
    timeout_ms: int,
) -> Scoped:
    """The window of real time and the videos a question searches.

    Args:
        reader: The reader login's connection (outside a transaction).
        question: The operator's question.
        scope: Cameras, ``--from``/``--to``, zones and the clock.
        video_ids: Videos the caller limited the question to (empty: any).
        timeout_ms: ``statement_timeout`` of the look-up.

    Returns:
        The scope; nothing is read when the question names no time and no camera or window
        was given.

    Raises:
        ValueError: ``--from``/``--to`` is not an ISO 8601 time or the window is reversed.
    """
    bounded = scope.start is not None or scope.end is not None
    if not (scope.cameras or bounded or _MAY_NAME_CLOCK.search(question)):
        return Scoped()
    videos = _videos(reader, scope.cameras, video_ids, timeout_ms)
    known = [v for v in videos if v.recorded_at is not None]
    # Only footage with a known time can be in a window of real time: its cameras' zone counts.
    zone = scope.zones.of(list(scope.cameras) or sorted({v.camera for v in known or videos}))
    context = ClockContext(
        zone,
        scope.now or datetime.now(UTC),
        _days(videos, scope),
        max((v.duration_s for v in known), default=None),
    )
    clock = window_between(scope.start, scope.end, zone)
    asked = find_clock_window(question, context)
    if asked is not None:
        clock = asked if clock is None else _intersect(asked, clock)
    cameras = f" at camera {' or '.join(scope.cameras)}" if scope.cameras else ""
    notes: list[str] = []
    if clock is None:
        if not scope.cameras:
            return Scoped()
        ids = tuple(v.video_id for v in videos)
        nothing = None if ids else f"No analysed video{cameras} was found."
        return Scoped(None, ids, cameras.strip(), (), nothing)
    phrase = f"{cameras.strip()} {clock.describe()}".strip()
    if asked is not None and asked.day_assumed:
        notes.append(f"No date was given: read as {clock.describe()}, the latest day with footage.")
    unknown = len(videos) - len(known)
    if unknown:
        notes.append(
            f"{unknown} video(s){cameras} have no known recording time and are in no time "
            "window; ask about them with offsets in the video (e.g. 'after 1:10')."
        )
    ids = tuple(v.video_id for v in known if _overlaps(v, clock))
    nothing = None
    if not ids:
        nothing = f"No video{cameras} with a known recording time was recorded {clock.describe()}."
    return Scoped(clock, ids, phrase, tuple(notes), nothing)
