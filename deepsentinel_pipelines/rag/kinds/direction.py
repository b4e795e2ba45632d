"""Which way people went: line crossings per direction (named as in cameras.yaml) and facings."""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds.base import filters_of, has
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "direction"
EXAMPLES = (
    "which way did most people go?",
    "which direction were people walking?",
    "were more people going in or out?",
    "what was the flow of people across the path line?",
    "where were most people facing?",
    "where were people heading?",
    "which side did most people leave by?",
    "what was the direction of travel?",
)
_DIRECTION = (
    r"\bwhich\s+(?:way|direction|side)\b|\bdirections?\b|\bheading\b|\bheaded\b"
    r"|\bin\s+or\s+out\b|\bout\s+or\s+in\b|\bflow\b|\bwhere\s+(?:did|were|was)\b.*"
    r"\b(?:going|heading|go|walk\w*|fac\w*)\b|\bwhat\s+way\b"
)


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """Directions counted, when the question asks which way (not how many went one way)."""
    if q.is_count or q.direction is not None:
        return None
    if not (has(_DIRECTION, q.norm) or forced):
        return None
    if q.track_id is not None and not has(r"\b(?:which|what)\s+(?:way|direction|side)", q.norm):
        return None  # "where did person 2 go?" asks for everything they did
    filters, readings = filters_of(q)
    return QueryPlan(
        NAME,
        Operation.DIRECTIONS,
        filters=filters.but(event_types=(), frame_only=False),
        group_by="direction",
        readings=tuple(readings),
    )
