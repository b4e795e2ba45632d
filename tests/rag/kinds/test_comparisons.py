from deepsentinel_pipelines.rag.kinds import comparisons
from deepsentinel_pipelines.rag.plan import Operation, Subject
from tests.rag.kinds.helpers import VIDEOS, parsed, plan_of


def test_two_cameras_are_compared_by_the_people_tracked() -> None:
    plan = plan_of("did the plaza or the walkway have more people?")
    assert plan.operation is Operation.COMPARE and plan.subject is Subject.TRACKS
    assert [f.cameras for _, f in plan.versus] == [("plaza",), ("walkway",)]


def test_the_half_asked_about_comes_first() -> None:
    first = plan_of("were there more crowds in the first half?")
    assert [f.fraction for _, f in first.versus] == [(0.0, 0.5), (0.5, 1.0)]
    assert first.versus[0][1].event_types == ("crowding",)
    second = plan_of("were there more line crossings in the second half?")
    assert [f.fraction for _, f in second.versus] == [(0.5, 1.0), (0.0, 0.5)]


def test_event_types_orientations_and_directions_are_sides() -> None:
    types = plan_of("were there more entries or exits at the entrance?")
    assert [f.event_types for _, f in types.versus] == [("enter",), ("exit",)]
    facing = plan_of("more people facing the camera or facing away?")
    assert [f.orientation for _, f in facing.versus] == ["facing_camera", "facing_away"]
    ways = plan_of("did more people head towards the side road or away from it?")
    assert [f.direction for _, f in ways.versus] == ["in", "out"]


def test_which_video_had_more_is_a_count_per_video() -> None:
    plan = plan_of("which video had more line crossings?")
    assert plan.operation is Operation.COMPARE and plan.group_by == "video"
    assert plan.filters.event_types == ("line_crossing",)


def test_or_more_is_no_comparison() -> None:
    assert comparisons.plan(parsed("how many people crossed twice or more?")) is None
    assert comparisons.plan(parsed(f"how many people were in {VIDEOS[0]}?")) is None
