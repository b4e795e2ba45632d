import re

import pytest

from deepsentinel_pipelines.rag.answer import Answer, EventRow, compose_answer
from deepsentinel_pipelines.rag.question import ParsedQuestion, parse_question
from deepsentinel_pipelines.timefmt import format_timestamp

VIDEOS = ("plaza.mp4", "lobby.mp4")
ZONES = ("entrance",)

FALL_12 = EventRow(
    event_id=12,
    video_id="plaza.mp4",
    event_type="fall",
    start_s=65.4,
    end_s=69.9,
    track_id=3,
    zone="entrance",
    description="Person 3 fell near the entrance",
    highlight_key="highlights/plaza.mp4/12.jpg",
)
FALL_40 = EventRow(
    event_id=40,
    video_id="plaza.mp4",
    event_type="fall",
    start_s=250.0,
    end_s=250.5,
    track_id=7,
    zone=None,
    description="Person 7 fell",
    highlight_url="https://example.invalid/40.jpg",
)
ENTER_5 = EventRow(5, "lobby.mp4", "enter", 3.0, 3.0, 1, "door", "Person 1 entered door")


def _numbers(text: str) -> list[str]:
    """Numbers and clock times as they appear in the text (not digits inside words)."""
    return re.findall(r"(?<![\w.])\d+(?::\d{2})*(?![\w])", text)


def _allowed(
    rows: list[EventRow], count: int | None, parsed: ParsedQuestion, window=None
) -> set[str]:
    allowed: set[str] = set()
    for row in rows:
        allowed |= {str(row.event_id), format_timestamp(row.start_s), format_timestamp(row.end_s)}
        allowed |= set(_numbers(row.description))
        if row.track_id is not None:
            allowed.add(str(row.track_id))
    allowed.add(str(len(rows)))
    if count is not None:
        allowed.add(str(count))
    for bound in window or (parsed.start_s, parsed.end_s):
        if bound is not None:
            allowed.add(format_timestamp(abs(bound)))
            allowed.add(str(int(abs(bound))))
    return allowed


def _assert_no_invented_facts(
    answer: Answer, rows: list[EventRow], count: int | None, parsed: ParsedQuestion, window=None
) -> None:
    allowed = _allowed(rows, count, parsed, window)
    for number in _numbers(answer.text):
        assert number in allowed, f"{number!r} in {answer.text!r} is not backed by the rows"
    assert set(answer.cited_event_ids) <= {row.event_id for row in rows}
    for event_id in answer.cited_event_ids:
        assert f"event #{event_id}" in answer.text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "00:00"),
        (5, "00:05"),
        (65.4, "01:05"),
        (65.99, "01:05"),
        (599, "09:59"),
        (3599.9, "59:59"),
        (3600, "1:00:00"),
        (3723, "1:02:03"),
        (36000, "10:00:00"),
    ],
)
def test_format_timestamp(seconds: float, text: str) -> None:
    assert format_timestamp(seconds) == text


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_format_timestamp_rejects_bad_input(bad: float) -> None:
    with pytest.raises(ValueError):
        format_timestamp(bad)


def test_yes_no_listing_cites_every_row() -> None:
    parsed = parse_question("Did anyone fall in plaza?", VIDEOS)
    rows = [FALL_12, FALL_40]
    answer = compose_answer(parsed, rows, None)
    assert answer.text == (
        "Yes — 2 falls in plaza.mp4: "
        "event #12 in plaza.mp4 at 01:05–01:09, zone entrance (Person 3 fell near the entrance); "
        "event #40 in plaza.mp4 at 04:10 (Person 7 fell)."
    )
    assert answer.cited_event_ids == (12, 40)
    assert answer.highlights == (
        (12, "highlights/plaza.mp4/12.jpg"),
        (40, "https://example.invalid/40.jpg"),
    )
    _assert_no_invented_facts(answer, rows, None, parsed)


