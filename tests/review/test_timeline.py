"""The review page's timeline geometry: ticks, the people curve, markers in lanes by type."""

from __future__ import annotations

import pytest

from deepsentinel_pipelines.review.timeline import (
    TYPE_COLOURS,
    Curve,
    build_timeline,
    curve_path,
    lanes_for,
    tick_step,
)
from deepsentinel_pipelines.text.timefmt import format_timestamp


@pytest.mark.parametrize(
    ("span_s", "step"),
    [(8.0, 1), (9.0, 2), (79.5, 10), (600.0, 120), (3600.0, 600), (86400.0, 10800)],
)
def test_ticks_are_at_most_eight(span_s: float, step: int) -> None:
    assert tick_step(span_s) == step


def test_markers_sit_at_their_time_in_their_types_lane() -> None:
    lanes = lanes_for(["fall", "enter", "walking"])
    timeline = build_timeline(
        80.0,
        [Curve(0.0, [(0, 1), (1, 4), (2, 2)])],
        [(11, "enter", 20.0), (12, "fall", 40.0), (13, "enter", 79.0), (14, "walking", 95.0)],
        format_timestamp,
        lanes,
    )
    assert [(m.event_id, m.lane, m.left) for m in timeline.markers] == [
        (11, 1, 25.0),
        (12, 0, 50.0),
        (13, 1, 98.75),
        (14, 2, 100.0),  # past the end (a clip's rounding): kept at the edge
    ]
    assert timeline.peak == 4
    assert timeline.ticks[:3] == [(0.0, "00:00"), (12.5, "00:10"), (25.0, "00:20")]
    assert timeline.ticks[-1] == (100.0, "01:20")
    assert [lane.colour for lane in lanes[:2]] == [TYPE_COLOURS["fall"], TYPE_COLOURS["enter"]]
    assert lanes[2].colour not in TYPE_COLOURS.values()  # another type: the next spare colour


def test_the_curve_is_a_filled_area_per_video_scaled_to_the_peak() -> None:
    # Two videos on a 100 s day: people at the middle of each second, the peak at 90 % height.
    path = curve_path([Curve(0.0, [(0, 2), (1, 4)]), Curve(50.0, [(0, 1)])], 100.0, 4)
    assert path == ("M5.0 100 L5.0 55.0 L15.0 10.0 L15.0 100 Z M505.0 100 L505.0 77.5 L505.0 100 Z")
    assert curve_path([Curve(0.0, [(0, 0)])], 10.0, 0) == ""


def test_a_camera_day_places_each_video_as_a_segment() -> None:
    timeline = build_timeline(
        300.0, [], [], str, lanes_for([]), [("a.mp4", 0.0, 60.0), ("b.mp4", 240.0, 300.0)]
    )
    assert [(s.video_id, s.left, s.width) for s in timeline.segments] == [
        ("a.mp4", 0.0, 20.0),
        ("b.mp4", 80.0, 20.0),
    ]
