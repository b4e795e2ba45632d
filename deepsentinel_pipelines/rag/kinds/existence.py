"""Yes-or-no questions: did it happen at all (in the scope asked)?"""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds.base import filters_of, has, subject_of
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "existence"
EXAMPLES = (
    "did anyone fall?",
    "was there any loitering at the entrance?",
    "has anybody run through the plaza?",
    "any crowds after 1:00?",
    "did person 7 cross the line?",
    "is there anyone sitting?",
    "was anybody there after dark?",
    "has anything happened at the gate?",
    "did something happen near the door?",
)
_ASKS = (
    r"^(?:did|does|do|was|were|is|are|has|have|had|can|could|any|anyone|anybody|anything"
    r"|someone|somebody|nobody|ever)\b|\bwere\s+there\b|\bwas\s+there\b|\bis\s+there\b"
    r"|\bany\s+(?:sign|signs|case|cases|instance)\b|\bever\b"
)


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """An exists plan when the question asks yes or no about filtered events."""
    if q.is_count or not (has(_ASKS, q.norm) or forced):
        return None
    filters, readings = filters_of(q)
    if not filters.narrows_events and not filters.has_window and not forced:
        if not has(r"\b(?:anyone|anybody|someone|people|person)\b", q.norm):
            return None
    subject = subject_of(q, filters)
    if subject is Subject.TRACKS and not filters.has_window:
        subject = Subject.TRACKS
    return QueryPlan(NAME, Operation.EXISTS, subject, filters, readings=tuple(readings))
