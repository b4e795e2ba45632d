"""Superlatives over sizes and counts: the largest crowd, who crossed the most."""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds.base import filters_of, has
from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "superlatives"
EXAMPLES = (
    "how big was the largest group?",
    "what was the biggest crowd?",
    "how many people were in the largest crowd?",
    "which person crossed the line the most?",
    "who had the most events?",
    "what was the size of the largest gathering?",
    "who crossed most often?",
)
_LARGEST = (
    r"\b(?:largest|biggest|hugest|how\s+(?:big|large)|max(?:imum)?|peak|size\s+of"
    r"|most\s+people\s+in\s+(?:a|one|the)\b)"
)
_CROWD = r"\b(?:crowds?|groups?|gatherings?|clusters?)\b"
_MOST_BY_PERSON = r"\b(?:which|what)\s+(?:person|track|one|individual)\b|\bwho\b"


def _largest_crowd(filters: Filters, readings: list[str]) -> QueryPlan:
    return QueryPlan(
        NAME,
        Operation.LARGEST,
        Subject.EVENTS,
        filters.but(event_types=("crowding",)),
        order="size desc",
        measured="crowd size",
        readings=tuple(readings),
    )


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """Largest crowd, or the person with the most matching events."""
    filters, readings = filters_of(q)
    if has(_LARGEST, q.norm) and has(_CROWD, q.norm):
        return _largest_crowd(filters, readings)
    most = has(r"\bthe\s+most\b(?!\s+time)|\bmost\s+often\b", q.rest)
    if most and has(_MOST_BY_PERSON, q.norm):
        if filters.event_types:
            return QueryPlan(
                NAME,
                Operation.LARGEST,
                Subject.EVENTS,
                filters,
                group_by="track",
                measured="events per person",
                readings=tuple(readings),
            )
    if forced:
        return _largest_crowd(filters, readings)
    return None
