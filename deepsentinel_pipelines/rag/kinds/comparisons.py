"""Comparisons: two videos, cameras, zones, halves, event types or directions, which had more."""

from __future__ import annotations

import re

from deepsentinel_pipelines.rag.kinds.base import filters_of, has, subject_of
from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.question import ParsedQuestion, event_types_in, orientations_in

NAME = "comparisons"
EXAMPLES = (
    "did the plaza or the walkway have more people?",
    "were there more crowds in the first half?",
    "more people going in or out?",
    "were there more entries or exits?",
    "which camera saw more people?",
    "compare the first half with the second half",
    "was one half busier than the other?",
    "which was busier, the start or the end?",
    "did more people come in than go out?",
)
_COMPARE = (
    r"\bmore\b.*\bor\b|\bor\b.*\bmore\b|\bcompar\w*|\bvs\.?\b|\bversus\b|\bthan\b|\bfewer\b"
    r"|\bbusier\b|\bquieter\b|\bdifference\s+between\b|\bwhich\s+(?:one|video|camera|half|zone)"
    r"\s+(?:had|has|saw|was|got|recorded)\s+(?:more|most|fewer|less|the\s+most)\b"
    r"|\bwhich\b.*\b(?:videos?|cameras?|clips?|recordings?)\b.*\b(?:more|most|fewer|busier)\b"
    r"|\bmore\b.*\b(?:first|second)\s+half\b"
)
_WHICH_SOURCE = (
    r"\b(?:which|what)\s+(?:(?:one\s+)?of\s+the\s+(?:two\s+|2\s+|both\s+)?)?"
    r"(?:videos?|cameras?|recordings?|clips?|footage|cams?)\b"
)
_COMPARATIVE = r"\b(?:more|most|fewer|less|least|busier|busiest|quieter|than)\b"
_HALVES = r"\b(?:first|second|1st|2nd|last|latter|former)\s+half\b"


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """A compare plan with its sides, or a grouped count when the sides are all of a kind."""
    asked = re.sub(r"\bor\s+(?:more|less|fewer|so|longer)\b", " ", q.norm)
    if not (has(_COMPARE, asked) or forced):
        return None
    if has(r"\bin\s+or\s+out\b|\bout\s+or\s+in\b", q.norm) and not forced:
        return None  # "more going in or out?" is which way most went: the direction kind
    filters, readings = filters_of(q)
    subject = subject_of(q, filters)
    if subject is Subject.EVENTS and has(r"\bpeople\b|\bpersons\b|\bfolks\b", q.norm):
        subject = Subject.PEOPLE
    grouped = has(_WHICH_SOURCE, q.norm) and has(_COMPARATIVE, q.norm)
    sides = None if grouped else _sides(q, filters)
    if sides and sides[0][1].direction:
        readings = [r for r in readings if "entries and exits" not in r]
        if subject is Subject.TRACKS:
            subject = Subject.PEOPLE  # "more people going in or out?": people per direction
    if sides is None:
        group = "camera" if has(r"\bcameras?\b", q.norm) else "video"
        if not grouped and not forced:
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
        sides = (
            (f"camera {f.cameras[0]}", f.but(cameras=f.cameras, video_ids=())),
            (f.video_ids[0], f.but(video_ids=f.video_ids, cameras=())),
        )
        return (
            sides
            if _mentioned_at(q, f.cameras[0]) < _mentioned_at(q, f.video_ids[0])
            else sides[::-1]
        )
    if len(f.zones) >= 2:
        return tuple((f"zone {z}", f.but(zones=(z,))) for z in f.zones[:2])
    if f.fraction is not None or has(_HALVES, q.norm):
        whole = f.but(fraction=None)
        halves = (
            ("the first half", whole.but(fraction=(0.0, 0.5))),
            ("the second half", whole.but(fraction=(0.5, 1.0))),
        )
        # "more ... in the second half?": the half asked about is the first side.
        return halves[::-1] if f.fraction == (0.5, 1.0) else halves
    if f.direction is not None and has(r"\bor\b", q.norm):
        # "towards the side road or away from it": the direction asked about, and the other.
        base = f.but(event_types=("line_crossing",), direction=None)
        other = "out" if f.direction == "in" else "in"
        return ((f.direction, base.but(direction=f.direction)), (other, base.but(direction=other)))
    facings = orientations_in(q.norm)
    if len(facings) >= 2:
        base = f.but(event_types=("orientation",))
        return tuple(
            (facing.replace("_", " "), base.but(orientation=facing)) for facing in facings[:2]
        )
    types = event_types_in(q.rest)
    if len(types) >= 2:
        return tuple((t, f.but(event_types=(t,), frame_only=f.frame_only)) for t in types[:2])
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


def _mentioned_at(q: ParsedQuestion, name: str) -> int:
    """Where the question first names ``name`` (a video by any word of its file name)."""
    text = q.text.lower()
    words = [w for w in re.split(r"[\W_]+", name.rsplit("/", 1)[-1].lower()) if len(w) >= 4]
    found = [text.find(w) for w in [name.lower(), *words] if text.find(w) >= 0]
    return min(found, default=len(text))