@pytest.mark.parametrize(
    ("question", "window", "expected"),
    [
        (
            "Did anyone fall in plaza between 3 and 5 minutes?",
            None,
            "No fall events were found in plaza.mp4 between 03:00 and 05:00.",
        ),
        (
            "any loitering near the entrance after 1:10?",
            None,
            "No loitering events were found in zone entrance after 01:10.",
        ),
        (
            "falls or crowding before 2 minutes",
            None,
            "No fall or crowding events were found between 00:00 and 02:00.",
        ),
        ("what happened?", None, "No events were found."),
        (
            "who left in the last 30 seconds",
            None,
            "No exit events were found in the last 30 seconds of the video.",
        ),
        (
            "who left in the last 30 seconds",
            (270.0, 300.0),
            "No exit events were found between 04:30 and 05:00.",
        ),
        (
            "who was facing away",
            None,
            "No orientation events (facing away) were found.",
        ),
    ],
)
def test_nothing_found_is_said_plainly(question: str, window, expected: str) -> None:
    parsed = parse_question(question, VIDEOS, ZONES)
    answer = compose_answer(parsed, [], None, window)
    assert answer == Answer(text=expected)


def test_zero_count_is_nothing_found() -> None:
    parsed = parse_question("How many falls in plaza?", VIDEOS)
    answer = compose_answer(parsed, [], 0)
    assert answer.text == "No fall events were found in plaza.mp4."
    assert answer.cited_event_ids == ()


def test_count_uses_the_database_count_and_cites_examples() -> None:
    parsed = parse_question("How many falls in plaza?", VIDEOS)
    rows = [FALL_12, FALL_40]
    answer = compose_answer(parsed, rows, 9)
    assert answer.text.startswith("9 falls in plaza.mp4. Examples: event #12 in plaza.mp4")
    assert answer.cited_event_ids == (12, 40)
    _assert_no_invented_facts(answer, rows, 9, parsed)


def test_people_count_says_distinct_tracks() -> None:
    parsed = parse_question("How many people fell between 1 and 5 minutes?")
    rows = [FALL_12, FALL_40]
    answer = compose_answer(parsed, rows, 2)
    assert answer.text.startswith(
        "2 people (distinct tracks) with fall events between 01:00 and 05:00. Examples: "
    )
    _assert_no_invented_facts(answer, rows, 2, parsed)
    one = compose_answer(parsed, [FALL_12], 1)
    assert one.text.startswith("1 person (distinct tracks) with fall events")


def test_count_without_rows_states_only_the_count() -> None:
    parsed = parse_question("how many entries?")
    answer = compose_answer(parsed, [], 4)
    assert answer == Answer(text="4 entries.")


def test_singular_and_window_override() -> None:
    parsed = parse_question("who entered", VIDEOS)
    answer = compose_answer(parsed, [ENTER_5], None, (0.0, 10.0))
    assert answer.text == (
        "1 entry between 00:00 and 00:10: event #5 in lobby.mp4 at 00:03, zone door "
        "(Person 1 entered door)."
    )
    _assert_no_invented_facts(answer, [ENTER_5], None, parsed, (0.0, 10.0))


def test_long_listings_cite_only_the_first_rows() -> None:
    rows = [
        EventRow(i, "plaza.mp4", "running", 10.0 * i, 10.0 * i + 2, i, None, f"Person {i} ran")
        for i in range(1, 9)
    ]
    parsed = parse_question("who ran?")
    answer = compose_answer(parsed, rows, None, max_cited=3)
    assert answer.cited_event_ids == (1, 2, 3)
    assert answer.text.startswith("8 running events. Examples: event #1 in plaza.mp4 at 00:10")
    assert "event #4" not in answer.text
    _assert_no_invented_facts(answer, rows, None, parsed)


@pytest.mark.parametrize(
    "question",
    [
        "Did anyone fall in plaza?",
        "How many people fell?",
        "how many falls after 1:10",
        "what happened near the entrance in the first minute?",
        "who was facing away",
    ],
)
@pytest.mark.parametrize("with_count", [False, True])
def test_every_number_in_the_answer_comes_from_the_inputs(question: str, with_count: bool) -> None:
    parsed = parse_question(question, VIDEOS, ZONES)
    rows = [FALL_12, FALL_40, ENTER_5]
    count = 17 if with_count else None
    answer = compose_answer(parsed, rows, count)
    _assert_no_invented_facts(answer, rows, count, parsed)
    assert answer.cited_event_ids == (12, 40, 5)


def test_description_whitespace_and_missing_fields() -> None:
    row = EventRow(3, "plaza.mp4", "crowding", 0.0, 30.0, None, None, "  5 people\n in frame.  ")
    answer = compose_answer(ParsedQuestion(text="crowds?"), [row], None)
    assert answer.text == "1 event: event #3 in plaza.mp4 at 00:00–00:30 (5 people in frame)."
    assert answer.highlights == ()
