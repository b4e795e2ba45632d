"""One person (track): what they did, in time order."""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds.base import filters_of
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "per_person"
EXAMPLES = (
    "what did person 12 do?",
    "tell me about track 3",
    "where did person 5 go?",
    "show me person 7",
    "what was person 3 doing?",
    "follow track 8 for me",
    "give me the history of person 4",
)


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """That person's events and time in view."""
    if q.track_id is None:
        return None
    filters, readings = filters_of(q)
    # "where did person 37 go?": everything they did, whatever verb the question used.
    filters = filters.but(event_types=(), frame_only=False, lines=(), direction=None)
    readings = [r for r in readings if "entries and exits" not in r]
    return QueryPlan(
        NAME,
        Operation.DESCRIBE_PERSON,
        Subject.EVENTS,
        filters,
        order="time",
        readings=tuple(readings),
    )
