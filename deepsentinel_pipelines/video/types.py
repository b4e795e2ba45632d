"""Plain data types shared by the video modules: probe results, detections, tracks and events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: COCO-17 keypoint order used by YOLO pose models.
KEYPOINT_NAMES: tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip

#: Every event type the rules can emit; the question parser and the SQL views rely on this list.
EVENT_TYPES: tuple[str, ...] = (
    "enter",  # a track appears (whole frame) or enters a zone
    "exit",  # a track leaves the frame or a zone
    "line_crossing",  # a track crosses a counting line (attributes: line, direction)
    "dwell",  # a track stays in a zone longer than its dwell threshold
    "loitering",  # a track stays in a zone (or the frame) longer than the loitering threshold
    "fall",  # pose geometry changes from upright to lying within a short time
    "sitting",
    "standing",
    "walking",
    "running",
    "crowding",  # at least N people in a zone (or the frame) at once (attributes: count)
    "orientation",  # attributes.orientation is one of ORIENTATIONS
)

#: Body orientation relative to the camera.
ORIENTATIONS: tuple[str, ...] = ("facing_camera", "facing_away", "facing_left", "facing_right")

#: Event types that can get a highlight frame (see :func:`is_notable`).
NOTABLE_EVENT_TYPES: frozenset[str] = frozenset(
    {"fall", "loitering", "crowding", "enter", "line_crossing"}
)


def is_notable(event_type: str, zone: str | None) -> bool:
    """Whether an event gets a highlight frame.

    Falls, loitering, crowding, line crossings, and entries into a configured zone; not every
    appearance in the frame (a busy plaza would otherwise keep a frame per passer-by).
    """
    return event_type in NOTABLE_EVENT_TYPES and (event_type != "enter" or zone is not None)


@dataclass(frozen=True)
class VideoInfo:
    """What probing a video file found."""

    container: str
    codec: str
    fps: float
    frame_count: int
    duration_s: float
    width: int
    height: int
    rotation: int
    size_bytes: int
    sha256: str
    #: The container's (or the stream's) ``creation_time`` tag as written, if any.
    creation_time: str | None = None


@dataclass(frozen=True)
class Detection:
    """One detected object in one analysed frame.

    ``box`` is ``(x1, y1, x2, y2)`` in pixels of the original frame; ``keypoints`` holds 17
    ``(x, y, confidence)`` triples in :data:`KEYPOINT_NAMES` order, or ``None`` for a model
    without pose output. ``track_id`` is ``None`` when the tracker did not confirm the object.
    """

    frame_idx: int
    t_s: float
    track_id: int | None
    class_id: int
    class_name: str
    score: float
    box: tuple[float, float, float, float]
    keypoints: tuple[tuple[float, float, float], ...] | None = None


@dataclass(frozen=True)
class Event:
    """Something that happened in a video, derived from tracks by the rules."""

    event_type: str
    start_s: float
    end_s: float
    track_id: int | None
    zone: str | None
    confidence: float
    description: str
    attributes: dict[str, Any] = field(default_factory=dict)
    #: Frame index to draw as the highlight (None: the event gets no highlight frame).
    key_frame_idx: int | None = None


@dataclass(frozen=True)
class TrackSummary:
    """One row of the ``tracks`` table."""

    track_id: int
    class_name: str
    first_s: float
    last_s: float
    n_frames: int
    mean_score: float
