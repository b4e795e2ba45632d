"""How a video's times read: offsets, and the camera's clock when the recording time is known."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deepsentinel_pipelines.text.timefmt import VideoClock, format_timestamp

PARIS = ZoneInfo("Europe/Paris")
#: 13:00 UTC on the 1st of December is 14:00 in Paris (CET, UTC+1).
RECORDED = datetime(2026, 12, 1, 13, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "written"), [(0, "00:00"), (65.7, "01:05"), (3599.9, "59:59"), (3723, "1:02:03")]
)
def test_offsets_are_minutes_and_seconds_then_hours(seconds: float, written: str) -> None:
    assert format_timestamp(seconds) == written


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_an_offset_that_is_no_time_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="cannot format"):
        format_timestamp(bad)


def test_a_known_recording_reads_on_the_cameras_clock() -> None:
    clock = VideoClock(RECORDED, PARIS)
    assert clock.clock(15) == "14:00:15" and clock.label(15) == "14:00:15"
    assert clock.stamp() == "2026-12-01 14:00:00 CET"
    assert clock.with_offset(75) == "2026-12-01 14:01:15 CET (01:15 in the video)"
    assert clock.day() == "2026-12-01"


def test_a_recording_across_midnight_and_a_clock_change_keeps_the_local_time() -> None:
    before_change = datetime(2026, 3, 29, 0, 59, 30, tzinfo=UTC)  # 01:59:30 CET
    clock = VideoClock(before_change, PARIS)
    assert clock.clock(0) == "01:59:30"
    assert clock.stamp(60) == "2026-03-29 03:00:30 CEST"  # clocks go forward at 02:00
    assert VideoClock(datetime(2026, 12, 1, 22, 59, 50, tzinfo=UTC), PARIS).day() == "2026-12-01"
    assert VideoClock(datetime(2026, 12, 1, 23, 0, 10, tzinfo=UTC), PARIS).day() == "2026-12-02"


def test_an_unknown_recording_time_falls_back_to_offsets_and_says_so() -> None:
    clock = VideoClock(None, PARIS)
    assert clock.at(10) is None and clock.clock(10) is None and clock.stamp() is None
    assert clock.day() is None
    assert clock.label(75) == "01:15"
    assert clock.with_offset(75) == "01:15 in the video (recording time unknown)"
