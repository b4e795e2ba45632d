"""Comparisons: two videos, cameras, zones, halves, event types or directions, which had more."""

from __future__ import annotations

import re

from deepsentinel_pipelines.rag.kinds.base import filters_of, has, subject_of
from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion, event_types_in

NAME = "comparisons"
EXAMPLES = (
    "did the plaza or the walkway have more people?",
    "were there more crowds in the first half?",
    "more people going in or out?",
    "were there more entries or exits?",
    "which camera saw more people?",
    "compare the first half with the second half",
)
_COMPARE = (
    r"\bmore\b.*\bor\b|\bor\b.*\bmore\b|\bcompar\w*|\bvs\.?\b|\bversus\b|\bthan\b|\bfewer\b"
    r"|\bbusier\b|\bquieter\b|\bdifference\s+between\b|\bwhich\s+(?:one|video|camera|half|zone)"
    r"\s+(?:had|has|saw|was|got|recorded)\s+(?:more|most|fewer|less|the\s+most)\b"
    r"|\bwhich\s+(?:video|camera)\b.*\bmost\b|\bmore\b.*\b(?:first|second)\s+half\b"
)
_HALVES = r"\b(?:first|second|1st|2nd|last|latter|former)\s+half\b"


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """A compare plan with its sides, or a grouped count when the sides are all of a kind."""
    if not (has(_COMPARE, q.norm) or forced):
        return None
    filters, readings = filters_of(q)
    subject = subject_of(q, filters)
    if subject is Subject.EVENTS and has(r"\bpeople\b|\bpersons\b|\bfolks\b", q.norm):
        subject = Subject.PEOPLE
    sides = _sides(q, filters)
    if sides is None:
        group = "camera" if has(r"\bcameras?\b", q.norm) else "video"
        if not has(r"\bwhich\s+(?:video|camera|recording|clip)", q.norm) and not forced:
            return None
        return QueryPlan(
            NAME, Operation.COMPARE, subject, filters, group_by=group, readings=tuple(readings)
        )
    return QueryPlan(
        NAME, Operation.COMPARE, subject, filters, versus=sides, readings=tuple(readings)
    )


def _sides(q: ParsedQuestion, f: Filters) -> tuple[tuple[str, Filters], ...] | None:
    if len(f.video_ids) >= 2:
        return tuple((v, f.but(video_ids=(v,))) for v in f.video_ids[:2])
    if len(f.cameras) >= 2:
        return tuple((f"camera {c}", f.but(cameras=(c,))) for c in f.cameras[:2])
    if len(f.cameras) == 1 and len(f.video_ids) == 1:
        return (
            (f"camera {f.cameras[0]}", f.but(cameras=f.cameras, video_ids=())),
            (f.video_ids[0], f.but(video_ids=f.video_ids, cameras=())),
        )
    if len(f.zones) >= 2:
        return tuple((f"zone {z}", f.but(zones=(z,))) for z in f.zones[:2])
    if f.fraction is not None or has(_HALVES, q.norm):
        whole = f.but(fraction=None)
        return (
            ("the first half", whole.but(fraction=(0.0, 0.5))),
            ("the second half", whole.but(fraction=(0.5, 1.0))),
        )
    types = event_types_in(q.rest)
    if len(types) >= 2:
        return tuple((t, f.but(event_types=(t,), frame_only=f.frame_only)) for t in types[:2])
    if f.lines or has(r"\bin\s+or\s+out\b|\bout\s+or\s+in\b", q.norm):
        base = f.but(event_types=("line_crossing",), direction=None)
        return (("in", base.but(direction="in")), ("out", base.but(direction="out")))
    if has(r"\bleft\b.*\bright\b|\bright\b.*\bleft\b", q.norm):
        base = f.but(event_types=("line_crossing",), direction=None)
        return (("in", base.but(direction="in")), ("out", base.but(direction="out")))
    if re.search(r"\bstart\b.*\bend\b|\bbeginning\b.*\bend\b", q.norm):
        whole = f.but(start_s=None, end_s=None, relative_to_end=False)
        return (
            ("the first half", whole.but(fraction=(0.0, 0.5))),
            ("the second half", whole.but(fraction=(0.5, 1.0))),
        )
    return None
