from deepsentinel_pipelines.rag.kinds import listing
from deepsentinel_pipelines.rag.plan import Operation
from tests.rag.kinds.helpers import parsed, plan_of


def test_narrowed_questions_list_their_events() -> None:
    plan = plan_of("show me the crossings after 1:00")
    assert plan.operation is Operation.LIST and plan.filters.start_s == 60.0
    assert plan_of("which videos show loitering?").group_by == "video"


def test_nothing_narrowed_is_left_to_retrieval() -> None:
    assert listing.plan(parsed("a spaceship landing on the roof")) is None
