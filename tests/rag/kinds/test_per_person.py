import pytest

from deepsentinel_pipelines.rag.plan import Operation
from tests.rag.kinds.helpers import plan_of


@pytest.mark.parametrize(
    "question",
    ["what did person 23 do?", "tell me about track 9", "where did person 37 go?",
     "what happened to ID 2?", "person 2 timeline", "what was #46 up to?"],
)  # fmt: skip
def test_a_person_is_described_by_everything_they_did(question: str) -> None:
    plan = plan_of(question)
    assert plan.operation is Operation.DESCRIBE_PERSON
    assert plan.filters.track_id is not None and plan.filters.event_types == ()
