import pytest

from deepsentinel_pipelines.rag.kinds import occupancy
from deepsentinel_pipelines.rag.plan import Operation, Subject
from tests.rag.kinds.helpers import parsed, plan_of


@pytest.mark.parametrize(
    ("question", "zone"),
    [
        ("when was it busiest?", ()),
        ("what was the peak number of people in view?", ()),
        ("most people at once?", ()),
        ("when was the entrance busiest?", ("entrance",)),
        ("how crowded was the entrance at its busiest?", ("entrance",)),
    ],
)
def test_busiest_is_the_peak_of_people_in_view(question: str, zone: tuple) -> None:
    plan = plan_of(question)
    assert plan.operation is Operation.BUSIEST and plan.subject is Subject.OCCUPANCY
    assert plan.filters.zones == zone


@pytest.mark.parametrize(
    ("question", "moment"),
    [
        ("how many people were in view at 0:45?", 45.0),
        ("how many were there around 0:30?", 30.0),
        ("how many people were on screen at 1 min 10?", 70.0),
        ("how busy was the entrance at 0:12?", 12.0),
    ],
)
def test_people_at_a_moment(question: str, moment: float) -> None:
    plan = plan_of(question)
    assert plan.operation is Operation.PEOPLE_AT
    assert parsed(question).moment_s == moment


def test_the_largest_crowd_is_no_busiest_moment() -> None:
    assert occupancy.plan(parsed("how big was the largest crowd?")) is None
    assert occupancy.plan(parsed("how many people fell at 1:20?")) is None
