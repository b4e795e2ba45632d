"""When a video was recorded: the sources in their order, naive times in the camera's zone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from deepsentinel_pipelines.ingest.recorded_at import (
    TimeClues,
    key_time_regex,
    parse_time,
    resolve_recorded_at,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


CASES = [
    # (clues, camera zone, expected UTC instant or None, expected source)
    (TimeClues(message="2026-12-01T14:00:00+01:00"), PARIS, utc(2026, 12, 1, 13), "job_message"),
    # the message wins over everything below it
    (
        TimeClues(
            message="2026-12-01T14:00:00Z",
            metadata="2026-12-02T09:00:00Z",
            key="cam/cam_20261203100000.mp4",
            creation_time="2026-12-04T00:00:00.000000Z",
        ),
        PARIS,
        utc(2026, 12, 1, 14),
        "job_message",
    ),
    # naive metadata is the camera's wall time (Paris is UTC+1 in December, +2 in July)
    (TimeClues(metadata="2026-12-01T14:00:00"), PARIS, utc(2026, 12, 1, 13), "s3_metadata"),
    (TimeClues(metadata="2026-07-01 14:00:00"), PARIS, utc(2026, 7, 1, 12), "s3_metadata"),
    (TimeClues(metadata="2026-12-01T14:00:00"), NEW_YORK, utc(2026, 12, 1, 19), "s3_metadata"),
    # a broken metadata value is skipped, the next source answers
    (
        TimeClues(metadata="yesterday", key="uploads/lobby/lobby_20261201140000.mp4"),
        ZoneInfo("UTC"),
        utc(2026, 12, 1, 14),
        "file_name",
    ),
    # the camera's key pattern, before the file name
    (
        TimeClues(
            key="site/plaza/2026-12-01/14-30-05.mp4",
            camera="plaza",
            key_time="{camera}/%Y-%m-%d/%H-%M-%S",
        ),
        PARIS,
        utc(2026, 12, 1, 13, 30, 5),
        "key_time",
    ),
    # a key that does not fit the pattern falls through to the container's tag
    (
        TimeClues(
            key="site/other/clip.mp4",
            camera="plaza",
            key_time="{camera}/%Y-%m-%d/%H-%M-%S",
            creation_time="2026-12-01T13:00:00.000000Z",
        ),
        PARIS,
        utc(2026, 12, 1, 13),
        "container",
    ),
    # recorders' file names
    (
        TimeClues(key="nvr/ch01_20261201140000_20261201150000.mp4"),
        PARIS,
        utc(2026, 12, 1, 13),
        "file_name",
    ),
    (TimeClues(key="exports/2026-12-01T14-00-00.mkv"), PARIS, utc(2026, 12, 1, 13), "file_name"),
    (TimeClues(key="exports/2026-12-01 14.00.00.avi"), PARIS, utc(2026, 12, 1, 13), "file_name"),
    (
        TimeClues(key="live/plaza/plaza_20261201T130000Z.mp4"),
        PARIS,
        utc(2026, 12, 1, 13),
        "file_name",
    ),
    # a folder's date is no file name; an impossible date is no time
    (TimeClues(key="2026-12-01T14-00-00/clip.mp4"), PARIS, None, None),
    (TimeClues(key="cam_20261301140000.mp4"), PARIS, None, None),
    # MP4's zero creation time (1904) is a placeholder
    (TimeClues(key="clip.mp4", creation_time="1904-01-01T00:00:00.000000Z"), PARIS, None, None),
    (TimeClues(key="sample_plaza.mp4"), PARIS, None, None),
]


@pytest.mark.parametrize(("clues", "zone", "expected", "source"), CASES)
def test_sources_in_order(clues, zone, expected, source):
    found, _ = resolve_recorded_at(clues, zone)
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert (found.at, found.source) == (expected, source)
    assert found.at.tzinfo == UTC


def test_unusable_sources_are_named():
    found, notes = resolve_recorded_at(
        TimeClues(metadata="not a time", creation_time="1970-01-01T00:00:00Z"), PARIS
    )
    assert found is None
    assert len(notes) == 2
    assert notes[0].startswith("s3_metadata: 'not a time' is not an ISO 8601 time")
    assert notes[1].startswith("container: ") and "before 1990" in notes[1]


def test_the_repeated_hour_is_read_as_its_first_occurrence():
    # 2026-10-25 02:30 happens twice in Paris; the first time it is still summer time (+02:00).
    assert parse_time("2026-10-25T02:30:00", PARIS) == utc(2026, 10, 25, 0, 30)


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("{camera}/%H-%M", "needs a year"),
        ("%Y/%m/%d/%q", "%q is not one of"),
        ("%Y/%m/%d/%Y", "appears twice"),
    ],
)
def test_bad_key_patterns_are_refused(pattern, message):
    with pytest.raises(ValueError, match=message):
        key_time_regex(pattern, "plaza")


def test_key_pattern_fills_in_the_camera_literally():
    regex = key_time_regex("{camera}_%Y%m%d", "a.b")
    assert regex.search("x/a.b_20261201.mp4")
    assert not regex.search("x/aXb_20261201.mp4")
