"""How many: people among the matching events, the events themselves, or everyone tracked."""

from __future__ import annotations

import re

from deepsentinel_pipelines.rag.kinds.base import filters_of, has, subject_of
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "counts"
EXAMPLES = (
    "how many people walked in through the path line?",
    "how many entries were there into the entrance?",
    "how often did person 12 cross?",
    "how many ppl were there in total?",
    "number of falls",
    "how many people crossed left to right in the first 30 seconds?",
    "what was the total number of visitors?",
    "give me a count of the crossings",
    "how many arrivals were there?",
)

# "crossed twice or more", "more than once", "3 times or more", "repeatedly"
_REPEATED = (
    r"\btwice\b|\bmore\s+than\s+once\b|\brepeatedly\b|\bagain\b"
    r"|\b(?P<n>\d+)\s+times\s+or\s+more\b|\bat\s+least\s+(?:twice|(?P<m>\d+)\s+times)\b"
)


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """A count plan for a "how many" question (or any question, when forced)."""
    if not (q.is_count or forced or has(r"\b(?:tally|total|headcount|count)\b", q.norm)):
        return None
    filters, readings = filters_of(q)
    subject = subject_of(q, filters)
    if q.track_id is not None and subject is Subject.PEOPLE:
        subject = Subject.EVENTS  # "how often did person 12 cross?": that person's crossings
    op = Operation.COUNT_EVENTS if subject is Subject.EVENTS else Operation.COUNT_PEOPLE
    group = None
    if has(r"\b(?:each|per|every|by)\s+(?:video|clip|recording)\b|\bin\s+each\b", q.norm):
        group = "video"
    elif has(r"\b(?:each|per|every|by)\s+camera\b", q.norm):
        group = "camera"
    elif has(r"\b(?:each|per|every|by)\s+(?:zone|area)\b", q.norm):
        group = "zone"
    elif has(r"\b(?:each|per|every|by)\s+(?:half)\b", q.norm):
        group = "half"
    repeat = re.search(_REPEATED, q.norm)
    at_least = None
    if repeat is not None and subject is not Subject.TRACKS:
        at_least = 2 if not repeat.group("n") else int(repeat.group("n"))
        subject, op = Subject.PEOPLE, Operation.COUNT_PEOPLE
        readings.append(f"counted the people with {at_least} or more such events")
    return QueryPlan(
        NAME,
        op,
        subject,
        filters,
        group_by=group,
        at_least=at_least,
        readings=tuple(readings),
    )
