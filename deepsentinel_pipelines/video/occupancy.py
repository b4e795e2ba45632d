"""How many people were where, second by second, and where they stood (foot points).

A person is a tracked ``person`` detection (the tracker's unconfirmed boxes are left out, as in
the people count). A person is in a zone when the bottom centre of their box, where their feet
are, lies inside the zone's polygon: the same anchor the event rules use.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from deepsentinel_pipelines.video.camera_config import WHOLE_FRAME_ZONE, Zone
from deepsentinel_pipelines.video.types import Detection

#: Heat-map cell size in pixels of the original frame.
HEATMAP_CELL_PX = 8


@dataclass(frozen=True)
class OccupancyRow:
    """People in one zone during one second of video.

    Attributes:
        zone: A camera zone, or :data:`WHOLE_FRAME_ZONE`.
        second: Whole seconds from the start of the video.
        people: Most people seen in one analysed frame of that second.
        mean_people: Mean over the second's analysed frames (frames without people count as 0).
    """

    zone: str
    second: int
    people: int
    mean_people: float


def people_in_frame(detections: Sequence[Detection]) -> list[Detection]:
    """The tracked people among some detections."""
    return [d for d in detections if d.class_name == "person" and d.track_id is not None]


def foot_point(box: tuple[float, float, float, float]) -> tuple[float, float]:
    """Where a person stands: the bottom centre of their box."""
    x1, _, x2, y2 = box
    return ((x1 + x2) / 2.0, y2)


class OccupancyCounter:
    """People per second in the frame and each zone, counted one analysed frame at a time.

    Holds one number per zone and second (and the heat map's grid), not the detections, so a
    long video's frames can be read one at a time.

    Args:
        zones: The camera's zones (whole-frame zones are skipped).
        analysis_fps: Rate at which frames were analysed (frames without detections count too).
        duration_s: The video's duration.
        heatmap_size: ``(width, height)`` of the frame the heat map counts foot points on.
        cell_px: Heat-map cell size in pixels.

    Raises:
        ValueError: A non-positive analysis rate.
    """

    def __init__(
        self,
        zones: Sequence[Zone],
        analysis_fps: float,
        duration_s: float,
        heatmap_size: tuple[int, int] = (0, 0),
        cell_px: int = HEATMAP_CELL_PX,
    ) -> None:
        if analysis_fps <= 0:
            raise ValueError(f"analysis_fps must be positive, got {analysis_fps}")
        self.seconds = max(1, math.ceil(duration_s - 1e-9))
        # Analysed frames per second: frame k is at k / analysis_fps.
        self.per_second = np.zeros(self.seconds, dtype=int)
        for k in range(math.ceil(duration_s * analysis_fps - 1e-9)):
            self.per_second[min(int(k / analysis_fps), self.seconds - 1)] += 1
        areas = [z for z in zones if not z.whole_frame]
        # Imported on use: supervision (and scipy behind it) adds ~2 s to every process start.
        import supervision as sv

        self._sv = sv
        self.polygons = {
            z.name: sv.PolygonZone(polygon=np.asarray(z.polygon, dtype=float)) for z in areas
        }
        self.names = [WHOLE_FRAME_ZONE, *(z.name for z in areas)]
        self.peak = {name: np.zeros(self.seconds, dtype=int) for name in self.names}
        self.total = {name: np.zeros(self.seconds, dtype=float) for name in self.names}
        width, height = heatmap_size
        self.cell_px = cell_px
        self.grid = np.zeros(
            (math.ceil(height / cell_px), math.ceil(width / cell_px)), dtype=np.int64
        )

    def add_frame(self, detections: Sequence[Detection]) -> None:
        """Count one analysed frame's detections (untracked and non-person ones are ignored)."""
        frame = people_in_frame(detections)
        if not frame:
            return
        second = min(int(frame[0].t_s), self.seconds - 1)
        counts = {WHOLE_FRAME_ZONE: len(frame)}
        boxes = self._sv.Detections(xyxy=np.array([d.box for d in frame], dtype=float))
        for name, polygon in self.polygons.items():
            counts[name] = int(np.count_nonzero(polygon.trigger(boxes)))
        for name, n in counts.items():
            self.peak[name][second] = max(self.peak[name][second], n)
            self.total[name][second] += n
        self.count_feet(frame)

    def count_feet(self, detections: Sequence[Detection]) -> None:
        """Add tracked people's foot points to the heat map (clipped to the frame's edge)."""
        if not self.grid.size:
            return
        rows, cols = self.grid.shape
        for d in people_in_frame(detections):
            x, y = foot_point(d.box)
            col = min(max(int(x // self.cell_px), 0), cols - 1)
            row = min(max(int(y // self.cell_px), 0), rows - 1)
            self.grid[row, col] += 1

    def rows(self) -> list[OccupancyRow]:
        """One row per zone (``frame`` first, then zones in order) and second of the video."""
        return [
            OccupancyRow(
                name,
                s,
                int(self.peak[name][s]),
                round(float(self.total[name][s]) / max(1, self.per_second[s]), 3),
            )
            for name in self.names
            for s in range(self.seconds)
        ]


def occupancy_per_second(
    detections: Sequence[Detection],
    zones: Sequence[Zone],
    analysis_fps: float,
    duration_s: float,
) -> list[OccupancyRow]:
    """People per second for the whole frame and each zone (whole-frame zones are skipped).

    Args:
        detections: A video's detections (any classes, tracked or not).
        zones: The camera's zones.
        analysis_fps: Rate at which frames were analysed (frames without detections count too).
        duration_s: The video's duration.

    Returns:
        One row per zone (``frame`` first, then zones in order) and second, every second
        of the video included.

    Raises:
        ValueError: A non-positive analysis rate.
    """
    counter = OccupancyCounter(zones, analysis_fps, duration_s)
    by_frame: dict[int, list[Detection]] = defaultdict(list)
    for d in detections:
        by_frame[d.frame_idx].append(d)
    for frame in by_frame.values():
        counter.add_frame(frame)
    return counter.rows()


def busiest(rows: Sequence[OccupancyRow], zone: str = WHOLE_FRAME_ZONE) -> OccupancyRow | None:
    """The earliest second with the most people in ``zone`` (None when nobody was there)."""
    best = None
    for row in rows:
        if row.zone == zone and row.people > 0 and (best is None or row.people > best.people):
            best = row
    return best


def foot_heatmap(
    detections: Sequence[Detection], width: int, height: int, cell_px: int = HEATMAP_CELL_PX
) -> np.ndarray:
    """Foot points of tracked people counted on a grid of ``cell_px`` cells.

    Returns:
        ``rows x cols`` counts, ``rows = ceil(height / cell_px)``; points outside the frame
        are clipped to its edge.
    """
    counter = OccupancyCounter([], 1.0, 1.0, (width, height), cell_px)
    counter.count_feet(detections)
    return counter.grid
