import pytest

from deepsentinel_pipelines.rag.kinds import summary
from deepsentinel_pipelines.rag.plan import Operation
from tests.rag.kinds.helpers import VIDEOS, parsed, plan_of


@pytest.mark.parametrize(
    "question",
    ["give me a rundown", "summarize the walkway video", "tl;dr please", "what happened?",
     "brief me on the plaza camera", "what is this footage about?"],
)  # fmt: skip
def test_rundowns_are_summaries(question: str) -> None:
    plan = plan_of(question)
    assert plan is not None and plan.operation is Operation.SUMMARY


def test_a_named_video_or_camera_scopes_the_summary() -> None:
    assert plan_of("summarize the walkway video").filters.cameras == ("walkway",)
    assert plan_of("rundown of sample_plaza.mp4").filters.video_ids == (VIDEOS[0],)


def test_what_happened_with_a_filter_is_no_summary() -> None:
    assert summary.plan(parsed("what happened at the entrance after 0:30?")) is None
