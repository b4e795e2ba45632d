"""What every question kind shares: the filters a parsed question states, and a kind's shape.

A kind is a module under ``rag/kinds/`` with ``NAME``, ``EXAMPLES`` (questions it answers, for
the nearest-example fallback) and ``plan(question, forced=False)``, which returns a
:class:`~deepsentinel_pipelines.rag.plan.QueryPlan` when the question is of that kind (or, when
``forced`` by the fallback, the kind's best reading of it), else None.
"""

from __future__ import annotations

import re
from typing import Protocol

from deepsentinel_pipelines.rag.plan import Filters, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import STAY_TYPES, ParsedQuestion

_ENTRY_EXIT = {"enter", "exit"}


class Kind(Protocol):
    """A question kind (a module under ``rag/kinds/``)."""

    NAME: str
    EXAMPLES: tuple[str, ...]

    def plan(self, question: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
        """The plan for ``question`` when it is of this kind, else None."""


def filters_of(q: ParsedQuestion, video_ids: tuple[str, ...] = ()) -> tuple[Filters, list[str]]:
    """The filters ``q`` states, and the readings taken on the way.

    Entries and exits without a zone are the people entering or leaving the frame, not a
    zone's entries (both are ``enter``/``exit`` events); the reading says so.
    """
    readings = list(q.readings)
    frame_only = bool(set(q.event_types) & _ENTRY_EXIT) and not q.zones
    if frame_only:
        readings.append("entries and exits without a zone are people entering or leaving the view")
    if set(STAY_TYPES) <= set(q.event_types) and not re.search(r"\b(?:dwell|loiter)", q.norm):
        readings.append("a stay is a dwell event (a zone's dwell time or more) or loitering")
    filters = Filters(
        event_types=q.event_types,
        zones=q.zones,
        lines=q.lines,
        direction=q.direction,
        orientation=q.orientation,
        track_id=q.track_id,
        video_ids=video_ids or q.video_ids,
        cameras=q.cameras,
        start_s=q.start_s,
        end_s=q.end_s,
        relative_to_end=q.relative_to_end,
        fraction=q.fraction,
        frame_only=frame_only and not q.lines,
        min_duration_s=q.min_duration_s,
    )
    return filters, readings


def has(pattern: str, text: str) -> bool:
    """Whether ``pattern`` occurs in ``text``."""
    return re.search(pattern, text) is not None


_PEOPLE_WORDS = (
    r"\b(?:people|persons?|person|anyone|anybody|someone|everyone|nobody|who|individuals?"
    r"|men|women|man|woman)\b"
)
_EVENT_WORDS = r"\b(?:events?|times|incidents?|occurrences?|instances?|how\s+often)\b"


def subject_of(q: ParsedQuestion, filters: Filters) -> Subject:
    """People among the matching events, the events themselves, or everyone tracked.

    "How many people crossed?" counts people, "how many crossings?" events; a question that
    names no event ("how many people were there?") counts the people tracked.
    """
    if not filters.narrows_events:
        return Subject.EVENTS if has(_EVENT_WORDS, q.rest) else Subject.TRACKS
    if set(filters.event_types) <= {"crowding"} and filters.event_types:
        return Subject.EVENTS  # a crowd is no one person's event
    if q.is_count:
        return Subject.PEOPLE if q.counts_people else Subject.EVENTS
    return Subject.PEOPLE if has(_PEOPLE_WORDS, q.rest) else Subject.EVENTS
