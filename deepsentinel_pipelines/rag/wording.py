"""How answers say things: times (offsets, the camera's clock), event nouns and verbs, scopes.

Shared by the composer and everything that shows an answer's events (the CLI, the ``rag_query``
op, the answer's JSON), so a time or a direction reads the same everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from deepsentinel_pipelines.rag.clock_window import local_time
from deepsentinel_pipelines.rag.plan import Filters, QueryPlan, Subject
from deepsentinel_pipelines.rag.rows import EventRow, Findings, OccupancyFinding
from deepsentinel_pipelines.rag.site import Site
from deepsentinel_pipelines.text.timefmt import format_timestamp

_NOUNS: dict[str, tuple[str, str]] = {
    "enter": ("entry", "entries"),
    "exit": ("exit", "exits"),
    "line_crossing": ("line crossing", "line crossings"),
    "fall": ("fall", "falls"),
    "dwell": ("stay", "stays"),
    "loitering": ("loitering event", "loitering events"),
    "crowding": ("crowd", "crowds"),
    "sitting": ("sitting event", "sitting events"),
    "standing": ("standing event", "standing events"),
    "walking": ("walking event", "walking events"),
    "running": ("running event", "running events"),
    "orientation": ("orientation event", "orientation events"),
}
_VERBS: dict[str, str] = {
    "enter": "entered",
    "exit": "left",
    "line_crossing": "crossed",
    "fall": "fell",
    "dwell": "stayed",
    "loitering": "loitered",
    "crowding": "were in a crowd",
    "sitting": "sat",
    "standing": "stood",
    "walking": "walked",
    "running": "ran",
    "orientation": "were seen facing a way",
}


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


def start_time(row: EventRow) -> str:
    """When an event started: clock time with the offset beside it, or the offset alone."""
    offset = format_timestamp(row.start_s)
    if row.started_at is None:
        return offset
    return f"{local_time(row.started_at, row.timezone or 'UTC')} ({offset} in the video)"


def occupancy_time(row: OccupancyFinding) -> str:
    """A second of occupancy as the camera's clock shows it, the offset beside it (or alone)."""
    offset = format_timestamp(row.second)
    if row.at is None:
        return offset
    return f"{local_time(row.at, row.timezone or 'UTC')} ({offset} in the video)"


def unknown_time_sentence(rows: Sequence[EventRow]) -> str:
    """Says which cited videos have no known recording time (their times are offsets)."""
    videos = list(dict.fromkeys(r.video_id for r in rows if r.started_at is None))
    if not videos:
        return ""
    return (
        f"When {' and '.join(videos)} {'was' if len(videos) == 1 else 'were'} recorded is "
        "unknown: times there are offsets from the start of the video."
    )


def describe_event(row: EventRow, with_type: bool = False) -> str:
    """One cited event: id, video, time, type (optional), zone and description."""
    text = f"event #{row.event_id} in {row.video_id} at {event_time(row)}"
    if with_type:
        text += f", {label(row.event_type)}"
    if row.zone:
        text += f", zone {row.zone}"
    description = " ".join(row.description.split())
    if description:
        text += f" ({description.rstrip('.')})"
    return text


def label(event_type: str) -> str:
    """An event type in words."""
    return event_type.replace("_", " ")


