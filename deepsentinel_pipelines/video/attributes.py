"""Choosing and cutting out the best view of each tracked person for attribute models."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from deepsentinel_pipelines.video.types import Detection

#: Side of the square crop handed to attribute models.
CROP_SIZE = 224
#: Context kept around the box, as a fraction of its size.
CROP_MARGIN = 0.1


def best_views(detections: Sequence[Detection]) -> dict[int, Detection]:
    """Per track, the detection with the largest confident box (score x area)."""
    best: dict[int, Detection] = {}
    for d in detections:
        if d.track_id is None:
            continue
        x1, y1, x2, y2 = d.box
        weight = d.score * max(0.0, x2 - x1) * max(0.0, y2 - y1)
        current = best.get(d.track_id)
        if current is None:
            best[d.track_id] = d
            continue
        cx1, cy1, cx2, cy2 = current.box
        if weight > current.score * (cx2 - cx1) * (cy2 - cy1):
            best[d.track_id] = d
    return best


def person_crop(frame_bgr: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The box (with a margin) letterboxed into a CROP_SIZE square, RGB uint8."""
    height, width = frame_bgr.shape[:2]
    x1, y1, x2, y2 = box
    mx, my = (x2 - x1) * CROP_MARGIN, (y2 - y1) * CROP_MARGIN
    left, top = max(0, int(x1 - mx)), max(0, int(y1 - my))
    right, bottom = min(width, int(np.ceil(x2 + mx))), min(height, int(np.ceil(y2 + my)))
    patch = frame_bgr[top:bottom, left:right]
    if patch.size == 0:
        raise ValueError(f"box {box} lies outside the {width}x{height} frame")
    scale = CROP_SIZE / max(patch.shape[:2])
    resized = cv2.resize(
        patch, (max(1, round(patch.shape[1] * scale)), max(1, round(patch.shape[0] * scale)))
    )
    canvas = np.zeros((CROP_SIZE, CROP_SIZE, 3), dtype=np.uint8)
    oy, ox = (CROP_SIZE - resized.shape[0]) // 2, (CROP_SIZE - resized.shape[1]) // 2
    canvas[oy : oy + resized.shape[0], ox : ox + resized.shape[1]] = resized
    return cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB)
