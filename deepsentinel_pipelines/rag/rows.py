"""The row types every part of question answering shares: events, occupancy, query results.

One module, imported by the compiler, the retrievers, the composer and the router, and importing
none of them, so no two of those need each other for a type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

#: Columns of every event listing, in :class:`EventRow` order.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "video_id",
    "event_type",
    "start_s",
    "end_s",
    "track_id",
    "zone",
    "description",
    "highlight_key",
    "confidence",
    "started_at",
    "camera",
)


@dataclass(frozen=True)
class EventRow:
    """One row of ``qa.events`` as an answer needs it (field order matches the listing SELECT).

    Attributes:
        event_id: Primary key, cited as ``event #<id>``.
        video_id: The video the event belongs to.
        event_type: One of ``EVENT_TYPES``.
        start_s: Start in seconds from the start of the video.
        end_s: End in seconds from the start of the video.
        track_id: Tracked person, if any.
        zone: Zone name, if any.
        description: The rule's one-line description.
        highlight_key: S3 key of the highlight frame, if any.
        confidence: Rule confidence, if selected.
        highlight_url: A presigned URL for the highlight, filled in by the caller.
        clip_url: A presigned URL for the event's clip, filled in by the caller.
        value: What the question measured on this event, when it measured something (a stay's
            seconds, a crowd's size), else None.
        started_at: When it started (aware), None when the video's recording time is unknown.
        camera: The camera of its video.
        timezone: The camera's zone, in which times are told; filled in by the caller.
    """

    event_id: int
    video_id: str
    event_type: str
    start_s: float
    end_s: float
    track_id: int | None = None
    zone: str | None = None
    description: str = ""
    highlight_key: str | None = None
    confidence: float | None = None
    highlight_url: str | None = None
    clip_url: str | None = None
    value: float | None = None
    started_at: datetime | None = None
    camera: str | None = None
    timezone: str | None = None

    @property
    def duration_s(self) -> float:
        """How long the event lasted."""
        return max(self.end_s - self.start_s, 0.0)

    @property
    def ended_at(self) -> datetime | None:
        """When it ended (aware), None when the recording time is unknown."""
        if self.started_at is None:
            return None
        return self.started_at + timedelta(seconds=self.duration_s)


def event_row(values: Sequence[Any]) -> EventRow:
    """An :class:`EventRow` from a row in :data:`EVENT_COLUMNS` order (a ``value`` may follow)."""
    record = dict(zip(EVENT_COLUMNS, values[: len(EVENT_COLUMNS)], strict=True))
    extra = values[len(EVENT_COLUMNS)] if len(values) > len(EVENT_COLUMNS) else None
    return EventRow(
        event_id=int(record["event_id"]),
        video_id=str(record["video_id"]),
        event_type=str(record["event_type"]),
        start_s=float(record["start_s"]),
        end_s=float(record["end_s"]),
        track_id=record["track_id"],
        zone=record["zone"],
        description=record["description"] or "",
        highlight_key=record["highlight_key"],
        confidence=None if record["confidence"] is None else float(record["confidence"]),
        value=None if extra is None else float(extra),
        started_at=record["started_at"],
        camera=record["camera"],
    )


@dataclass(frozen=True)
class OccupancyFinding:
    """One row of ``qa.occupancy``: the most people seen in one frame of a second.

    ``at`` is the second's clock time (None when the video's time is unknown), told in
    ``timezone``, the zone of the video's ``camera``.
    """

    video_id: str
    zone: str
    second: int
    people: int
    at: datetime | None = None
    camera: str | None = None
    timezone: str | None = None


@dataclass(frozen=True)
class TrackRow:
    """One tracked person: when they were first and last in view."""

    video_id: str
    track_id: int
    first_s: float
    last_s: float

    @property
    def duration_s(self) -> float:
        """How long they were in view."""
        return max(self.last_s - self.first_s, 0.0)


@dataclass(frozen=True)
class QueryResult:
    """Rows of one read-only statement.

    Attributes:
        columns: Column names, in order.
        rows: The rows, as tuples.
        truncated: Fetching stopped at the byte cap.
        size_bytes: About how many bytes the rows hold.
    """

    columns: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    truncated: bool = False
    size_bytes: int = 0


@dataclass(frozen=True)
class Answer:
    """A composed answer.

    Attributes:
        text: What to show the operator: the direct answer first, then context, then events.
        cited_event_ids: Events the text cites, in the order cited.
    """

    text: str
    cited_event_ids: tuple[int, ...] = ()


@dataclass
class Findings:
    """What the statements of one plan found, handed to the composer.

    Attributes:
        value: The plan's number (a count, seconds, a crowd's size), or None.
        events: The events that support the answer, in the order they support it.
        total: How many events matched (the citations may be fewer).
        tracked: People tracked in the videos searched (people counts state it beside).
        groups: ``(label, number)`` per group (per video, per half, per direction ...).
        tracks: Tracks the answer is about (how long a person was in view).
        occupancy: People-per-second rows (busiest, people at a moment).
        summaries: ``(video_id, summary)`` of the videos searched.
        durations: ``(video_id, duration_s)`` of the videos searched.
        extra: Facts a kind's answer mentions as context (named numbers).
    """

    value: float | None = None
    events: list[EventRow] = field(default_factory=list)
    total: int | None = None
    tracked: int | None = None
    groups: list[tuple[str, float]] = field(default_factory=list)
    tracks: list[TrackRow] = field(default_factory=list)
    occupancy: list[OccupancyFinding] = field(default_factory=list)
    summaries: list[tuple[str, str | None]] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)
    extra: dict[str, float] = field(default_factory=dict)
