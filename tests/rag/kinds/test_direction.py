import pytest

from deepsentinel_pipelines.rag.kinds import direction
from deepsentinel_pipelines.rag.plan import Operation
from tests.rag.kinds.helpers import parsed, plan_of


@pytest.mark.parametrize(
    "question",
    ["which way did most people go?", "which direction did people face on the walkway?",
     "were more people going in or out?", "what direction did most folks cross the line in?",
     "person 81 - which way did they cross?"],
)  # fmt: skip
def test_which_way_counts_the_directions(question: str) -> None:
    plan = plan_of(question)
    assert plan.operation is Operation.DIRECTIONS and plan.group_by == "direction"


@pytest.mark.parametrize(
    ("question", "way"),
    [
        ("how many people walked in through the path line?", "in"),
        ("how many crossed the path line going out?", "out"),
        ("how many people crossed left to right?", "in"),  # the line's geometry
        ("how many went right to left across the line?", "out"),
        ("how many people headed towards the side road?", "in"),  # its name in cameras.yaml
        ("how many walked away from the side road?", "out"),
        ("how many went in the direction of the side road?", "in"),
        ("how many crossings were outbound?", "out"),
        ("how many people crossed eastbound?", "in"),
    ],
)
def test_a_direction_named_any_way_is_a_filter(question: str, way: str) -> None:
    plan = plan_of(question)
    assert plan.operation in (Operation.COUNT_PEOPLE, Operation.COUNT_EVENTS)
    assert plan.filters.direction == way and plan.filters.lines == ("path",)
    assert plan.filters.event_types == ("line_crossing",)


def test_a_preposition_is_no_direction() -> None:
    assert parsed("how many people crossed in the sample?").direction is None
    assert direction.plan(parsed("where did person 37 go?")) is None
