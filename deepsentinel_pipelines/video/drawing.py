"""Highlight frames: boxes, track ids and pose skeletons with the event's track emphasised.

Under the people, the camera's zones and counting lines (with the side a crossing calls "in"),
so a zone entry or a line crossing can be checked on the frame. Text is drawn with OpenCV's
built-in Hershey font (supervision's ``LabelAnnotator``), so no font file is read or downloaded.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from deepsentinel_pipelines.text.timefmt import format_timestamp
from deepsentinel_pipelines.video.camera_config import CameraConfig
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
#: Zone outlines and counting lines as (B, G, R).
ZONE_BGR = (0, 200, 255)
LINE_BGR = (255, 0, 255)

Point = tuple[float, float]


@dataclass(frozen=True)
class SceneOverlay:
    """A camera's zones and counting lines, in the frame's pixels, drawn on every frame."""

    zones: tuple[tuple[str, tuple[Point, ...]], ...] = ()
    lines: tuple[tuple[str, Point, Point], ...] = ()

    @classmethod
    def of(cls, config: CameraConfig) -> SceneOverlay:
        """The configured zones (not the implicit whole-frame one) and lines of a camera."""
        return cls(
            tuple((z.name, z.polygon) for z in config.zones if not z.whole_frame),
            tuple((line.name, line.start, line.end) for line in config.lines),
        )


def draw_highlight(
    frame_bgr: np.ndarray,
    detections_in_frame: Sequence[Detection],
    event: Event,
    overlay: SceneOverlay | None = None,
) -> np.ndarray:
    """Draw one frame's detections and a caption for ``event``; the input is left untouched.

    The event's track (every detection, for events without a track such as crowding) is drawn in
    red with a thick box; other detections are thin and grey. The ``overlay``'s zones and lines
    are drawn first, the event's own zone or line thicker.

    Args:
        frame_bgr: ``H x W x 3`` uint8 BGR frame.
        detections_in_frame: Detections of this frame (any tracks, with or without keypoints).
        event: The event the frame illustrates.
        overlay: The camera's zones and counting lines (None: not drawn).

    Returns:
        A new annotated BGR frame of the same size.
    """
    scene = np.ascontiguousarray(frame_bgr, dtype=np.uint8).copy()
    height, width = scene.shape[:2]
    thickness = max(2, round(min(width, height) / 200))
    if overlay is not None:
        draw_overlay(scene, overlay, event)
    emphasised, context = [], []
    for d in detections_in_frame:
        hit = event.track_id is None or d.track_id == event.track_id
        (emphasised if hit else context).append(d)
    for dets, color, weight in ((context, CONTEXT, 1), (emphasised, EMPHASIS, thickness)):
        _draw_group(scene, dets, color, weight)
    _draw_caption(scene, event)
    return scene


def draw_overlay(scene: np.ndarray, overlay: SceneOverlay, event: Event | None = None) -> None:
    """Zones as outlines and counting lines with an arrow to their "in" side, named, in place.

    A line's "in" side is the left-hand side of start -> end as seen on screen (cameras.yaml).
    """
    height, width = scene.shape[:2]
    thin = max(1, round(min(width, height) / 400))
    scale = max(0.4, width / 1600)
    line_name = (event.attributes or {}).get("line") if event is not None else None
    for name, polygon in overlay.zones:
        points = np.round(np.asarray(polygon, dtype=np.float64)).astype(np.int32)
        weight = thin * (3 if event is not None and event.zone == name else 1)
        cv2.polylines(scene, [points], True, ZONE_BGR, weight, cv2.LINE_AA)
        top = points[np.argmin(points[:, 1])]
        _label(scene, f"zone {name}", (int(top[0]) + 4, int(top[1]) + 4), ZONE_BGR, scale)
    for name, start, end in overlay.lines:
        a = (round(start[0]), round(start[1]))
        b = (round(end[0]), round(end[1]))
        weight = thin * (3 if name == line_name else 2)
        cv2.line(scene, a, b, LINE_BGR, weight, cv2.LINE_AA)
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy) or 1.0
        mid = ((a[0] + b[0]) // 2, (a[1] + b[1]) // 2)
        reach = max(12.0, min(width, height) / 25)
        tip = (round(mid[0] + dy / length * reach), round(mid[1] - dx / length * reach))
        cv2.arrowedLine(scene, mid, tip, LINE_BGR, weight, cv2.LINE_AA, tipLength=0.35)
        _label(scene, "in", (tip[0] + 3, tip[1] + 3), LINE_BGR, scale)
        _label(scene, f"line {name}", (a[0] + 4, a[1] - 4), LINE_BGR, scale)


def _label(
    scene: np.ndarray, text: str, at: tuple[int, int], bgr: tuple[int, int, int], scale: float
) -> None:
    """Text with a dark outline, readable on any background."""
    for colour, weight in (((0, 0, 0), 3), (bgr, 1)):
        cv2.putText(scene, text, at, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, weight, cv2.LINE_AA)


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
