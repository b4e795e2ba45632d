import pytest

from deepsentinel_pipelines.rag.plan import Operation, Subject
from tests.rag.kinds.helpers import VIDEOS, plan_of


@pytest.mark.parametrize(
    ("question", "subject"),
    [
        ("how many ppl were there?", Subject.TRACKS),
        ("how many folks showed up on the walkway cam?", Subject.PEOPLE),
        ("how many people crossed the path line?", Subject.PEOPLE),
        ("how many crossed?", Subject.PEOPLE),  # a verb after "how many": people
        ("how many crossings?", Subject.EVENTS),
        ("how many times was the line crossed?", Subject.EVENTS),
        ("how often did person 12 cross?", Subject.EVENTS),
        ("tally of entries into the entrance", Subject.EVENTS),
        ("how many crowds were there?", Subject.EVENTS),
    ],
)
def test_people_or_events(question: str, subject: Subject) -> None:
    plan = plan_of(question)
    assert plan.subject is subject, plan.describe()


def test_the_person_and_the_line_stay_in_a_count() -> None:
    plan = plan_of("how often did person 12 cross the line?")
    assert plan.operation is Operation.COUNT_EVENTS
    assert plan.filters.track_id == 12 and plan.filters.lines == ("path",)


def test_entries_without_a_zone_are_into_view_and_with_one_into_it() -> None:
    view = plan_of("how many entries were there?")
    assert view.filters.frame_only and any("entering" in r for r in view.readings)
    zone = plan_of("how many entries into the entrance?")
    assert zone.filters.zones == ("entrance",) and not zone.filters.frame_only


@pytest.mark.parametrize(
    ("question", "window"),
    [
        ("how many people crossed before 1 min 10?", (0.0, 70.0)),
        ("how many crossings in 70 s?", None),
        ("how many crossings between 0:30 and 1:00?", (30.0, 60.0)),
        ("how many people crossed in the first two minutes?", (0.0, 120.0)),
    ],
)
def test_time_forms(question: str, window) -> None:
    f = plan_of(question).filters
    if window is not None:
        assert (f.start_s, f.end_s) == window


def test_the_last_seconds_and_halves() -> None:
    last = plan_of("how many people left in the last 10 seconds?").filters
    assert (last.start_s, last.end_s, last.relative_to_end) == (-10.0, 0.0, True)
    end = plan_of("how many crossed at the very end?")
    assert end.filters.relative_to_end and end.readings
    half = plan_of(f"how many crossings in the second half of {VIDEOS[0]}?").filters
    assert half.fraction == (0.5, 1.0) and half.video_ids == (VIDEOS[0],)


def test_twice_or_more_counts_repeat_visitors() -> None:
    plan = plan_of("how many people crossed the line twice or more?")
    assert plan.operation is Operation.COUNT_PEOPLE and plan.at_least == 2