def counted(n: float, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun: "1 person", "3 people"."""
    count = int(n) if float(n).is_integer() else n
    return f"{count} {singular if count == 1 else (plural or singular + 's')}"


def event_noun(types: Sequence[str], n: float) -> str:
    """``n`` events of these types in words: "2 falls", "1 line crossing", "3 stays"."""
    if set(types) == {"dwell", "loitering"}:
        return counted(n, "stay")
    if len(types) == 1 and types[0] in _NOUNS:
        singular, plural = _NOUNS[types[0]]
        return counted(n, singular, plural)
    words = " or ".join(label(t) for t in types) + " event" if types else "event"
    return counted(n, words)


def duration_words(value: float) -> str:
    """Seconds in words: "1.4 s", "16 s", "1 min 5 s"."""
    whole = round(value)
    if whole < 60:
        return f"{value:.0f} s" if whole >= 10 else f"{value:.1f} s"
    return f"{whole // 60} min {whole % 60} s"


def direction_phrase(f: Filters, site: Site) -> str:
    """The crossing direction by the line's names: " towards X (left to right) (direction in)"."""
    if f.direction is None:
        return ""
    line = site.line(f.lines[0]) if f.lines else None
    if line is None:
        return f" going {f.direction}"
    return f" {line.direction_words(f.direction)} (direction {f.direction})"


def where_words(f: Filters, site: Site, *, with_line: bool = True) -> str:
    """The line (with its direction) and zones the filters name."""
    parts: list[str] = []
    if f.lines and with_line:
        parts.append(f"line {' or '.join(f.lines)}" + direction_phrase(f, site))
    elif f.direction and with_line:
        parts.append(f"going {f.direction}")
    if f.zones:
        parts.append(f"zone {' or '.join(f.zones)}")
    return " ".join(parts)


def scope_words(f: Filters, plan: QueryPlan) -> str:
    """Where and when the rows were searched: " in VIDEO at camera C between 00:10 and 00:40".

    Videos the caller scoped the question to are not repeated unless the question named them.
    """
    parts: list[str] = []
    videos = [v for v in f.video_ids if v not in plan.unnamed_videos]
    if videos:
        parts.append("in " + " or ".join(videos))
    if f.cameras and not plan.clock_words:
        parts.append("at camera " + " or ".join(f.cameras))
    if plan.clock_words and f is plan.filters:
        parts.append(plan.clock_words)
    window = window_words(f)
    if window:
        parts.append(window)
    return "".join(f" {p}" for p in parts)


def window_words(f: Filters) -> str:
    """The time window in words."""
    if f.fraction is not None:
        return {
            (0.0, 0.5): "in the first half of the video",
            (0.5, 1.0): "in the second half of the video",
        }.get(f.fraction, "in the middle third of the video")
    if f.relative_to_end:
        if f.start_s is None:
            return ""
        return f"in the last {duration_words(-f.start_s)} of the video"
    if f.start_s is not None and f.end_s is not None:
        return f"between {format_timestamp(f.start_s)} and {format_timestamp(f.end_s)}"
    if f.start_s is not None:
        return f"after {format_timestamp(f.start_s)}"
    if f.end_s is not None:
        return f"before {format_timestamp(f.end_s)}"
    return ""


def people_phrase(f: Filters, site: Site) -> str:
    """What the people did: "crossed line path towards the side road (direction in)"."""
    verbs = [_VERBS.get(t, label(t)) for t in f.event_types] or ["were seen"]
    verb = " or ".join(dict.fromkeys(verbs))
    if set(f.event_types) == {"dwell", "loitering"}:
        verb = "stayed"  # a stay is either rule's
    if f.lines:
        return f"crossed line {' or '.join(f.lines)}{direction_phrase(f, site)}"
    if f.zones:
        if set(f.event_types) <= {"enter"} and f.event_types:
            return f"entered zone {' or '.join(f.zones)}"
        if set(f.event_types) <= {"exit"} and f.event_types:
            return f"left zone {' or '.join(f.zones)}"
        return f"{verb} in zone {' or '.join(f.zones)}"
    if f.frame_only and set(f.event_types) <= {"enter"}:
        return "came into view"
    if f.frame_only and set(f.event_types) <= {"exit"}:
        return "left the view"
    if f.orientation:
        return f"faced {f.orientation.replace('facing_', '').replace('_', ' ')}"
    return verb


def events_phrase(f: Filters, n: float, site: Site) -> str:
    """``n`` matching events in words, with where and by whom: "3 falls in zone entrance"."""
    noun = event_noun(f.event_types, n)
    if f.frame_only and set(f.event_types) <= {"enter", "exit"}:
        noun += (
            " into or out of the view"
            if len(f.event_types) > 1
            else (" into the view" if "enter" in f.event_types else " out of the view")
        )
    where = where_words(f, site)
    if where:
        noun += f" at {where}" if f.lines else f" in {where}"
    if f.orientation:
        noun += f" ({f.orientation.replace('_', ' ')})"
    if f.track_id is not None:
        noun += f" by person {f.track_id}"
    if f.min_duration_s is not None:
        noun += f" lasting {f.min_duration_s:g} s or more"
    return noun


def total_context(found: Findings, plan: QueryPlan) -> list[str]:
    """The people tracked in the same scope, beside a people count."""
    if found.tracked is None or plan.subject is not Subject.PEOPLE:
        return []
    return [f"{counted(found.tracked, 'person was', 'people were')} tracked in the same scope."]
