"""Compose an operator-facing answer from event rows, without a language model.

The composer only restates what it is given: the rows (id, video, times, zone, description), the
database count, and the filters that were applied. It never fills gaps: when nothing matched it
says so in plain words and cites nothing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from deepsentinel_pipelines.rag.clock_window import local_time
from deepsentinel_pipelines.rag.question import OccupancyQuestion, ParsedQuestion, Window
from deepsentinel_pipelines.timefmt import format_timestamp

if TYPE_CHECKING:
    from deepsentinel_pipelines.rag.retrieval import QueryResult

#: Events cited in one answer; more are summarised by the count.
MAX_CITED = 5
#: What reaches a language model's prompt as evidence is cut: each text value of a row, each
#: row of the model's own SQL, each statement, the number of model rows, and the whole.
MAX_EVIDENCE_VALUE_CHARS = 300
MAX_EVIDENCE_ROW_CHARS = 600
MAX_EVIDENCE_ROWS = 50
MAX_EVIDENCE_STATEMENT_CHARS = 2_000
MAX_EVIDENCE_CHARS = 20_000

# (singular, plural) noun for a count of one event type.
_NOUNS: dict[str, tuple[str, str]] = {
    "enter": ("entry", "entries"),
    "exit": ("exit", "exits"),
    "line_crossing": ("line crossing", "line crossings"),
    "fall": ("fall", "falls"),
}


@dataclass(frozen=True)
class EventRow:
    """One row of ``qa.events`` as the answer needs it (field order matches the builder's SELECT).

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
        started_at: When it started (aware), None when the video's recording time is unknown.
        camera: The camera of its video.
        highlight_url: A presigned URL for the highlight, filled in by the caller.
        clip_url: A presigned URL for the event's clip, filled in by the caller.
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
    started_at: datetime | None = None
    camera: str | None = None
    highlight_url: str | None = None
    clip_url: str | None = None
    timezone: str | None = None

    @property
    def ended_at(self) -> datetime | None:
        """When it ended (aware), None when the recording time is unknown."""
        if self.started_at is None:
            return None
        return self.started_at + timedelta(seconds=max(self.end_s, self.start_s) - self.start_s)


def event_time(row: EventRow) -> str:
    """When an event happened: the camera's clock time with the offset in the video beside it.

    ``2026-12-01 14:00:15 CET (00:15 in the video)``; only the offset (``00:15``) when the
    video's recording time is unknown.
    """
    start, end = format_timestamp(row.start_s), format_timestamp(max(row.end_s, row.start_s))
    offset = start if start == end else f"{start}–{end}"
    if row.started_at is None or row.ended_at is None:
        return offset
    zone = row.timezone or "UTC"
    clock = local_time(row.started_at, zone)
    finish = local_time(row.ended_at, zone)
    if finish != clock:
        clock = f"{clock.rsplit(' ', 1)[0]}–{finish.split(' ')[1]} {clock.rsplit(' ', 1)[1]}"
    return f"{clock} ({offset} in the video)"


def unknown_time_sentence(rows: Sequence[EventRow]) -> str:
    """Says which cited videos have no known recording time (their times are offsets)."""
    videos = list(dict.fromkeys(r.video_id for r in rows if r.started_at is None))
    if not videos:
        return ""
    return (
        f" When {' and '.join(videos)} {'was' if len(videos) == 1 else 'were'} recorded is "
        "unknown: times there are offsets from the start of the video."
    )


@dataclass(frozen=True)
class Answer:
    """The composed answer.

    Attributes:
        text: What to show the operator.
        cited_event_ids: Events the text cites, in the order cited.
        highlights: ``(event_id, url or key)`` for cited events that have a highlight.
    """

    text: str
    cited_event_ids: tuple[int, ...] = ()
    highlights: tuple[tuple[int, str], ...] = ()


def compose_answer(
    parsed: ParsedQuestion,
    events: Sequence[EventRow],
    count: int | None = None,
    window: Window | None = None,
    *,
    video_ids: Sequence[str] = (),
    max_cited: int = MAX_CITED,
    tracked: int | None = None,
    clock: str | None = None,
) -> Answer:
    """Write the answer to ``parsed`` from the rows the database returned.

    Args:
        parsed: The parsed question (types, zones, videos and window used in the wording).
        events: Matching rows, best or earliest first; the first ``max_cited`` are cited.
        count: The database count for a counting question; None for a listing, in which case
            the number stated is ``len(events)``.
        window: The window that was searched, in seconds from the start; None means the
            question's own window.
        video_ids: The videos that were searched; empty means those named in the question.
        max_cited: Most events cited in the text.
        tracked: People the pipeline tracked in the videos searched, for people counts: a
            question with no event type or zone is answered with it, others state it beside
            the filtered count.
        clock: The window of real time searched, in words (a camera's time window), or None.

    Returns:
        The answer text and the ids of the events it cites.
    """
    scope = _scope(parsed, window, video_ids) + (f" {clock}" if clock else "")
    qualifier = f" ({_label(parsed.orientation)})" if parsed.orientation else ""
    total = len(events) if count is None else count
    unfiltered = not (parsed.event_types or parsed.zones or parsed.has_window or window)
    if tracked is not None and parsed.counts_people and unfiltered:
        return Answer(
            text=f"{tracked} {'person was' if tracked == 1 else 'people were'} tracked{scope}."
        )
    of_tracked = (
        f" ({tracked} {'person was' if tracked == 1 else 'people were'} tracked in all)"
        if tracked is not None and parsed.counts_people
        else ""
    )
    if total <= 0:
        return Answer(
            text=f"No {_type_phrase(parsed.event_types)}{qualifier} were found{scope}{of_tracked}."
        )

    cited = list(events[: max(max_cited, 0)])
    if count is not None and parsed.counts_people:
        noun = "person" if total == 1 else "people"
        phrase = _type_phrase(parsed.event_types)
        head = f"{total} {noun} (distinct tracks) with {phrase}{qualifier}{scope}{of_tracked}"
    else:
        head = f"{total} {_count_noun(parsed.event_types, total)}{qualifier}{scope}"
    if parsed.is_yes_no:
        head = f"Yes — {head}"

    if not cited:
        # A count without example rows: state the count only.
        return Answer(text=f"{head}.")
    items = "; ".join(describe_event(row) for row in cited)
    # Say "examples" when the cited rows are not the whole answer (more matches, or people).
    partial = len(cited) < total or (count is not None and parsed.counts_people)
    text = f"{head}{'. Examples: ' if partial else ': '}{items}."
    highlights = tuple(
        (row.event_id, ref)
        for row in cited
        if (ref := row.highlight_url or row.highlight_key) is not None
    )
    return Answer(
        text=text,
        cited_event_ids=tuple(row.event_id for row in cited),
        highlights=highlights,
    )


def describe_event(row: EventRow, with_type: bool = False) -> str:
    """One cited event: id, video, time, type (optional), zone and description."""
    text = f"event #{row.event_id} in {row.video_id} at {event_time(row)}"
    if with_type:
        text += f", {_label(row.event_type)}"
    if row.zone:
        text += f", zone {row.zone}"
    description = " ".join(row.description.split())
    if description:
        text += f" ({description.rstrip('.')})"
    return text


def _label(event_type: str) -> str:
    return event_type.replace("_", " ")


def _type_phrase(event_types: Sequence[str]) -> str:
    """Noun phrase for the types: 'fall events', 'fall or loitering events' or 'events'."""
    if not event_types:
        return "events"
    return " or ".join(_label(t) for t in event_types) + " events"


def _count_noun(event_types: Sequence[str], n: int) -> str:
    if len(event_types) == 1 and event_types[0] in _NOUNS:
        singular, plural = _NOUNS[event_types[0]]
        return singular if n == 1 else plural
    return _type_phrase(event_types)[:-1] if n == 1 else _type_phrase(event_types)


def _scope(parsed: ParsedQuestion, window: Window | None, video_ids: Sequence[str]) -> str:
    parts: list[str] = []
    videos = list(video_ids) or list(parsed.video_ids)
    if videos:
        parts.append("in " + " or ".join(videos))
    if parsed.zones:
        label = "zone" if len(parsed.zones) == 1 else "zones"
        parts.append(f"in {label} " + " or ".join(parsed.zones))
    when = _window_phrase(parsed, window)
    if when:
        parts.append(when)
    return "".join(f" {p}" for p in parts)


def _window_phrase(parsed: ParsedQuestion, window: Window | None) -> str:
    if window is None and parsed.relative_to_end:
        if parsed.start_s is None:
            return ""
        return f"in the last {_duration(-parsed.start_s)} of the video"
    start, end = window if window is not None else (parsed.start_s, parsed.end_s)
    if start is not None and end is not None:
        return f"between {format_timestamp(start)} and {format_timestamp(end)}"
    if start is not None:
        return f"after {format_timestamp(start)}"
    if end is not None:
        return f"before {format_timestamp(end)}"
    return ""


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute" + ("s" if minutes != 1 else ""))
    if secs or not minutes:
        parts.append(f"{secs} second" + ("s" if secs != 1 else ""))
    return " ".join(parts)


def compose_semantic_answer(cited: Sequence[EventRow]) -> Answer:
    """Answer a question without a recognised filter: the closest events, or nothing."""
    if not cited:
        return Answer(
            text="Nothing in the recorded events matches this question: no event type, zone, "
            "video or time in it was recognised, and no event description is close to it."
        )
    items = "; ".join(describe_event(row, with_type=True) for row in cited)
    return Answer(
        text="No event type, zone, video or time was recognised in the question; the events "
        f"whose descriptions are closest to it are: {items}.",
        cited_event_ids=tuple(row.event_id for row in cited),
    )


def videos_sentence(per_video: Sequence[tuple[str, int]]) -> str:
    """The per-video counts of a "which videos" question, as a closing sentence."""
    if not per_video:
        return ""
    parts = ", ".join(f"{video} ({n})" for video, n in per_video)
    return f" Videos: {parts}."


def evidence_text(
    count: int | None,
    cited: Sequence[EventRow],
    model_rows: QueryResult | None,
    statements: Sequence[str],
    draft: str,
) -> str:
    """What the language model may use: the count, the cited rows, the model's rows, the draft.

    Bounded whatever the rows hold: values, rows, statements and the whole text are cut (see
    :data:`MAX_EVIDENCE_CHARS`), the draft answer always kept at the end.
    """
    lines: list[str] = []
    if count is not None:
        lines.append(f"Database count of matching rows: {count}")
    lines.append("Events (id | video | start-end | type | zone | description | highlight):")
    for row in cited:
        lines.append(
            f"#{row.event_id} | {_cut(row.video_id)} | {event_time(row)} | {row.event_type} | "
            f"{_cut(row.zone or '-')} | {_cut(row.description)} | {row.highlight_url or '-'}"
        )
    if not cited:
        lines.append("(none)")
    if model_rows is not None:
        lines.append(f"Rows of your SQL ({_cut(', '.join(model_rows.columns))}):")
        lines.extend(
            _cut(
                json.dumps([_cut(v) if isinstance(v, str) else v for v in r], default=str),
                MAX_EVIDENCE_ROW_CHARS,
            )
            for r in model_rows.rows[:MAX_EVIDENCE_ROWS]
        )
        if len(model_rows.rows) > MAX_EVIDENCE_ROWS:
            lines.append(f"(and {len(model_rows.rows) - MAX_EVIDENCE_ROWS} more rows)")
    lines.append("SQL that ran:")
    lines.extend(_cut(s, MAX_EVIDENCE_STATEMENT_CHARS) for s in statements or ["(none)"])
    tail = f"Draft answer (built only from these rows): {_cut(draft, 4 * MAX_EVIDENCE_ROW_CHARS)}"
    text = _cut("\n".join(lines), MAX_EVIDENCE_CHARS - len(tail) - 1)
    return f"{text}\n{tail}"


def _cut(text: str, limit: int = MAX_EVIDENCE_VALUE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying so."""
    return text if len(text) <= limit else text[: max(0, limit - 14)] + " [...cut]"


@dataclass(frozen=True)
class OccupancyRow:
    """One row of ``qa.occupancy`` as the occupancy queries select it."""

    video_id: str
    zone: str
    second: int
    people: int
    at: datetime | None = None  # the second's clock time; None when the time is unknown
    timezone: str | None = None

    def when(self) -> str:
        """The second as the camera's clock shows it, the offset beside it (or alone)."""
        offset = format_timestamp(self.second)
        if self.at is None:
            return offset
        return f"{local_time(self.at, self.timezone or 'UTC')} ({offset} in the video)"


def compose_occupancy_answer(question: OccupancyQuestion, rows: Sequence[OccupancyRow]) -> Answer:
    """Answer "when was it busiest?" or "how many people at <time>?" from occupancy rows.

    Args:
        question: The parsed occupancy question.
        rows: The builder's rows: most people first for the busiest question, one per video
            for a moment.

    Returns:
        The answer (it cites no events: occupancy is counted from detections, not events).
    """
    where = f"in zone {question.zone}" if question.zone else "in the frame"
    if question.busiest:
        peak = [r for r in rows if rows and r.people == rows[0].people and r.people > 0]
        if not peak:
            return Answer(text=f"Nobody was seen {where} in the occupancy records searched.")
        moments = ", ".join(f"{r.when()} in {r.video_id}" for r in peak[:3])
        more = f" (and {len(peak) - 3} more seconds)" if len(peak) > 3 else ""
        noun = "person" if peak[0].people == 1 else "people"
        return Answer(
            text=f"It was busiest {where} at {moments}{more}, with {peak[0].people} {noun} "
            "in view at once."
        )
    when = format_timestamp(question.at_s or 0.0)
    if not rows:
        return Answer(text=f"No occupancy was recorded at {when} (is the video that long?).")
    parts = "; ".join(
        f"{r.people} {'person' if r.people == 1 else 'people'} in {r.video_id}" for r in rows
    )
    return Answer(text=f"At {when}, {where}: {parts} (most seen in one frame of that second).")
