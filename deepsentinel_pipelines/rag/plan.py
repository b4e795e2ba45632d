"""The typed query plan behind every answer: what is asked, over which rows, in what order.

A question kind (``rag/kinds/``) turns a parsed question into a :class:`QueryPlan`; the compiler
(``rag/compiler.py``) turns the plan into guarded SQL, and the composer (``rag/composer.py``)
turns the rows into the answer. The plan is also what an operator sees of how the question was
understood (``ask --json``'s ``plan``, the ``rag_query`` run's metadata).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Operation(StrEnum):
    """What the answer states."""

    COUNT_PEOPLE = "count people"
    COUNT_EVENTS = "count events"
    EXISTS = "exists"
    LIST = "list"
    FIRST = "first"
    LAST = "last"
    NTH = "nth"
    LONGEST = "longest"
    SHORTEST = "shortest"
    LARGEST = "largest"
    WHEN = "when"
    HOW_LONG = "how long"
    COMPARE = "compare"
    DESCRIBE_PERSON = "describe person"
    SUMMARY = "summary"
    BUSIEST = "busiest"
    PEOPLE_AT = "people at a moment"
    DIRECTIONS = "directions"
    SEARCH = "search"
    CANNOT_TELL = "cannot tell"


class Subject(StrEnum):
    """The rows an operation counts or orders."""

    EVENTS = "events"
    PEOPLE = "people"  # distinct (video, track) among the matching events
    TRACKS = "tracks"  # every tracked person in view (qa.tracks), no event needed
    OCCUPANCY = "occupancy"  # people per second (qa.occupancy)
    VIDEOS = "videos"


@dataclass(frozen=True)
class Filters:
    """Which rows a plan reads.

    Attributes:
        event_types: Event types (empty: any).
        zones: Zone names as configured (compared case-insensitively; empty: any).
        lines: Counting-line names (line crossings' ``attributes.line``; empty: any).
        direction: A line crossing's stored direction, ``in`` or ``out``.
        orientation: An orientation event's ``attributes.orientation``.
        track_id: One tracked person.
        video_ids: Videos searched (empty: all).
        cameras: Cameras searched (empty: all).
        start_s: Offset window start, seconds from the start of each video (None: open).
        end_s: Offset window end (None: open).
        relative_to_end: ``start_s``/``end_s`` are offsets from each video's end (``<= 0``).
        fraction: A part of each video by its duration (``(0.5, 1.0)``: the second half).
        clock_start: Start of a window of real time (aware), or None.
        clock_end: End of a window of real time (aware), or None.
        clock_end_included: Whether ``clock_end`` itself is in the window.
        min_duration_s: Events lasting at least this long.
        frame_only: Only whole-frame events (no zone): "entered the frame" vs a zone's entries.
        arrivals_only: Leave out the entries of people already in view when the video starts.
    """

    event_types: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    direction: str | None = None
    orientation: str | None = None
    track_id: int | None = None
    video_ids: tuple[str, ...] = ()
    cameras: tuple[str, ...] = ()
    start_s: float | None = None
    end_s: float | None = None
    relative_to_end: bool = False
    fraction: tuple[float, float] | None = None
    clock_start: Any = None
    clock_end: Any = None
    clock_end_included: bool = True
    min_duration_s: float | None = None
    frame_only: bool = False
    arrivals_only: bool = False

    @property
    def has_window(self) -> bool:
        """Whether a time window narrows the rows."""
        return (
            self.start_s is not None
            or self.end_s is not None
            or self.fraction is not None
            or self.clock_start is not None
            or self.clock_end is not None
        )

    @property
    def narrows_events(self) -> bool:
        """Whether anything besides videos, cameras and time narrows the events."""
        return bool(
            self.event_types
            or self.zones
            or self.lines
            or self.direction
            or self.orientation
            or self.track_id is not None
            or self.min_duration_s is not None
            or self.frame_only
        )

    def but(self, **changes: Any) -> Filters:
        """A copy with ``changes``."""
        return replace(self, **changes)

    def as_json(self) -> dict[str, Any]:
        """The filters that are set, as JSON values."""
        out: dict[str, Any] = {}
        for name, value in self.__dict__.items():
            if value in (None, (), False) or name == "clock_end_included":
                continue
            out[name] = value.isoformat() if hasattr(value, "isoformat") else value
        if "fraction" in out:
            out["fraction"] = list(out["fraction"])
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


@dataclass(frozen=True)
class QueryPlan:
    """How a question is answered.

    Attributes:
        kind: The question kind that made the plan (a module under ``rag/kinds/``).
        operation: What the answer states.
        subject: The rows counted or ordered.
        filters: Which rows.
        group_by: ``video``, ``camera``, ``half``, ``zone``, ``direction``, ``line``,
            ``event_type``, ``track`` or None.
        order: ``time``, ``time desc``, ``duration desc``, ``duration``, ``size desc`` or None.
        nth: For ``nth``: which one (1 is the first).
        at_least: Count only the people with at least this many matching events.
        versus: For ``compare``: the sides, each a label and its filters.
        measured: What the answer measures, in words ("stays", "crowd size") for wording.
        cannot_tell: For ``cannot tell``: what the footage cannot tell.
        readings: How an ambiguous question was read, said in the answer.
        words: The phrases that decided the plan, for the operator.
        yes_no: The question expects yes or no ("were there more ...?").
        unnamed_videos: Videos the caller scoped the question to without the question naming
            them; the answer does not repeat them.
        clock_words: The window of real time searched, in words with its zone and camera
            ("at camera plaza between 14:00 and 14:30 on 1 December 2026 (Europe/Paris)").
    """

    kind: str
    operation: Operation
    subject: Subject = Subject.EVENTS
    filters: Filters = field(default_factory=Filters)
    group_by: str | None = None
    order: str | None = None
    nth: int | None = None
    at_least: int | None = None
    versus: tuple[tuple[str, Filters], ...] = ()
    measured: str | None = None
    cannot_tell: str | None = None
    readings: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    yes_no: bool = False
    unnamed_videos: tuple[str, ...] = ()
    clock_words: str = ""

    def but(self, **changes: Any) -> QueryPlan:
        """A copy with ``changes``."""
        return replace(self, **changes)

    def as_json(self) -> dict[str, Any]:
        """The plan as ``ask --json`` prints it and the run's metadata shows it."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "operation": str(self.operation),
            "subject": str(self.subject),
            "filters": self.filters.as_json(),
        }
        for name in ("group_by", "order", "nth", "at_least", "measured", "cannot_tell"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        if self.versus:
            out["versus"] = [{"label": label, "filters": f.as_json()} for label, f in self.versus]
        if self.readings:
            out["readings"] = list(self.readings)
        if self.clock_words:
            out["time_window"] = self.clock_words
        out["understood"] = self.describe()
        return out

    def describe(self) -> str:
        """The question as understood, in one line ("count people · line path, in · 0:00-0:30")."""
        parts = [str(self.operation)]
        if self.subject is not Subject.EVENTS:
            parts[0] += f" ({self.subject})"
        f = self.filters
        if f.event_types:
            parts.append(" or ".join(t.replace("_", " ") for t in f.event_types))
        if f.lines:
            parts.append(
                "line " + " or ".join(f.lines) + (f", {f.direction}" if f.direction else "")
            )
        elif f.direction:
            parts.append(f"direction {f.direction}")
        if f.zones:
            parts.append("zone " + " or ".join(f.zones))
        if f.frame_only:
            parts.append("whole frame")
        if f.orientation:
            parts.append(f.orientation.replace("_", " "))
        if f.track_id is not None:
            parts.append(f"person {f.track_id}")
        if f.video_ids:
            parts.append("video " + " or ".join(f.video_ids))
        if f.cameras:
            parts.append("camera " + " or ".join(f.cameras))
        window = _window_words(f)
        if window:
            parts.append(window)
        if f.min_duration_s is not None:
            parts.append(f"at least {f.min_duration_s:g} s")
        if self.group_by:
            parts.append(f"per {self.group_by}")
        if self.order:
            parts.append(f"by {self.order}")
        if self.nth is not None:
            parts.append(f"number {self.nth}")
        if self.at_least is not None:
            parts.append(f"{self.at_least}+ each")
        if self.versus:
            parts.append(" vs ".join(label for label, _ in self.versus))
        if self.cannot_tell:
            parts.append(self.cannot_tell)
        return " · ".join(parts)


def _clock(seconds: float) -> str:
    whole = int(round(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def _window_words(f: Filters) -> str:
    if f.fraction is not None:
        a, b = f.fraction
        return f"{a:.0%}-{b:.0%} of the video"
    if f.relative_to_end and f.start_s is not None:
        return f"last {-f.start_s:g} s"
    if f.start_s is not None and f.end_s is not None:
        return f"{_clock(f.start_s)}-{_clock(f.end_s)}"
    if f.start_s is not None:
        return f"after {_clock(f.start_s)}"
    if f.end_s is not None:
        return f"before {_clock(f.end_s)}"
    if f.clock_start is not None or f.clock_end is not None:
        start = f.clock_start.isoformat() if f.clock_start is not None else "…"
        end = f.clock_end.isoformat() if f.clock_end is not None else "…"
        return f"{start} to {end}"
    return ""
