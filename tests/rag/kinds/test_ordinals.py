import pytest

from deepsentinel_pipelines.rag.plan import Operation, Subject
from tests.rag.kinds.helpers import plan_of


@pytest.mark.parametrize(
    ("question", "operation", "nth"),
    [
        ("who came in first?", Operation.FIRST, None),
        ("when did the first person cross the path line?", Operation.FIRST, None),
        ("who was the last to cross the line?", Operation.LAST, None),
        ("when was the second crowd?", Operation.NTH, 2),
        ("when did the 3rd crowd start?", Operation.NTH, 3),
        ("at what time did person 9 leave the entrance?", Operation.WHEN, None),
    ],
)
def test_order_words(question: str, operation: Operation, nth: int | None) -> None:
    plan = plan_of(question)
    assert (plan.operation, plan.nth) == (operation, nth)


def test_coming_in_first_leaves_out_people_in_view_from_the_start() -> None:
    plan = plan_of("who came in first?")
    assert plan.filters.event_types == ("enter",) and plan.filters.frame_only
    assert plan.filters.arrivals_only


def test_a_zone_alone_is_its_entries() -> None:
    plan = plan_of("when did someone first go into the entrance zone?")
    assert plan.filters.event_types == ("enter",) and plan.filters.zones == ("entrance",)


def test_first_in_a_time_window_is_no_ordinal() -> None:
    plan = plan_of("how many people crossed in the first 30 seconds?")
    assert plan.operation is Operation.COUNT_PEOPLE and plan.filters.end_s == 30.0


def test_nothing_named_orders_the_people_in_view() -> None:
    plan = plan_of("who was the first person seen?")
    assert plan.operation is Operation.FIRST and plan.subject is Subject.TRACKS
