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
    posed = [d for d in dets if d.keypoints is not None]
    if posed:
        kps = np.array([d.keypoints for d in posed], dtype=np.float32)
        key_points = sv.KeyPoints(
            xy=kps[:, :, :2],
            keypoint_confidence=kps[:, :, 2],
            visible=kps[:, :, 2] >= KEYPOINT_MIN_CONF,
        )
        sv.EdgeAnnotator(color=color, thickness=max(1, weight - 1)).annotate(scene, key_points)
        sv.VertexAnnotator(color=color, radius=max(2, weight)).annotate(scene, key_points)


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
