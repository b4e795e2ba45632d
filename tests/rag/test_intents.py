"""Recognising summary, track, direction and busiest questions, and wording their answers."""

from __future__ import annotations

import re

import pytest

from deepsentinel_pipelines.rag.answer import EventRow, compose_answer
from deepsentinel_pipelines.rag.intents import (
    DirectionRow,
    Intent,
    Peak,
    busiest_answer,
    detect_intent,
    direction_answer,
    peak_occupancy,
    summary_answer,
    track_answer,
)
from deepsentinel_pipelines.rag.question import nameable, parse_question
from deepsentinel_pipelines.rag.retrieval import mentioned_videos


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Summarize the video", Intent("summary")),
        ("what happened in plaza.mp4?", Intent("summary")),
        ("Tell me about person 12", Intent("track", 12)),
        ("what did track 7 do between 1:00 and 2:00?", Intent("track", 7)),
        ("Which direction did most people walk?", Intent("direction")),
        ("were more people going in or out?", Intent("direction")),
        ("When was it busiest?", Intent("busiest")),
        ("what was the most crowded moment?", Intent("busiest")),
        # ordinary searches and counts stay ordinary
        ("what happened after 3:00?", None),
        ("what happened near the entrance?", None),
        ("did anyone fall?", None),
        ("how many people crossed?", None),
        ("how many people were there at the peak?", None),
    ],
)
def test_detect_intent(question: str, expected: Intent | None) -> None:
    assert detect_intent(question, parse_question(question, ["plaza.mp4"], ["entrance"])) == (
        expected
    )


def _row(event_id: int, start: float, event_type: str = "line_crossing") -> EventRow:
    return EventRow(event_id, "plaza.mp4", event_type, start, start, track_id=2)


def _sentences_before_citations(text: str) -> int:
    head = text.split(" Events", 1)[0].split(" Examples:", 1)[0].split(": event #", 1)[0]
    return len([s for s in re.split(r"(?<=[.!?])\s+", head.strip()) if s])


def test_track_answer_is_the_tracks_events_in_time_order() -> None:
    answer = track_answer(2, [_row(5, 20.0), _row(9, 26.0)], ["plaza.mp4"])
    assert answer.text.startswith("Person 2 (track 2) has 2 events in plaza.mp4, from 00:20 to")
    assert answer.cited_event_ids == (5, 9)
    assert "No events of track 3" in track_answer(3, [], []).text


def test_direction_answer_counts_crossings_and_orientations() -> None:
    rows = [
        DirectionRow(_row(1, 1.0), None, "in", "crosswalk"),
        DirectionRow(_row(2, 2.0), None, "out", "crosswalk"),
        DirectionRow(_row(3, 3.0), None, "in", "crosswalk"),
        DirectionRow(_row(4, 4.0, "orientation"), "facing_away", None, None),
    ]
    text = direction_answer(rows, []).text
    assert "Line crossings (crosswalk): 2 in, 1 out; most went in." in text
    assert "Orientation events: 1 facing away; most faced away." in text
    assert "no direction can be told" in direction_answer([], []).text


def test_peak_occupancy_is_the_earliest_moment_with_most_tracks() -> None:
    spans = [("a", 0, 10), ("a", 5, 20), ("a", 8, 9), ("b", 0, 100), ("b", 50, 60)]
    assert peak_occupancy(spans) == Peak("a", 8.0, 3)
    assert peak_occupancy([("a", 10, 10), ("a", 10, 12)]) == Peak("a", 10.0, 2)
    assert peak_occupancy([]) is None


def test_busiest_answer_falls_back_to_the_largest_crowd() -> None:
    crowd = EventRow(7, "plaza.mp4", "crowding", 100.0, 110.0)
    answer = busiest_answer(None, [(crowd, 6)], [])
    assert answer.text.startswith("The busiest moment was at 01:40 in plaza.mp4, with 6 people")
    assert answer.cited_event_ids == (7,)


@pytest.mark.parametrize(
    "answer",
    [
        summary_answer([("a.mp4", "One. Two."), ("b.mp4", None)], []),
        track_answer(2, [_row(i, float(i)) for i in range(1, 9)], []),
        direction_answer([DirectionRow(_row(1, 1.0), None, "in", "x")], []),
        busiest_answer(Peak("a", 3.0, 2), [], []),
        compose_answer(
            parse_question("how many people walked?"),
            [_row(1, 1.0, "walking")],
            count=1,
            tracked=9,
        ),
    ],
)
def test_at_most_three_sentences_before_the_cited_events(answer) -> None:
    assert _sentences_before_citations(answer.text) <= 3


def test_a_people_count_states_the_tracked_total() -> None:
    walked = compose_answer(
        parse_question("how many people walked?"), [_row(1, 1.0, "walking")], count=31, tracked=42
    )
    assert walked.text.startswith("31 people (distinct tracks) with walking events")
    assert "(42 people were tracked in all)" in walked.text
    everyone = compose_answer(parse_question("how many people were there?"), [], 5, tracked=42)
    assert everyone.text == "42 people were tracked."


@pytest.mark.parametrize("name", ["-.mp4", "___.mp4", "a.mp4", "-", "_", "x"])
def test_names_without_two_letters_or_digits_never_scope(name: str) -> None:
    stem = name.rsplit(".", 1)[0]
    assert not nameable(stem)
    assert mentioned_videos("did anyone fall?", [name]) == []
    assert parse_question("did anyone fall?", [name], [stem]).video_ids == ()
    assert parse_question("did anyone fall?", [name], [stem]).zones == ()
