"""Where a plan looks: the caller's videos and offset window, and a window of real time.

The caller's scope (``--video``, ``--start``/``--end``, a camera's time window) is laid over the
plan a kind made, on its filters and on each compared side's; a window of real time only a few
seconds long is one moment ("how many people were in view at 14:00:45?").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from deepsentinel_pipelines.rag.clock_window import ClockWindow
from deepsentinel_pipelines.rag.plan import Filters, QueryPlan
from deepsentinel_pipelines.rag.question import Window

#: A window of real time this short is one moment ("at 14:00:45" is read as 14:00:43-14:00:47).
MOMENT = timedelta(seconds=10)


def moment(clock: ClockWindow | None) -> datetime | None:
    """The middle second of a short window of real time, or None."""
    if clock is None or clock.start is None or clock.end is None:
        return None
    if clock.end - clock.start > MOMENT:
        return None
    middle = clock.start + (clock.end - clock.start) / 2
    return middle.replace(microsecond=0)


def in_clock(
    plan: QueryPlan, start: object, end: object, end_included: bool, words: str
) -> QueryPlan:
    """The plan (and each compared side) kept to a window of real time."""

    def kept(f: Filters) -> Filters:
        return f.but(clock_start=start, clock_end=end, clock_end_included=end_included)

    return plan.but(
        filters=kept(plan.filters),
        versus=tuple((label, kept(side)) for label, side in plan.versus),
        clock_words=words,
    )


def caller_scope(plan: QueryPlan, video_ids: Sequence[str], window: Window | None) -> QueryPlan:
    """The caller's videos and window laid over the plan's (and each compared side's)."""
    if not video_ids and window is None:
        return plan

    def narrowed(f: Filters) -> Filters:
        if video_ids:
            named = [v for v in f.video_ids if v in video_ids]
            f = f.but(video_ids=tuple(named or video_ids))
        if window is not None:
            f = f.but(start_s=window[0], end_s=window[1], relative_to_end=False, fraction=None)
        return f

    unnamed = tuple(v for v in video_ids if v not in plan.filters.video_ids)
    return plan.but(
        filters=narrowed(plan.filters),
        versus=tuple((label, narrowed(side)) for label, side in plan.versus),
        unnamed_videos=unnamed,
    )
