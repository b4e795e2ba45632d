"""Highlight frames: boxes, track ids and pose skeletons with the event's track emphasised.

Text is drawn with OpenCV's built-in Hershey font (supervision's ``LabelAnnotator``), so no font
file is read or downloaded.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from deepsentinel_pipelines.timefmt import format_timestamp
from deepsentinel_pipelines.video.types import Detection, Event

KEYPOINT_MIN_CONF = 0.3
#: The COCO-17 skeleton as zero-based keypoint pairs (supervision's ``EdgeAnnotator`` default).
COCO_SKELETON = (
    (0, 1), (0, 2), (1, 2), (1, 3), (2, 4), (5, 11), (5, 6), (5, 7), (6, 12),
    (6, 8), (7, 9), (8, 10), (11, 12), (13, 11), (14, 12), (15, 13), (16, 14),
)  # fmt: skip
#: Box, label and skeleton colours as (R, G, B): the event's track, the other people.
EMPHASIS = (255, 0, 0)
CONTEXT = (160, 160, 160)
_CAPTION_BG = (0, 0, 0)
_CAPTION_FG = (255, 255, 255)


def draw_highlight(
    frame_bgr: np.ndarray, detections_in_frame: Sequence[Detection], event: Event
) -> np.ndarray:
    """Draw one frame's detections and a caption for ``event``; the input is left untouched.

    The event's track (every detection, for events without a track such as crowding) is drawn in
    red with a thick box; other detections are thin and grey.

    Args:
        frame_bgr: ``H x W x 3`` uint8 BGR frame.
        detections_in_frame: Detections of this frame (any tracks, with or without keypoints).
        event: The event the frame illustrates.

    Returns:
        A new annotated BGR frame of the same size.
    """
    scene = np.ascontiguousarray(frame_bgr, dtype=np.uint8).copy()
    height, width = scene.shape[:2]
    thickness = max(2, round(min(width, height) / 200))
    emphasised, context = [], []
    for d in detections_in_frame:
        hit = event.track_id is None or d.track_id == event.track_id
        (emphasised if hit else context).append(d)
    for dets, color, weight in ((context, CONTEXT, 1), (emphasised, EMPHASIS, thickness)):
        _draw_group(scene, dets, color, weight)
    _draw_caption(scene, event)
    return scene


def encode_jpeg(frame_bgr: np.ndarray, quality: int = 85) -> bytes:
    """Encode a BGR frame as JPEG bytes.

    Raises:
        ValueError: OpenCV could not encode the frame.
    """
    ok, buf = cv2.imencode(".jpg", frame_bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise ValueError(f"could not encode a frame of shape {frame_bgr.shape} as JPEG")
    return buf.tobytes()


def _draw_group(
    scene: np.ndarray, dets: Sequence[Detection], rgb: tuple[int, int, int], weight: int
) -> None:
    # Imported on use: supervision (and scipy behind it) adds ~2 s to every process start.
    import supervision as sv

    color = sv.Color(*rgb)
    if not dets:
        return
    boxes = sv.Detections(
        xyxy=np.array([d.box for d in dets], dtype=float),
        confidence=np.array([d.score for d in dets], dtype=float),
        class_id=np.array([d.class_id for d in dets], dtype=int),
    )
    labels = [
        f"{d.class_name} {d.track_id}" if d.track_id is not None else d.class_name for d in dets
    ]
    sv.BoxAnnotator(color=color, thickness=weight).annotate(scene, boxes)
    sv.LabelAnnotator(color=color, text_color=sv.Color.WHITE, text_padding=4).annotate(
        scene, boxes, labels=labels
    )
    posed = [d.keypoints for d in dets if d.keypoints is not None]
    if posed:
        draw_skeletons(scene, posed, color.as_bgr(), max(1, weight - 1), max(2, weight))


def draw_skeletons(
    scene: np.ndarray,
    people: Sequence[Sequence[tuple[float, float, float]]],
    bgr: tuple[int, int, int],
    thickness: int,
    radius: int,
) -> None:
    """Skeleton edges, then joints, of keypoints seen with confidence >= KEYPOINT_MIN_CONF.

    The same pixels as supervision's ``EdgeAnnotator`` and ``VertexAnnotator`` (points at the
    origin or not finite are skipped too), drawn with plain OpenCV calls: those annotators test
    every point with ``np.allclose``, 60 ms a frame for a dozen people, which was most of the
    time event clips took.
    """
    shown = []
    for keypoints in people:
        xyc = np.asarray(keypoints, dtype=np.float32).reshape(-1, 3)
        ok = (xyc[:, 2] >= KEYPOINT_MIN_CONF) & np.isfinite(xyc[:, :2]).all(axis=1)
        ok &= (np.abs(xyc[:, :2]) > 1e-8).any(axis=1)
        shown.append(
            [(int(x), int(y)) if v else None for (x, y), v in zip(xyc[:, :2], ok, strict=True)]
        )
    for points in shown:
        if len(points) != 17:
            continue  # a keypoint layout other than COCO's has no skeleton to draw
        for a, b in COCO_SKELETON:
            if points[a] is not None and points[b] is not None:
                cv2.line(scene, points[a], points[b], bgr, thickness)
    for points in shown:
        for point in points:
            if point is not None:
                cv2.circle(scene, point, radius, bgr, -1)


def _draw_caption(scene: np.ndarray, event: Event) -> None:
    parts = [event.event_type.replace("_", " "), format_timestamp(event.start_s)]
    if event.track_id is not None:
        parts.append(f"track {event.track_id}")
    if event.zone:
        parts.append(f"zone {event.zone}")
    text = "  |  ".join(parts)
    width = scene.shape[1]
    scale = max(0.5, width / 1000)
    thick = max(1, round(scale * 2))
    (tw, th), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)
    pad = max(4, th // 2)
    cv2.rectangle(scene, (0, 0), (min(width, tw + 2 * pad), th + base + 2 * pad), _CAPTION_BG, -1)
    cv2.putText(
        scene,
        text,
        (pad, pad + th),
        cv2.FONT_HERSHEY_SIMPLEX,
        scale,
        _CAPTION_FG,
        thick,
        cv2.LINE_AA,
    )
