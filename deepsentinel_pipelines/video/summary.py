"""Facts about one analysed video and a deterministic summary that states only those facts."""

from __future__ import annotations

from dataclasses import dataclass, field

from deepsentinel_pipelines.text.timefmt import format_timestamp
from deepsentinel_pipelines.video.busiest import Busiest

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
    busiest: Busiest
    event_counts: dict[str, int] = field(default_factory=dict)
    notable: tuple[NotableEvent, ...] = ()


def compose_summary(facts: VideoFacts, max_notable: int = 5) -> str:
    """A few sentences built only from ``facts``."""
    parts = [
        f"{facts.video_id}: {format_timestamp(facts.duration_s)} of video, "
        f"{facts.people_count} {'person' if facts.people_count == 1 else 'people'} tracked."
    ]
    if facts.people_count:
        parts.append(facts.busiest.sentence())
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
