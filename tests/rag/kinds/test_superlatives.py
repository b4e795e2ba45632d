from deepsentinel_pipelines.rag.plan import Operation
from tests.rag.kinds.helpers import plan_of


def test_the_largest_crowd_is_ordered_by_its_size() -> None:
    for question in ("how big was the largest group?", "what was the biggest crowd?",
                     "how many people were in the biggest crowd in the sample?"):  # fmt: skip
        plan = plan_of(question)
        assert plan.operation is Operation.LARGEST, question
        assert plan.filters.event_types == ("crowding",) and plan.order == "size desc"


def test_who_did_it_the_most_groups_by_person() -> None:
    plan = plan_of("which person crossed the path line the most?")
    assert plan.operation is Operation.LARGEST and plan.group_by == "track"
    assert plan.filters.lines == ("path",)


def test_the_most_time_is_a_duration_not_a_count() -> None:
    assert plan_of("who spent the most time in view?").operation is Operation.LONGEST
