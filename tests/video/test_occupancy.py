"""Occupancy per second and foot-point heat maps on synthetic tracks, and the two PNG charts."""

from __future__ import annotations

import numpy as np
import pytest

from deepsentinel_pipelines.video.camera_config import Zone, whole_frame_zone
from deepsentinel_pipelines.video.occupancy import (
    OccupancyRow,
    busiest,
    foot_heatmap,
    foot_point,
    occupancy_per_second,
)
from deepsentinel_pipelines.video.plots import heatmap_png, occupancy_plot_png
from deepsentinel_pipelines.video.types import Detection

FPS = 2.0  # analysed frames at 0.0, 0.5, 1.0, ... s
#: The right half of a 200 x 100 frame.
ENTRANCE = Zone("entrance", ((100.0, 0.0), (200.0, 0.0), (200.0, 100.0), (100.0, 100.0)))


def _at(t_s: float, track_id: int | None, x: float, class_name: str = "person") -> Detection:
    # A 20 x 40 box whose feet are at (x, 90).
    frame = round(t_s * FPS)
    return Detection(frame, t_s, track_id, 0, class_name, 0.9, (x - 10, 50.0, x + 10, 90.0))


def _synthetic() -> list[Detection]:
    """Second 0: A on the left. Second 1: A left, B in the entrance (0.5 s only).
    Second 2: A and B in the entrance, C on the left, plus an untracked box and a car.
    Second 3: nobody (the video lasts 3.5 s)."""
    return [
        _at(0.0, 1, 30), _at(0.5, 1, 30),
        _at(1.0, 1, 40), _at(1.5, 1, 40), _at(1.5, 2, 150),
        _at(2.0, 1, 120), _at(2.0, 2, 160), _at(2.0, 3, 20), _at(2.0, None, 60),
        _at(2.0, 9, 60, "car"),
        _at(2.5, 1, 130), _at(2.5, 2, 170),
    ]  # fmt: skip


def test_occupancy_per_second_counts_tracked_people_by_foot_point():
    rows = occupancy_per_second(_synthetic(), [ENTRANCE], FPS, duration_s=3.5)
    table = {(r.zone, r.second): (r.people, r.mean_people) for r in rows}
    # hand count: peak and mean over the second's two analysed frames
    assert table == {
        ("frame", 0): (1, 1.0),
        ("frame", 1): (2, 1.5),
        ("frame", 2): (3, 2.5),
        ("frame", 3): (0, 0.0),
        ("entrance", 0): (0, 0.0),
        ("entrance", 1): (1, 0.5),
        ("entrance", 2): (2, 2.0),
        ("entrance", 3): (0, 0.0),
    }
    assert [r.zone for r in rows[:4]] == ["frame"] * 4  # whole frame first


def test_whole_frame_zone_gives_no_second_set_of_rows():
    rows = occupancy_per_second(_synthetic(), [whole_frame_zone(200, 100, 20.0)], FPS, 3.5)
    assert {r.zone for r in rows} == {"frame"}


def test_busiest_is_the_earliest_peak():
    rows = occupancy_per_second(_synthetic(), [ENTRANCE], FPS, duration_s=3.5)
    assert busiest(rows) == OccupancyRow("frame", 2, 3, 2.5)
    assert busiest(rows, "entrance").second == 2
    assert busiest([OccupancyRow("frame", 0, 0, 0.0)]) is None


def test_occupancy_rejects_a_zero_rate():
    with pytest.raises(ValueError, match="analysis_fps"):
        occupancy_per_second([], [], 0.0, 10.0)


def test_foot_heatmap_counts_feet_per_cell():
    assert foot_point((10.0, 20.0, 30.0, 60.0)) == (20.0, 60.0)
    grid = foot_heatmap(_synthetic(), 200, 100, cell_px=50)
    assert grid.shape == (2, 4)
    # feet at y = 90 -> row 1; x 30, 30, 40, 40, 20 -> col 0; 120, 130 -> col 2;
    # 150, 160, 170 -> col 3
    assert grid.tolist() == [[0, 0, 0, 0], [5, 0, 2, 3]]


def test_charts_are_png_images():
    rows = occupancy_per_second(_synthetic(), [ENTRANCE], FPS, duration_s=3.5)
    plot = occupancy_plot_png(rows, "people")
    heat = heatmap_png(np.full((100, 200, 3), 128, np.uint8), foot_heatmap(_synthetic(), 200, 100))
    for png in (plot, heat):
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000
