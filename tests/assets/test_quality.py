"""The asset checks' verdicts, each fed a broken partition and a healthy one (hand-made values)."""

from __future__ import annotations

import pytest
from dagster import AssetCheckSeverity

from deepsentinel_pipelines.assets.checks import (
    EVENTS_EMBEDDED,
    FRAMES_COVERED,
    HIGHLIGHTS_STORED,
    PEOPLE_LEVEL,
    RAW_VIDEO_DURATION,
    check_result,
)
from deepsentinel_pipelines.assets.quality import (
    duration_verdict,
    embeddings_verdict,
    frames_verdict,
    objects_verdict,
    people_drift_verdict,
)


@pytest.mark.parametrize(("duration_s", "passed"), [(8.0, True), (0.04, True), (0.0, False)])
def test_duration_must_be_positive(duration_s: float, passed: bool) -> None:
    assert duration_verdict(duration_s).passed is passed


@pytest.mark.parametrize(
    ("analysed", "skipped", "passed"),
    [
        (40, 0, True),  # 8 s at 5 frames/s
        (39, 0, True),  # a frame lost at the end of the stream
        (20, 0, False),  # half the video analysed
        (12, 28, True),  # motion gating skipped the still frames, and counted them
        (12, 0, False),  # ... and without the count it is a half-analysed video
        (80, 0, False),  # twice as many frames: the wrong rate was recorded
    ],
)
def test_frames_cover_duration_times_rate(analysed: int, skipped: int, passed: bool) -> None:
    verdict = frames_verdict(8.0, 5.0, analysed, skipped)
    assert verdict.passed is passed
    assert verdict.metadata["expected_frames"] == 40


def test_half_analysed_video_says_so() -> None:
    verdict = frames_verdict(8.0, 5.0, 20)
    assert "20 frames accounted for" in verdict.description and "~40" in verdict.description


@pytest.mark.parametrize(
    ("events", "embedded", "passed"), [(7, 7, True), (0, 0, True), (7, 3, False)]
)
def test_every_event_embedded(events: int, embedded: int, passed: bool) -> None:
    assert embeddings_verdict(events, embedded).passed is passed


def test_missing_highlight_objects_are_named() -> None:
    keys = ["v/1.0s_fall.jpg", "v/4.0s_enter.jpg"]
    assert objects_verdict(keys, keys + ["v/other.jpg"], "highlight frame").passed
    verdict = objects_verdict(keys, ["v/1.0s_fall.jpg"], "highlight frame")
    assert not verdict.passed and "v/4.0s_enter.jpg" in verdict.description
    assert verdict.metadata["missing"] == 1


@pytest.mark.parametrize(
    ("people", "usual", "passed"),
    [
        (2.1, [2.0, 1.8, 2.4], True),
        (0.1, [2.0, 1.8, 2.4], False),  # camera turned to a wall / night mode
        (9.0, [2.0, 1.8, 2.4], False),  # camera moved to a crowded view
        (0.0, [0.3, 0.5, 0.2], True),  # an empty quiet scene is no drift
        (0.1, [2.0, 1.8], True),  # too little history to judge
    ],
)
def test_people_per_frame_drift(people: float, usual: list[float], passed: bool) -> None:
    assert people_drift_verdict(people, usual).passed is passed


def test_results_name_their_check_and_severity() -> None:
    result = check_result(
        PEOPLE_LEVEL, people_drift_verdict(0.1, [2, 2, 2]), AssetCheckSeverity.WARN
    )
    assert (result.check_name, result.passed, result.severity) == (
        "people_per_frame_usual",
        False,
        AssetCheckSeverity.WARN,
    )
    assert not PEOPLE_LEVEL.blocking
    assert all(s.blocking for s in (RAW_VIDEO_DURATION, FRAMES_COVERED, HIGHLIGHTS_STORED))
    assert EVENTS_EMBEDDED.blocking
