from deepsentinel_pipelines.rag.plan import Operation, Subject
from tests.rag.kinds.helpers import plan_of


def test_stays_are_dwell_or_loitering_not_only_the_loitering_rule() -> None:
    plan = plan_of("what was the longest stay at the entrance?")
    assert plan.operation is Operation.LONGEST and plan.subject is Subject.EVENTS
    assert set(plan.filters.event_types) == {"dwell", "loitering"}
    assert plan.filters.zones == ("entrance",)
    lingered = plan_of("who lingered the longest in the entrance?")
    assert set(lingered.filters.event_types) == {"dwell", "loitering"}
    assert plan_of("what was the shortest stay?").operation is Operation.SHORTEST


def test_how_long_a_person_was_there_is_their_time_in_view() -> None:
    plan = plan_of("how long was person 4 there?")
    assert plan.operation is Operation.HOW_LONG and plan.subject is Subject.TRACKS
    assert plan.filters.track_id == 4


def test_time_spent_in_a_zone_is_read_from_its_stays() -> None:
    plan = plan_of("what's the longest anyone spent in the entrance zone?")
    assert plan.operation is Operation.LONGEST and "dwell" in plan.filters.event_types


def test_how_long_an_event_lasted() -> None:
    plan = plan_of("how long did the crowd at the entrance last?")
    assert plan.operation is Operation.HOW_LONG and plan.filters.event_types == ("crowding",)


def test_a_least_duration_is_a_filter() -> None:
    plan = plan_of("did anyone loiter at the entrance for over 30 seconds?")
    assert plan.filters.min_duration_s == 30.0
