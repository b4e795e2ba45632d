"""Clock times and dates in questions: resolved in the camera's zone, "now" from a fixed clock."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from deepsentinel_pipelines.rag.clock_window import (
    CameraZones,
    ClockContext,
    find_clock_window,
    window_between,
)

PARIS = ZoneInfo("Europe/Paris")
#: 3 December 2026, 06:27 in Paris; footage of the plaza on 1 December, 80 s long.
NOW = datetime(2026, 12, 3, 5, 27, tzinfo=UTC)
PLAZA = ClockContext(PARIS, NOW, footage_days=(date(2026, 12, 1),), longest_video_s=80.0)


def utc(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


CASES = [
    # question, expected start, end (UTC), end included, the words, day assumed
    (
        "How many people crossed the path line between 14:00:10 and 14:00:40 on 1 December 2026?",
        utc(1, 13, 0, 10),
        utc(1, 13, 0, 40),
        True,
        "between 14:00:10 and 14:00:40 on 1 December 2026",
        False,
    ),
    (
        "what happened between 14:00 and 14:30 on 1 December 2026",
        utc(1, 13),
        utc(1, 13, 30),
        True,
        "between 14:00 and 14:30 on 1 December 2026",
        False,
    ),
    ("any falls on 2026-12-01?", utc(30, 23, month=11), utc(1, 23), False, "on 2026-12-01", False),
    ("entries on December 2nd", utc(1, 23), utc(2, 23), False, "on December 2nd", False),
    # a bare 14:05 is past the end of an 80 s video: a clock time, on the day with footage
    ("how many people at 14:05?", utc(1, 13, 5), utc(1, 13, 6), False, "at 14:05", True),
    ("anyone at 14:05:30?", utc(1, 13, 5, 28), utc(1, 13, 5, 32), True, "at 14:05:30", True),
    ("falls after 9 pm", utc(1, 20), utc(1, 23), False, "after 9 pm", True),
    (
        "before noon on 1 Dec 2026",
        utc(30, 23, month=11),
        utc(1, 11),
        False,
        "before noon on 1 Dec 2026",
        False,
    ),
    (
        "between 2 and 3 pm on 1 december 2026",
        utc(1, 13),
        utc(1, 14),
        True,
        "between 2 and 3 pm on 1 december 2026",
        False,
    ),
    (
        "what happened at 2026-12-01T14:00:20",
        utc(1, 13, 0, 18),
        utc(1, 13, 0, 22),
        True,
        "at 2026-12-01T14:00:20",
        False,
    ),
    ("entries today", utc(2, 23), utc(3, 23), False, "today", False),
]


@pytest.mark.parametrize(("question", "start", "end", "included", "phrase", "assumed"), CASES)
def test_clock_phrases(question, start, end, included, phrase, assumed):
    window = find_clock_window(question, PLAZA)
    assert window is not None
    assert (window.start, window.end, window.end_included) == (start, end, included)
    assert window.phrase == phrase
    assert window.day_assumed is assumed
    # the words are blanked, so the offset parser never reads "14:05" as 14 minutes
    assert all(ch == " " for a, b in window.spans for ch in window.blank(question)[a:b])


@pytest.mark.parametrize(
    "question",
    [
        "did anyone fall between minute 1 and 2?",  # offsets, no clock
        "how many people at 1:10?",  # 70 s is inside the 80 s video: an offset
        "in the first 30 seconds",
        "between 3 and 5",  # no unit, no am/pm: not a time
        "at the entrance",
    ],
)
def test_offsets_and_non_times_are_left_alone(question):
    assert find_clock_window(question, PLAZA) is None


def test_bare_times_stay_offsets_when_no_video_has_a_known_time():
    unknown = ClockContext(PARIS, NOW, longest_video_s=None)
    assert find_clock_window("how many people at 14:05?", unknown) is None
    # am/pm says clock whatever the footage: the day is then the latest that began by now
    window = find_clock_window("falls after 9 pm", unknown)
    assert window is not None and window.start == utc(2, 20)


def test_the_day_is_the_latest_with_footage_that_had_begun():
    both = ClockContext(
        PARIS, NOW, footage_days=(date(2026, 12, 1), date(2026, 12, 3)), longest_video_s=600.0
    )
    # 21:00 on 3 December has not come yet at 06:27: the 1 December footage is meant
    window = find_clock_window("falls after 9 pm", both)
    assert window is not None and window.start == utc(1, 20)
    # a bare 06:00 is 6 minutes into a 10-minute video; "6 am" is not
    assert find_clock_window("at 06:00", both) is None
    window = find_clock_window("at 6 am", both)
    assert window is not None and window.start == utc(3, 5)


def test_summer_time_is_the_zone_s_own():
    window = find_clock_window("at 14:05 on 1 July 2026", PLAZA)
    assert window is not None and window.start == utc(1, 12, 5, month=7)


def test_descriptions_name_the_zone():
    window = find_clock_window("between 14:00:10 and 14:00:40 on 1 December 2026", PLAZA)
    assert window is not None
    assert window.describe() == "between 14:00:10 and 14:00:40 on 1 December 2026 (Europe/Paris)"
    day = find_clock_window("on 2026-12-01", PLAZA)
    assert day is not None and day.describe() == "on 1 December 2026 (Europe/Paris)"


def test_command_line_bounds():
    window = window_between("2026-12-01T14:00", "2026-12-01T15:00:00+01:00", PARIS)
    assert window is not None and (window.start, window.end) == (utc(1, 13), utc(1, 14))
    assert window_between(None, None, PARIS) is None
    with pytest.raises(ValueError, match="ends"):
        window_between("2026-12-01T15:00", "2026-12-01T14:00", PARIS)
    with pytest.raises(ValueError, match="ISO 8601"):
        window_between("teatime", None, PARIS)


def test_camera_zones():
    zones = CameraZones({"plaza": "Europe/Paris", "lobby": "America/New_York"}, "UTC")
    assert zones.of(["plaza"]) == PARIS
    assert zones.of(["plaza", "lobby"]) == ZoneInfo("UTC")  # they disagree
    assert zones.name("garage") == "UTC"


#: 3 December 2026 is a Thursday; "now" is 06:27 in Paris.
RELATIVE = [
    ("how many people yesterday afternoon?", utc(2, 11), utc(2, 17), "yesterday afternoon"),
    ("anyone at the door last night?", utc(2, 19), utc(3, 5), "last night"),
    ("entries this morning", utc(3, 5), utc(3, 11), "this morning"),
    ("how many people entered the plaza on Monday?", utc(29, 23, month=11), utc(30, 23, month=11),
     "on Monday"),
    ("falls on tuesday evening", utc(1, 17), utc(1, 23), "on tuesday evening"),
    # no day: the latest day with footage on which the afternoon had begun
    ("crowds in the afternoon", utc(1, 11), utc(1, 17), "afternoon"),
]  # fmt: skip


@pytest.mark.parametrize(("question", "start", "end", "phrase"), RELATIVE)
def test_parts_of_days_and_weekdays(question, start, end, phrase):
    window = find_clock_window(question, PLAZA)
    assert window is not None
    assert (window.start, window.end, window.phrase) == (start, end, phrase)
    assert window.day_assumed is (phrase == "afternoon")


def test_parts_of_days_need_footage_with_a_known_time():
    unknown = ClockContext(PARIS, NOW, longest_video_s=None)
    assert find_clock_window("anyone there this morning?", unknown) is None
    assert find_clock_window("was anybody sat down?", PLAZA) is None  # "sat" is no Saturday
