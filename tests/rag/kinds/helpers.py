"""Parse and plan a question against a fixed site: the shipped plaza line and two videos."""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds import KINDS
from deepsentinel_pipelines.rag.plan import QueryPlan
from deepsentinel_pipelines.rag.question import ParsedQuestion, parse_question
from deepsentinel_pipelines.rag.site import LineNames

VIDEOS = ("uploads/plaza/sample_plaza.mp4", "uploads/walkway/walkway_cam2.mp4")
ZONES = ("entrance",)
CAMERAS = ("plaza", "walkway")
#: The shipped path line: "in" is towards the side road, left to right on screen.
LINES = (
    LineNames("path", "plaza", "towards the side road", "away from the side road", "left to right"),
)


def parsed(text: str) -> ParsedQuestion:
    """``text`` parsed against the site."""
    return parse_question(text, VIDEOS, ZONES, lines=LINES, cameras=CAMERAS)


def plan_of(text: str) -> QueryPlan | None:
    """The plan of the first kind that recognises ``text``, as the router picks it."""
    question = parsed(text)
    for kind in KINDS:
        found = kind.plan(question)
        if found is not None:
            return found
    return None
