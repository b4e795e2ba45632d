"""How full the scene was: the busiest moment, and how many people were in view at a moment."""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds.base import filters_of, has
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "occupancy"
EXAMPLES = (
    "when was it busiest?",
    "what was the peak number of people in view?",
    "how many people were on screen at 0:45?",
    "how crowded was the entrance?",
    "most people at once?",
    "how busy was it at 1:10?",
    "how packed did it get?",
    "what was the maximum headcount in the scene?",
    "how many people could be seen at one time?",
)
_BUSIEST = (
    r"\bbusiest\b|\bbusy\s+(?:time|moment|period|point|spell)\b|\bpeak\w*\b|\brush\s+hour\b"
    r"|\bmost\s+(?:crowded|busy|packed|full|occupied|traffic)\b|\bcrowdedest\b|\bfullest\b"
    r"|\b(?:max(?:imum)?|highest|most|greatest|largest)\s+(?:number\s+of\s+)?"
    r"(?:people|persons|occupancy|visitors|headcount)\b"
    r"|\b(?:at\s+once|at\s+the\s+same\s+time|simultaneously|at\s+one\s+time|all\s+at\s+once)\b"
    r"|\bhow\s+(?:crowded|busy|full|packed)\b|\bpeople\s+at\s+most\b"
)
_HOW_MANY = (
    r"\bhow\s+(?:many|crowded|busy|full|packed)\b|\b(?:number|count|max\w*|most|peak)\s+"
    r"(?:number\s+of\s+)?(?:people|persons|visitors|headcount)\b|\bat\s+once\b"
)
_IN_VIEW = (
    r"\b(?:in\s+view|on\s+screen|in\s+(?:the\s+)?(?:frame|shot|picture|scene)|visible|there"
    r"|present|around|in\s+(?:the\s+)?zone|in\s+the\s+area)\b"
)


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """Busiest moment (peak people per second), or the people in view at one moment."""
    filters, readings = filters_of(q)
    if filters.event_types and not set(filters.event_types) <= {"crowding"}:
        return None
    if has(r"\b(?:largest|biggest|how\s+(?:big|large))\b.*\b(?:crowd|group)", q.norm):
        return None
    moment = q.moment_s is not None
    busiest = has(_BUSIEST, q.norm)
    if moment and (q.counts_people or busiest or has(_IN_VIEW, q.rest)):
        return QueryPlan(
            NAME, Operation.PEOPLE_AT, Subject.OCCUPANCY, filters, readings=tuple(readings)
        )
    if busiest or forced:
        # "how crowded was it at its busiest?" asks for the number, "when ..." for the time.
        how_many = has(_HOW_MANY, q.norm) and not has(r"\bwhen\b|\bwhat\s+time\b", q.norm)
        return QueryPlan(
            NAME,
            Operation.BUSIEST,
            Subject.OCCUPANCY,
            filters.but(event_types=()),
            order="people desc",
            measured="people" if how_many else "time",
            readings=tuple(readings),
        )
    return None
