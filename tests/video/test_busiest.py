"""One basis and one wording for "busiest": the peak people in view and the busiest minute."""

from __future__ import annotations

from deepsentinel_pipelines.video.busiest import Busiest, busiest_minute, busiest_of
from deepsentinel_pipelines.video.summary import VideoFacts, compose_summary


def test_the_minute_with_most_distinct_people_counts_each_person_once_per_minute() -> None:
    # Three people in minute 0, two of them stay into minute 1, one more arrives there.
    spans = [(5.0, 70.0), (10.0, 20.0), (30.0, 65.0), (61.0, 90.0)]
    assert busiest_minute(spans) == (0.0, 3)
    assert busiest_minute([(61.0, 62.0), (5.0, 6.0)]) == (0.0, 1)  # a tie: the earlier minute
    assert busiest_minute([]) == (None, 0)


def test_both_figures_are_named_and_worded_the_same_everywhere() -> None:
    figures = busiest_of((8, 13.0), [(0.0, 79.0)] * 30, 79.5)
    assert figures == Busiest(8, 13.0, 0.0, 30, 79.5)
    assert figures.peak_words() == "8 people at 00:13"
    assert figures.minute_words() == "00:00–01:00, 30 people"
    assert figures.sentence() == (
        "Peak people in view: 8 people at 00:13; "
        "minute with most distinct people: 00:00–01:00, 30 people."
    )
    # The last minute ends with the video; times can be written as the camera's clock shows them.
    late = busiest_of((1, 70.0), [(65.0, 75.0)], 79.5)
    assert late.minute_words() == "01:00–01:19, 1 person"
    assert late.peak_words(lambda s: f"t+{s:.0f}s") == "1 person at t+70s"


def test_nobody_seen_is_said_as_such() -> None:
    empty = busiest_of(None, [], 12.0)
    assert empty.peak_words() == "nobody seen" and empty.minute_words() == "nobody seen"


def test_the_summary_states_both_figures() -> None:
    facts = VideoFacts("cam/a.mp4", 79.5, 40, busiest_of((8, 13.0), [(0.0, 79.0)] * 30, 79.5))
    summary = compose_summary(facts)
    assert "Peak people in view: 8 people at 00:13; minute with most distinct people: " in summary
    assert "Busiest minute" not in summary
