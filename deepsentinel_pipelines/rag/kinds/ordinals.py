"""First, last, the n-th, and when: events (or people in view) in time order."""

from __future__ import annotations

import re

from deepsentinel_pipelines.rag.kinds.base import filters_of, has
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion
from deepsentinel_pipelines.rag.words import ORDINAL, ordinal_number

NAME = "ordinals"
EXAMPLES = (
    "who came in first?",
    "when did the first fall happen?",
    "when was the second crowd?",
    "who was the last person to leave?",
    "at what time did person 5 leave?",
    "when did someone first enter the entrance?",
    "who arrived earliest?",
    "what time did the last crowd break up?",
    "when was the earliest crossing?",
)
_FIRST = r"\b(?:first|earliest|1st|soonest)\b|\bto\s+(?:arrive|appear|come)\b"
_LAST = r"\b(?:last|latest|final|most\s+recent|1ast)\b"
_NTH = rf"\b(?:the\s+)?(?P<ord>{ORDINAL})\b"
_ENDED = (
    r"\b(?:break\w*\s+up|broke\s+up|end(?:ed|s)?|finish\w*|dispers\w*|stopp?\w*|was\s+over"
    r"|clear(?:ed)?|die\s+down|died\s+down)\b"
)
_WHEN = (
    r"\bwhen\b|\bwhat\s+time\b|\bat\s+what\s+(?:time|point|moment)\b"
    r"|\bhow\s+(?:soon|early|late)\b|\btimes?\s+of\b"
)


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """A first/last/nth/when plan over the matching events (or tracks when none is named)."""
    when = has(_WHEN, q.norm)
    op, nth = None, None
    nth_match = re.search(_NTH, q.rest)
    if nth_match is not None and (n := ordinal_number(nth_match.group("ord"))) and n >= 2:
        op, nth = Operation.NTH, n
    elif has(_FIRST, q.rest):
        op = Operation.FIRST
    elif has(_LAST, q.rest):
        op = Operation.LAST
    elif when:
        op = Operation.WHEN
    if has(_ENDED, q.rest) and (op in (None, Operation.WHEN, Operation.LAST)):
        filters, readings = filters_of(q)
        if filters.event_types:
            # "when did the crowd break up?": the end of the latest one
            return QueryPlan(NAME, Operation.LAST, Subject.EVENTS, filters, order="end desc",
                             measured="end", readings=tuple(readings))  # fmt: skip
    if op is None and not forced:
        return None
    filters, readings = filters_of(q)
    if op is None:
        op = Operation.WHEN
    if not filters.event_types:
        if filters.zones:
            filters = filters.but(event_types=("enter",), frame_only=False)
            readings.append("the zone's entries were taken")
        elif op is Operation.WHEN and filters.track_id is None and not q.is_count:
            if not (has(r"\b(?:arriv|appear|seen|see|show)", q.norm)):
                return None
        if not filters.event_types:
            return QueryPlan(NAME, op, Subject.TRACKS, filters, nth=nth, readings=tuple(readings))
    if op in (Operation.FIRST, Operation.NTH) and filters.event_types == ("enter",):
        filters = filters.but(arrivals_only=True)
        readings.append("people already in view when the video starts did not come in")
    if op is Operation.LAST and "exit" in filters.event_types and filters.track_id is None:
        readings.append("the last to leave is the last exit")
    return QueryPlan(NAME, op, Subject.EVENTS, filters, nth=nth, readings=tuple(readings))
