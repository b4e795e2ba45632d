"""How long: a person in view, the longest and shortest stays, how long events lasted."""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds.base import STAY_TYPES, filters_of, has
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "durations"
EXAMPLES = (
    "how long was person 4 there?",
    "what was the longest stay at the entrance?",
    "who lingered the longest?",
    "how long did the crowd last?",
    "what was the shortest visit?",
    "how long did people stay in the entrance on average?",
    "how much time did people spend in the zone?",
    "who stayed around the longest?",
    "for how long was someone waiting?",
)
_HOW_LONG = (
    r"\bhow\s+long\b|\bfor\s+how\s+long\b|\bduration\b|\bhow\s+much\s+time\b"
    r"|\bhow\s+many\s+seconds\b"
)
_LONGEST = r"\blongest\b|\bthe\s+most\s+time\b|\blongest\s+time\b|\bmost\s+time\b|\blonger\b"
_SHORTEST = r"\bshortest\b|\bbriefest\b|\bquickest\b|\bleast\s+time\b"
_AVERAGE = r"\baverage\b|\bon\s+average\b|\bmean\b|\btypical\b"
_IN_VIEW = (
    r"\b(?:there|in\s+view|visible|on\s+screen|on\s+camera"
    r"|in\s+(?:the\s+)?(?:frame|scene|shot|video))\b"
)


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """A duration plan: over tracks (in view) or over events (stays, crowds, falls)."""
    longest, shortest = has(_LONGEST, q.rest), has(_SHORTEST, q.rest)
    how_long = has(_HOW_LONG, q.norm)
    average = has(_AVERAGE, q.rest) and (
        how_long or "dwell" in q.event_types or has(r"\b(?:time|spent|spend|spends)\b", q.norm)
    )
    if not (longest or shortest or how_long or average or forced):
        return None
    filters, readings = filters_of(q)
    stays = set(filters.event_types) & {"dwell", "loitering"}
    if stays and not filters.zones and has(_IN_VIEW, q.rest) and filters.track_id is None:
        filters = filters.but(event_types=())  # "who spent the most time in view"
    if longest or shortest:
        op = Operation.LONGEST if longest else Operation.SHORTEST
    elif average:
        op = Operation.HOW_LONG
        readings.append("the average is over the stays found")
    else:
        op = Operation.HOW_LONG
    if not filters.event_types:
        if filters.zones:
            # "the longest time anyone spent in the entrance": the zone's stays.
            filters = filters.but(event_types=STAY_TYPES)
            readings.append("time spent in a zone is read from its stays (dwell events)")
        elif filters.track_id is not None or has(_IN_VIEW, q.rest) or longest or shortest or forced:
            return QueryPlan(
                NAME, op, Subject.TRACKS, filters, readings=tuple(readings), measured="time in view"
            )
        else:
            return None
    measured = "stays" if stays else "duration"
    return QueryPlan(NAME, op, Subject.EVENTS, filters, measured=measured, readings=tuple(readings))
