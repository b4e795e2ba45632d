"""Questions asking for a rundown of a video: its stored summary."""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds.base import filters_of, has
from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan
from deepsentinel_pipelines.rag.question import ParsedQuestion

NAME = "summary"
EXAMPLES = (
    "summarize the video",
    "give me a rundown",
    "what happened in the footage?",
    "brief me on the plaza camera",
    "what is this video about?",
    "any highlights?",
    "what did the camera record?",
    "tell me what the footage shows",
    "what went on in the recording?",
    "catch me up on the video",
)
_SUMMARY = (
    r"\bsummar\w*|\boverview\b|\brecap\w*|\brun\s*-?\s*down\b|\bgist\b|\bsynopsis\b|\btl;?dr\b"
    r"|\bbrief\s+me\b|\bbriefing\b|\bfill\s+me\s+in\b|\bsum\s+(?:it\s+|this\s+|that\s+)?up\b"
    r"|\bhighlights\b|\bwhat\s+(?:is|was|'s)\s+(?:this|the)\s+(?:video|clip|footage|recording)"
    r"\s+about\b|\bdescribe\s+(?:this|the)\s+(?:video|clip|footage|recording|scene)\b"
    r"|\bwhat\s+(?:is|was)\s+(?:in|on)\s+(?:this|the)\s+(?:video|clip|footage|recording)\b"
    r"|\bwhat\s+did\s+(?:the\s+)?(?:camera|cameras)\s+(?:see|record|catch)\b"
)
_WHAT_HAPPENED = r"\bwhat\s+(?:happened|went\s+on|is\s+going\s+on|was\s+going\s+on|occurred)\b"


def plan(q: ParsedQuestion, forced: bool = False) -> QueryPlan | None:
    """The summary plan: stored summaries of the videos (or cameras) named."""
    filters, readings = filters_of(q)
    narrowed = filters.narrows_events or filters.has_window or q.is_count
    if has(_SUMMARY, q.norm) or (has(_WHAT_HAPPENED, q.norm) and not narrowed) or forced:
        scope = Filters(video_ids=filters.video_ids, cameras=filters.cameras)
        return QueryPlan(NAME, Operation.SUMMARY, filters=scope, readings=tuple(readings))
    return None
