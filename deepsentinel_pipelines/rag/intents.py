"""Questions that ask for something other than a filtered list of events.

"Summarize the video", "tell me about person 12", "which direction did most people walk?" and
"when was it busiest?" each have one right source: the stored summary, one track's events in time
order, the orientation and line-crossing directions counted, and the moment the most tracked
people were in view at once. This module recognises them (:func:`detect_intent`), builds their
parameterised SQL over the ``qa`` views (run through the guard like any other statement), and
words the answer in at most three sentences before the cited events. No Dagster, no database.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from deepsentinel_pipelines.rag.answer import Answer, EventRow, describe_event, event_time
from deepsentinel_pipelines.rag.clock_window import ClockWindow
from deepsentinel_pipelines.rag.question import ParsedQuestion
from deepsentinel_pipelines.rag.sql_builder import EVENT_COLUMNS
from deepsentinel_pipelines.timefmt import format_timestamp

#: Events cited after an intent's answer.
MAX_CITED = 5
#: Rows read for a track's timeline or a peak (a track has few events; tracks per video are
#: hundreds).
TIMELINE_LIMIT = 200
PEAK_TRACKS_LIMIT = 20_000

_SUMMARY_RE = re.compile(
    r"\b(?:summar\w*|overview|recap\w*|gist|synopsis|tl;?dr)\b"
    r"|\bwhat\s+(?:is|was)\s+(?:this|the)\s+(?:video|clip|footage|recording)\s+about\b"
    r"|\bdescribe\s+(?:this|the)\s+(?:video|clip|footage|recording|scene)\b"
)
# "What happened in <video>" is a summary only when nothing narrows it.
_WHAT_HAPPENED_RE = re.compile(r"\bwhat\s+(?:happened|went\s+on|is\s+going\s+on)\b")
_TRACK_RE = re.compile(
    r"\b(?:person|track|id|individual|subject|visitor|pedestrian)"
    r"\s*(?:#|no\.?|number|n°)?\s*(\d{1,6})\b"
)
_DIRECTION_RE = re.compile(
    r"\bdirections?\b|\bwhich\s+way\b|\bheading\b|\bheaded\b|\bin\s+or\s+out\b"
    r"|\bout\s+or\s+in\b|\bflow\s+of\s+people\b|\bwhich\s+side\b"
    r"|\b(?:where|which\s+way)\s+(?:were|was|did)\s+(?:most\s+)?(?:people|they)\s+fac\w*\b"
)
_BUSIEST_RE = re.compile(
    r"\bbusiest\b|\bbusy\s+(?:time|moment|period|point)\b|\bpeak\b|\brush\b"
    r"|\bmost\s+(?:crowded|busy|packed|full|people|persons|visitors|traffic|occupied)\b"
    r"|\b(?:crowdedest|fullest)\b|\bmaximum\s+(?:number\s+of\s+)?(?:people|occupancy)\b"
    r"|\bmost\s+(?:people\s+)?at\s+once\b"
)

_DIRECTION_LABELS = {"in": "in", "out": "out"}


@dataclass(frozen=True)
class Intent:
    """What a question asks for beyond a filtered list.

    Attributes:
        kind: ``summary``, ``track``, ``direction`` or ``busiest``.
        track_id: The track asked about (``track`` only).
    """

    kind: str
    track_id: int | None = None


def detect_intent(text: str, parsed: ParsedQuestion) -> Intent | None:
    """The intent of ``text``, or None for the ordinary filtered search.

    Args:
        text: The question.
        parsed: Its parse (event types, zones and window decide whether "what happened" is a
            summary or a listing).
    """
    norm = " ".join(text.lower().split())
    narrowed = bool(parsed.event_types or parsed.zones or parsed.has_window)
    if _SUMMARY_RE.search(norm):
        return Intent("summary")
    track = _TRACK_RE.search(norm)
    if track is not None and not parsed.is_count:
        return Intent("track", track_id=int(track.group(1)))
    if _WHAT_HAPPENED_RE.search(norm) and not narrowed:
        return Intent("summary")
    if _DIRECTION_RE.search(norm) and not parsed.is_count:
        return Intent("direction")
    if _BUSIEST_RE.search(norm) and not parsed.is_count:
        return Intent("busiest")
    return None


# --- SQL ----------------------------------------------------------------------------------------


def _videos_condition(alias: str, video_ids: Sequence[str], params: dict[str, Any]) -> list[str]:
    if not video_ids:
        return []
    params["video_ids"] = list(video_ids)
    return [f"{alias}.video_id = ANY(%(video_ids)s)"]


def _where(conditions: Sequence[str]) -> str:
    return (" WHERE " + " AND ".join(conditions)) if conditions else ""


def summary_sql(video_ids: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Each video's stored summary: ``(video_id, summary)``."""
    params: dict[str, Any] = {}
    where = _where(_videos_condition("v", video_ids, params))
    return f"SELECT v.video_id, v.summary FROM qa.videos AS v{where} ORDER BY v.video_id", params


