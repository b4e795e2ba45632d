"""A timeline laid out for a page: event markers by type over the people-in-view curve.

Pure geometry: positions are percentages of the timeline's width, the curve an SVG path in a
1000 x 100 box (drawn stretched to the page's width), so the page needs no script to draw it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: The SVG box the curve is drawn in (stretched to the timeline's width by the page).
BOX_W, BOX_H = 1000.0, 100.0
#: Tick spacings a timeline picks from (seconds): the first giving at most MAX_TICKS ticks.
TICK_STEPS_S = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600)
MAX_TICKS = 8
#: Colours of the event types an operator looks for first; other types take the rest in turn.
TYPE_COLOURS = {
    "fall": "#d62728",
    "loitering": "#ff7f0e",
    "crowding": "#9467bd",
    "line_crossing": "#1f77b4",
    "enter": "#2ca02c",
    "exit": "#8c564b",
    "dwell": "#e377c2",
    "zone_enter": "#17becf",
    "zone_exit": "#bcbd22",
}
OTHER_COLOURS = ("#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#5254a3")


@dataclass(frozen=True)
class Lane:
    """One event type's row of markers."""

    event_type: str
    colour: str


@dataclass(frozen=True)
class Marker:
    """One event on the timeline."""

    event_id: int
    lane: int
    left: float  # percent of the width


@dataclass(frozen=True)
class Segment:
    """A video's stretch of a longer timeline (a camera's day)."""

    video_id: str
    left: float
    width: float


@dataclass(frozen=True)
class Curve:
    """People in view over a video, starting ``offset_s`` into the timeline."""

    offset_s: float
    points: Sequence[tuple[float, int]]  # (second, people)


@dataclass(frozen=True)
class Timeline:
    """Everything a page draws of a timeline."""

    span_s: float
    curve: str
    peak: int
    ticks: list[tuple[float, str]]
    lanes: list[Lane]
    markers: list[Marker]
    segments: list[Segment]


def lanes_for(event_types: Sequence[str]) -> list[Lane]:
    """One lane per type present, in the order given, each with its colour."""
    spare = iter(OTHER_COLOURS * (1 + len(event_types) // len(OTHER_COLOURS)))
    return [Lane(t, TYPE_COLOURS.get(t) or next(spare)) for t in event_types]


def tick_step(span_s: float, max_ticks: int = MAX_TICKS) -> int:
    """The smallest listed spacing giving at most ``max_ticks`` ticks over ``span_s``."""
    for step in TICK_STEPS_S:
        if span_s / step <= max_ticks:
            return step
    return TICK_STEPS_S[-1]


def _percent(t: float, span_s: float) -> float:
    return round(100.0 * min(max(t, 0.0), span_s) / span_s, 3)


def curve_path(curves: Sequence[Curve], span_s: float, peak: int) -> str:
    """An SVG path of filled areas, one per curve, scaled to the highest ``peak``."""
    if peak <= 0:
        return ""
    parts = []
    for curve in curves:
        if not curve.points:
            continue
        xs = [BOX_W * min(curve.offset_s + s + 0.5, span_s) / span_s for s, _ in curve.points]
        ys = [BOX_H - 0.9 * BOX_H * people / peak for _, people in curve.points]
        line = " ".join(f"L{x:.1f} {y:.1f}" for x, y in zip(xs, ys, strict=True))
        parts.append(f"M{xs[0]:.1f} {BOX_H:.0f} {line} L{xs[-1]:.1f} {BOX_H:.0f} Z")
    return " ".join(parts)


def build_timeline(
    span_s: float,
    curves: Sequence[Curve],
    events: Sequence[tuple[int, str, float]],
    label: Callable[[float], str],
    lanes: Sequence[Lane],
    segments: Sequence[tuple[str, float, float]] = (),
) -> Timeline:
    """Lay out a timeline of ``span_s`` seconds.

    Args:
        span_s: The timeline's length (a video's duration, a camera-day's footage span).
        curves: People in view, each curve placed at its offset.
        events: (event id, type, seconds into the timeline), in any order.
        label: How a tick reads (an offset ``01:30`` or a clock time ``14:01:30``).
        lanes: One per event type (:func:`lanes_for`); each event goes to its type's.
        segments: (video id, start, end) of the videos on a longer timeline.

    Returns:
        The timeline, markers in lanes by type.
    """
    span_s = max(span_s, 1.0)
    peak = max((p for c in curves for _, p in c.points), default=0)
    lane_of = {lane.event_type: i for i, lane in enumerate(lanes)}
    step = tick_step(span_s)
    ticks = [(_percent(s, span_s), label(s)) for s in range(0, int(span_s) + 1, step)]
    return Timeline(
        span_s=span_s,
        curve=curve_path(curves, span_s, peak),
        peak=peak,
        ticks=ticks,
        lanes=list(lanes),
        markers=[Marker(i, lane_of[t], _percent(s, span_s)) for i, t, s in events],
        segments=[
            Segment(v, _percent(a, span_s), round(_percent(b, span_s) - _percent(a, span_s), 3))
            for v, a, b in segments
        ],
    )
