"""The times an operator reads beside a video's frames, clips and notable events in the UI."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from deepsentinel_pipelines.assets.metadata import notable_events_table, object_times
from deepsentinel_pipelines.text.timefmt import VideoClock

PARIS = ZoneInfo("Europe/Paris")
RECORDED = datetime(2026, 12, 1, 13, 0, 0, tzinfo=UTC)  # 14:00 in Paris
STORED = [("v/a1/10.7s_fall.jpg", 10.7), ("v/a1/62.0s_loitering.jpg", 62.0)]


def test_frames_and_clips_are_timed_on_the_cameras_clock_with_the_offset() -> None:
    times = object_times(STORED, VideoClock(RECORDED, PARIS)).data
    assert times == {
        "10.7s_fall.jpg": "2026-12-01 14:00:10 CET (00:10 in the video)",
        "62.0s_loitering.jpg": "2026-12-01 14:01:02 CET (01:02 in the video)",
    }
    assert list(times) == ["10.7s_fall.jpg", "62.0s_loitering.jpg"]  # the order given


def test_without_a_recording_time_the_offsets_say_why_they_stand_alone() -> None:
    times = object_times(STORED, VideoClock(None, PARIS)).data
    assert times["62.0s_loitering.jpg"] == "01:02 in the video (recording time unknown)"


def test_notable_events_show_the_offset_and_the_clock_time_when_known() -> None:
    events = [(10.7, "fall", 3, None), (62.0, "loitering", None, "entrance")]
    known = notable_events_table(events, VideoClock(RECORDED, PARIS)).records
    assert [r.data for r in known] == [
        {
            "time": "00:10",
            "clock": "2026-12-01 14:00:10 CET",
            "type": "fall",
            "person": "#3",
            "zone": "-",
        },
        {
            "time": "01:02",
            "clock": "2026-12-01 14:01:02 CET",
            "type": "loitering",
            "person": "-",
            "zone": "entrance",
        },
    ]
    unknown = notable_events_table(events, VideoClock(None, PARIS)).records
    assert {r.data["clock"] for r in unknown} == {"unknown"}