def track_sql(track_id: int, video_ids: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """One track's events in time order (:data:`EVENT_COLUMNS`)."""
    params: dict[str, Any] = {"track_id": int(track_id)}
    conditions = ["e.track_id = %(track_id)s", *_videos_condition("e", video_ids, params)]
    columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    sql = (
        f"SELECT {columns} FROM qa.events AS e{_where(conditions)} "
        f"ORDER BY e.video_id, e.start_s, e.event_id LIMIT {TIMELINE_LIMIT}"
    )
    return sql, params


def direction_sql(video_ids: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Orientation and line-crossing events, in time order, with their direction fields.

    Columns: :data:`EVENT_COLUMNS`, then ``orientation``, ``direction`` and ``line``.
    """
    params: dict[str, Any] = {}
    conditions = [
        "e.event_type IN ('orientation', 'line_crossing')",
        *_videos_condition("e", video_ids, params),
    ]
    columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    sql = (
        f"SELECT {columns}, e.attributes ->> 'orientation' AS orientation, "
        "e.attributes ->> 'direction' AS direction, e.attributes ->> 'line' AS line "
        f"FROM qa.events AS e{_where(conditions)} "
        f"ORDER BY e.video_id, e.start_s, e.event_id LIMIT {TIMELINE_LIMIT}"
    )
    return sql, params


def tracks_sql(video_ids: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Every track's span: ``(video_id, first_s, last_s)``."""
    params: dict[str, Any] = {}
    where = _where(_videos_condition("t", video_ids, params))
    sql = f"SELECT t.video_id, t.first_s, t.last_s FROM qa.tracks AS t{where}"
    return f"{sql} LIMIT {PEAK_TRACKS_LIMIT}", params


def crowding_sql(video_ids: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """Crowding events with the crowd size they recorded (:data:`EVENT_COLUMNS`, ``people``)."""
    params: dict[str, Any] = {}
    conditions = ["e.event_type = 'crowding'", *_videos_condition("e", video_ids, params)]
    columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    sql = (
        f"SELECT {columns}, e.attributes ->> 'count' AS people FROM qa.events AS e"
        f"{_where(conditions)} ORDER BY e.video_id, e.start_s, e.event_id LIMIT {TIMELINE_LIMIT}"
    )
    return sql, params


def tracked_people_sql(
    video_ids: Sequence[str], clock: ClockWindow | None = None
) -> tuple[str, dict[str, Any]]:
    """People tracked in the videos: the pipeline's ``people_count``, summed (``n``).

    Within a window of real time (``clock``), the person tracks in view during it.
    """
    params: dict[str, Any] = {}
    if clock is None:
        where = _where(_videos_condition("v", video_ids, params))
        return f"SELECT sum(v.people_count) AS n FROM qa.videos AS v{where}", params
    conditions = ["t.class_name = 'person'", *_videos_condition("t", video_ids, params)]
    if clock.start is not None:
        conditions.append("t.ended_at >= %(from_at)s")
        params["from_at"] = clock.start
    if clock.end is not None:
        conditions.append(f"t.started_at {'<=' if clock.end_included else '<'} %(to_at)s")
        params["to_at"] = clock.end
    return f"SELECT count(*) AS n FROM qa.tracks AS t{_where(conditions)}", params


# --- answers ------------------------------------------------------------------------------------


def _scope(video_ids: Sequence[str]) -> str:
    return (" in " + " or ".join(video_ids)) if video_ids else ""


def summary_answer(rows: Sequence[tuple[str, str | None]], video_ids: Sequence[str]) -> Answer:
    """The stored summaries, one per video (a video not yet summarised says so)."""
    if not rows:
        return Answer(text=f"No analysed video was found{_scope(video_ids)}.")
    if len(rows) == 1:
        video, summary = rows[0]
        return Answer(text=f"{video}: {summary}" if summary else f"{video} has no summary yet.")
    done = [f"{video}: {summary}" for video, summary in rows if summary]
    missing = [video for video, summary in rows if not summary]
    parts = [" ".join(done)] if done else []
    if missing:
        parts.append(f"Not summarised yet: {', '.join(missing)}.")
    return Answer(text=" ".join(parts))


def track_answer(track_id: int, events: Sequence[EventRow], video_ids: Sequence[str]) -> Answer:
    """A track's events in time order (first and last seen, then the first few)."""
    who = f"Person {track_id} (track {track_id})"
    if not events:
        return Answer(text=f"No events of track {track_id} were found{_scope(video_ids)}.")
    videos = list(dict.fromkeys(row.video_id for row in events))
    first, last = events[0], events[-1]
    noun = "event" if len(events) == 1 else "events"
    text = (
        f"{who} has {len(events)} {noun} in {' and '.join(videos)}, "
        f"from {event_time(first)} to {event_time(last)}."
    )
    if len(videos) > 1:
        text += " Track numbers restart in every video, so these may be different people."
    return _with_events(text, events)


@dataclass(frozen=True)
class DirectionRow:
    """One orientation or line-crossing event with its direction fields."""

    event: EventRow
    orientation: str | None
    direction: str | None
    line: str | None


def direction_answer(rows: Sequence[DirectionRow], video_ids: Sequence[str]) -> Answer:
    """Line-crossing directions and facing orientations, counted, most frequent first."""
    crossings = Counter(r.direction for r in rows if r.event.event_type == "line_crossing")
    facings = Counter(r.orientation for r in rows if r.event.event_type == "orientation")
    crossings.pop(None, None)
    facings.pop(None, None)
    if not crossings and not facings:
        return Answer(
            text=f"No line-crossing or orientation events were found{_scope(video_ids)}, "
            "so no direction can be told."
        )
    sentences = []
    if crossings:
        lines = sorted({r.line for r in rows if r.line})
        where = f" ({', '.join(lines)})" if lines else ""
        counts = ", ".join(f"{n} {_DIRECTION_LABELS.get(d, d)}" for d, n in crossings.most_common())
        top, n = crossings.most_common(1)[0]
        lead = f"most went {top}" if list(crossings.values()).count(n) == 1 else "no direction led"
        sentences.append(f"Line crossings{_scope(video_ids)}{where}: {counts}; {lead}.")
    if facings:
        counts = ", ".join(f"{n} {str(o).replace('_', ' ')}" for o, n in facings.most_common())
        top, n = facings.most_common(1)[0]
        lead = (
            f"most faced {str(top).replace('facing_', '').replace('_', ' ')}"
            if list(facings.values()).count(n) == 1
            else "no orientation led"
        )
        sentences.append(f"Orientation events{_scope(video_ids)}: {counts}; {lead}.")
    return _with_events(" ".join(sentences), [r.event for r in rows])


@dataclass(frozen=True)
class Peak:
    """The moment the most tracked people were in view at once."""

    video_id: str
    time_s: float
    people: int


def peak_occupancy(spans: Sequence[tuple[str, float, float]]) -> Peak | None:
    """The earliest moment with the most concurrent tracks, over ``(video, first_s, last_s)``."""
    best: Peak | None = None
    by_video: dict[str, list[tuple[float, int]]] = {}
    for video, first, last in spans:
        # Arrivals sort before departures at the same instant: both are in view then.
        by_video.setdefault(video, []).extend([(float(first), -1), (float(last), 1)])
    for video in sorted(by_video):
        current = 0
        for time_s, step in sorted(by_video[video]):
            current -= step
            if best is None or current > best.people:
                best = Peak(video, time_s, current)
    return best


def busiest_answer(
    peak: Peak | None, crowds: Sequence[tuple[EventRow, int | None]], video_ids: Sequence[str]
) -> Answer:
    """The peak from the tracks (or, without tracks, the largest crowding event)."""
    if peak is None and crowds:
        row, people = max(crowds, key=lambda c: (c[1] or 0, -c[0].start_s))
        peak = Peak(row.video_id, row.start_s, people or 0)
    if peak is None or peak.people <= 0:
        return Answer(text=f"No tracked people or crowds were found{_scope(video_ids)}.")
    text = (
        f"The busiest moment was at {format_timestamp(peak.time_s)} in {peak.video_id}, "
        f"with {peak.people} people in view at once."
    )
    near = [
        row
        for row, _ in crowds
        if row.video_id == peak.video_id and row.start_s - 5 <= peak.time_s <= row.end_s + 5
    ]
    return _with_events(text, near)


def _with_events(text: str, events: Sequence[EventRow]) -> Answer:
    cited = list(events[:MAX_CITED])
    if not cited:
        return Answer(text=text)
    more = f" (first {len(cited)} of {len(events)})" if len(events) > len(cited) else ""
    items = "; ".join(describe_event(row, with_type=True) for row in cited)
    return Answer(
        text=f"{text} Events{more}: {items}.",
        cited_event_ids=tuple(row.event_id for row in cited),
    )
