"""Facts about one analysed video and a deterministic summary that states only those facts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from deepsentinel_pipelines.timefmt import format_timestamp

#: The most notable events a summary names (the first ones in time).
NOTABLE_IN_SUMMARY = 20


@dataclass(frozen=True)
class NotableEvent:
    """An event worth naming in a summary."""

    event_type: str
    start_s: float
    description: str


@dataclass(frozen=True)
class VideoFacts:
    """What the database holds about one video, gathered for its summary."""

    video_id: str
    duration_s: float
    people_count: int
    busiest_minute_start_s: float | None
    busiest_minute_people: int
    event_counts: dict[str, int] = field(default_factory=dict)
    notable: tuple[NotableEvent, ...] = ()


def busiest_minute(track_spans: list[tuple[float, float]]) -> tuple[float | None, int]:
    """(start of the minute with most distinct people, their count) from (first_s, last_s)."""
    people: Counter[int] = Counter()
    for first_s, last_s in track_spans:
        for minute in range(int(first_s // 60), int(last_s // 60) + 1):
            people[minute] += 1
    if not people:
        return None, 0
    minute, count = min(people.items(), key=lambda item: (-item[1], item[0]))
    return minute * 60.0, count


def compose_summary(facts: VideoFacts, max_notable: int = 5) -> str:
    """A few sentences built only from ``facts``."""
    parts = [
        f"{facts.video_id}: {format_timestamp(facts.duration_s)} of video, "
        f"{facts.people_count} {'person' if facts.people_count == 1 else 'people'} tracked."
    ]
    if facts.busiest_minute_start_s is not None:
        start = facts.busiest_minute_start_s
        end = min(start + 60.0, facts.duration_s)
        parts.append(
            f"Busiest minute: {format_timestamp(start)}–{format_timestamp(end)} with "
            f"{facts.busiest_minute_people} people."
        )
    if facts.event_counts:
        counted = ", ".join(
            f"{count} {event_type}" for event_type, count in sorted(facts.event_counts.items())
        )
        parts.append(f"Events: {counted}.")
    else:
        parts.append("No events were detected.")
    if facts.notable:
        shown = sorted(facts.notable, key=lambda e: e.start_s)[:max_notable]
        parts.append(
            "Notable: "
            + "; ".join(f"{format_timestamp(e.start_s)} {e.description}" for e in shown)
            + "."
        )
    return " ".join(parts)
