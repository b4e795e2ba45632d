"""Answers that answer: the direct answer first, two sentences of context at most, the events
that support that answer, and "cannot tell" for what is not recorded. Rows written by hand."""

from datetime import UTC, datetime

import pytest

from deepsentinel_pipelines.rag.composer import compose
from deepsentinel_pipelines.rag.evidence import evidence_text
from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.rows import EventRow, Findings, OccupancyFinding, TrackRow
from deepsentinel_pipelines.rag.site import LineNames, Site
from deepsentinel_pipelines.text.timefmt import format_timestamp

SITE = Site(
    ("v.mp4",),
    ("entrance",),
    (
        LineNames(
            "path", "plaza", "towards the side road", "away from the side road", "left to right"
        ),
    ),
    ("plaza",),
)


def row(event_id: int, kind: str, start: float, end: float, track: int | None = None,
        zone: str | None = None, value: float | None = None) -> EventRow:  # fmt: skip
    return EventRow(event_id, "v.mp4", kind, start, end, track, zone, f"{kind} {event_id}",
                    value=value)  # fmt: skip


STAYS = [row(3, "dwell", 23.8, 35.0, 37, "entrance", 11.2), row(2, "dwell", 19.3, 34.9, 25,
         "entrance", 15.6), row(1, "dwell", 6.9, 19.0, 9, "entrance", 12.1)]  # fmt: skip


def test_a_count_states_the_number_first_and_the_direction_by_its_names() -> None:
    f = Filters(event_types=("line_crossing",), lines=("path",), direction="in")
    plan = QueryPlan("counts", Operation.COUNT_PEOPLE, Subject.PEOPLE, f)
    found = Findings(total=9, tracked=39, events=[row(1, "line_crossing", 4.1, 4.1, 10)])
    answer = compose(plan, found, SITE)
    assert answer.text.startswith(
        "9 people crossed line path towards the side road (left to right) (direction in)."
    )
    assert "39 people were tracked" in answer.text and answer.cited_event_ids == (1,)


def test_first_cites_the_first_event_only() -> None:
    f = Filters(event_types=("enter",), zones=("entrance",))
    plan = QueryPlan("ordinals", Operation.FIRST, Subject.EVENTS, f)
    first = row(7, "enter", 6.9, 6.9, 9, "entrance")
    answer = compose(plan, Findings(total=19, events=[first, row(8, "enter", 9, 9, 4)]), SITE)
    assert answer.text.startswith("The first entry was at 00:06, by person 9 in zone entrance")
    assert answer.cited_event_ids == (7,)


def test_longest_cites_that_stay() -> None:
    f = Filters(event_types=("dwell", "loitering"), zones=("entrance",))
    plan = QueryPlan("durations", Operation.LONGEST, Subject.EVENTS, f)
    longest = STAYS[1]
    answer = compose(plan, Findings(total=3, events=[longest]), SITE)
    assert answer.text.startswith("The longest ")
    assert "person 25's: 16 s, from 00:19 to 00:34" in answer.text
    assert answer.cited_event_ids == (2,)


def test_how_long_a_person_was_in_view() -> None:
    plan = QueryPlan("durations", Operation.HOW_LONG, Subject.TRACKS, Filters(track_id=4))
    answer = compose(plan, Findings(tracks=[TrackRow("v.mp4", 4, 1.1, 17.9)]), SITE)
    assert answer.text == "Person 4 was in view for 17 s, from 00:01 to 00:17 in v.mp4."


def test_the_largest_crowd_states_its_size() -> None:
    plan = QueryPlan("superlatives", Operation.LARGEST, Subject.EVENTS,
                     Filters(event_types=("crowding",)), order="size desc")  # fmt: skip
    crowd = row(5, "crowding", 4.0, 37.4, value=8)
    answer = compose(plan, Findings(total=3, events=[crowd]), SITE)
    assert answer.text.startswith("The largest crowd had 8 people, at 00:04 in v.mp4.")


def test_comparisons_name_the_side_that_had_more_and_say_yes_or_no() -> None:
    halves = (("the first half", Filters(fraction=(0.0, 0.5))),
              ("the second half", Filters(fraction=(0.5, 1.0))))  # fmt: skip
    plan = QueryPlan("comparisons", Operation.COMPARE, Subject.EVENTS,
                     Filters(event_types=("crowding",)), versus=halves, yes_no=True)  # fmt: skip
    found = Findings(groups=[("the first half", 2.0), ("the second half", 1.0)])
    assert compose(plan, found, SITE).text == (
        "Yes: the first half had more crowds: 2 against 1 for the second half."
    )
    found = Findings(groups=[("the first half", 1.0), ("the second half", 1.0)])
    assert compose(plan, found, SITE).text.startswith("No: the first half and the second half")


def test_nothing_found_is_said_plainly_and_cites_nothing() -> None:
    plan = QueryPlan("existence", Operation.EXISTS, Subject.PEOPLE,
                     Filters(event_types=("fall",), start_s=60.0, end_s=120.0))  # fmt: skip
    answer = compose(plan, Findings(total=0), SITE)
    assert answer.text == "No: no falls were recorded between 01:00 and 02:00."
    assert answer.cited_event_ids == ()


def test_what_is_not_recorded_cannot_be_told() -> None:
    plan = QueryPlan("cannot_tell", Operation.CANNOT_TELL, cannot_tell="colours or clothing")
    answer = compose(plan, Findings(), SITE)
    assert answer.text.startswith(
        "This footage cannot tell colours or clothing; it records people's positions, "
        "movements, postures and zone/line events"
    )


def test_at_most_two_sentences_of_context_before_the_events() -> None:
    plan = QueryPlan("counts", Operation.COUNT_EVENTS, Subject.EVENTS,
                     Filters(event_types=("enter",), frame_only=True),
                     readings=("entries without a zone are people entering the view",
                               'read "entrnce" as entrance'))  # fmt: skip
    events = [row(i, "enter", i, i, i) for i in range(1, 9)]
    text = compose(plan, Findings(total=8, events=events), SITE).text
    before_events = text.split(" Events: ")[0]
    assert before_events.count(". ") + 1 <= 3  # the answer and two sentences of context
    assert text.count("event #") == 5


def test_busiest_names_the_peak_and_clock_time_when_known() -> None:
    at = datetime(2026, 12, 1, 13, 0, 35, tzinfo=UTC)
    plan = QueryPlan("occupancy", Operation.BUSIEST, Subject.OCCUPANCY)
    found = Findings(
        occupancy=[OccupancyFinding("v.mp4", "frame", 35, 8, at, "plaza", "Europe/Paris")]
    )
    assert compose(plan, found, SITE).text == (
        "It was busiest at 2026-12-01 14:00:35 CET (00:35 in the video) in v.mp4, "
        "with 8 people in view at once."
    )


def test_evidence_is_bounded_whatever_the_rows_hold() -> None:
    huge = EventRow(1, "v" * 5000, "fall", 0, 1, description="d" * 100_000)
    text = evidence_text(1, [huge] * 100, None, ["SELECT 1"] * 50, "draft " * 10_000)
    assert len(text) <= 20_000 and text.rstrip().endswith("[...cut]")


@pytest.mark.parametrize(("seconds", "text"), [(0, "00:00"), (75.4, "01:15"), (3723, "1:02:03")])
def test_format_timestamp(seconds: float, text: str) -> None:
    assert format_timestamp(seconds) == text
