import pytest

from deepsentinel_pipelines.rag.plan import Operation
from tests.rag.kinds.helpers import plan_of


@pytest.mark.parametrize(
    ("question", "types"),
    [
        ("did anyone fall?", ("fall",)),
        ("was there any loitering on the walkway cam?", ("loitering",)),
        ("anyone collapse near the entrance?", ("fall",)),
        ("did anyone hang around at the entrance?", ("dwell", "loitering")),
        ("was anybody sat down?", ("sitting",)),
        ("did person 23 ever cross the line?", ("line_crossing",)),
    ],
)
def test_yes_or_no_about_events(question: str, types: tuple) -> None:
    plan = plan_of(question)
    assert plan.operation is Operation.EXISTS and set(plan.filters.event_types) == set(types)


def test_camera_and_time_scope_the_question() -> None:
    plan = plan_of("any crowds in the walkway video after 0:20?")
    assert plan.filters.cameras == ("walkway",) and plan.filters.start_s == 20.0
