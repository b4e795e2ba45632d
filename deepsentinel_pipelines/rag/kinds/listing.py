"""Which events: the matching events in time order, when the question narrows them."""

from __future__ import annotations

import re

from deepsentinel_pipelines.rag.kinds.base import filters_of, has
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "listing"
EXAMPLES = (
    "show me the falls",
    "list all crossings after 1:00",
    "which people loitered at the entrance?",
    "what happened at the entrance in the last 20 seconds?",
    "everything between 0:30 and 0:45",
    "list the events at the entrance",
    "show all entries after 1:00",
    "what went on at the entrance?",
)
_OPEN = re.compile(
    r"\b(?:what|anything|something)\s+(?:else\s+)?(?:has\s+|had\s+)?"
    r"(?:happen(?:ed|s|ing)?|occur(?:red|s)?|went\s+on|going\s+on)\b"
    r"|\b(?:all|every|list\s+(?:the\s+)?|show\s+(?:me\s+)?(?:the\s+)?)\s*events?\b"
    r"|\beverything\b|\blist\b|\bshow\b|\bwhich\b|\bwho\b"
)


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """A list plan when the question narrows the events (by type, zone, line, time or person)."""
    filters, readings = filters_of(q)
    narrowed = filters.narrows_events or filters.has_window
    if not narrowed and not (forced and has(r"\S", q.rest)):
        return None
    if not (narrowed and (_OPEN.search(q.norm) or filters.narrows_events)) and not forced:
        return None
    per_video = has(r"\b(?:which|what)\s+(?:videos?|cameras?|clips?|recordings?)\b", q.norm)
    return QueryPlan(
        NAME,
        Operation.LIST,
        Subject.EVENTS,
        filters,
        group_by="video" if per_video else None,
        order="time",
        readings=tuple(readings),
    )
