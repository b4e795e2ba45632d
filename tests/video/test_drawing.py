"""Highlight drawing on a synthetic frame, and JPEG encoding."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from deepsentinel_pipelines.video.camera_config import load_camera_config
from deepsentinel_pipelines.video.drawing import (
    KEYPOINT_MIN_CONF,
    LINE_BGR,
    ZONE_BGR,
    SceneOverlay,
    draw_highlight,
    draw_skeletons,
    encode_jpeg,
)
from deepsentinel_pipelines.video.types import Detection, Event

H, W = 360, 480
BOX = (200.0, 100.0, 280.0, 300.0)
OTHER_BOX = (40.0, 120.0, 100.0, 280.0)


def _keypoints(x1: float, y1: float, x2: float, y2: float) -> tuple:
    cx, h = (x1 + x2) / 2, y2 - y1
    rows = [(cx, y1 + 0.08 * h)] * 5  # head
    rows += [(cx + 25, y1 + 0.2 * h), (cx - 25, y1 + 0.2 * h)]  # shoulders
    rows += [(cx + 30, y1 + 0.35 * h), (cx - 30, y1 + 0.35 * h)]  # elbows
    rows += [(cx + 32, y1 + 0.5 * h), (cx - 32, y1 + 0.5 * h)]  # wrists
    rows += [(cx + 12, y1 + 0.5 * h), (cx - 12, y1 + 0.5 * h)]  # hips
    rows += [(cx + 12, y1 + 0.75 * h), (cx - 12, y1 + 0.75 * h)]  # knees
    rows += [(cx + 12, y1 + 0.97 * h), (cx - 12, y1 + 0.97 * h)]  # ankles
    return tuple((x, y, 0.9) for x, y in rows)


def _det(track_id: int | None, box: tuple, keypoints: bool = True) -> Detection:
    return Detection(
        frame_idx=25, t_s=65.0, track_id=track_id, class_id=0, class_name="person", score=0.9,
        box=box, keypoints=_keypoints(*box) if keypoints else None,
    )  # fmt: skip


def _event(event_type: str = "fall", track_id: int | None = 7) -> Event:
    return Event(event_type, 65.0, 70.0, track_id, None, 0.9, "Person 7 fell", key_frame_idx=25)


@pytest.fixture()
def frame() -> np.ndarray:
    return np.full((H, W, 3), 60, dtype=np.uint8)


def test_highlight_draws_the_event_track_emphasised(frame: np.ndarray) -> None:
    original = frame.copy()
    out = draw_highlight(frame, [_det(7, BOX), _det(3, OTHER_BOX, keypoints=False)], _event())
    assert out.shape == frame.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(frame, original)  # the input frame is not drawn on
    x1, y1, x2, y2 = (int(v) for v in BOX)
    # The emphasised box's edges are red (BGR) and the skeleton is drawn inside the box.
    assert tuple(out[(y1 + y2) // 2, x1]) == (0, 0, 255)
    assert tuple(out[y2, (x1 + x2) // 2]) == (0, 0, 255)
    inside = np.abs(out[y1 + 10 : y2 - 10, x1 + 10 : x2 - 10].astype(int) - 60).sum(axis=2)
    assert (inside > 0).sum() > 100
    # The other track is drawn too, but not in red.
    ox1, oy1, _, oy2 = (int(v) for v in OTHER_BOX)
    other = tuple(out[(oy1 + oy2) // 2, ox1])
    assert other != (60, 60, 60) and other != (0, 0, 255)
    # Far from every box the frame is untouched.
    np.testing.assert_array_equal(out[H - 20 :, W - 60 :], original[H - 20 :, W - 60 :])


def test_caption_names_event_and_time(frame: np.ndarray) -> None:
    out = draw_highlight(frame, [], _event("crowding", None))
    band = out[:24, :200]
    assert (band == 0).all(axis=2).sum() > 1000  # black caption band
    assert (band > 200).all(axis=2).sum() > 50  # white text on it
    np.testing.assert_array_equal(out[40:, :], frame[40:, :])
    # The caption text depends on the event: type and time.
    later = Event("crowding", 125.0, 130.0, None, None, 0.9, "Crowd", key_frame_idx=25)
    assert not np.array_equal(draw_highlight(frame, [], later)[:24], out[:24])
    assert not np.array_equal(draw_highlight(frame, [], _event("enter", None))[:24], out[:24])


def test_crowding_emphasises_everyone(frame: np.ndarray) -> None:
    out = draw_highlight(frame, [_det(1, BOX), _det(None, OTHER_BOX)], _event("crowding", None))
    for box in (BOX, OTHER_BOX):
        x1, y1, _, y2 = (int(v) for v in box)
        assert tuple(out[(y1 + y2) // 2, x1]) == (0, 0, 255)


def test_jpeg_round_trip(frame: np.ndarray) -> None:
    data = encode_jpeg(draw_highlight(frame, [_det(7, BOX)], _event()), quality=80)
    assert data[:2] == b"\xff\xd8"
    decoded = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (H, W, 3)
    assert encode_jpeg(frame, quality=30) != encode_jpeg(frame, quality=95)


def test_drawing_needs_no_network_or_font_file(frame: np.ndarray, monkeypatch) -> None:
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("drawing tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    out = draw_highlight(frame, [_det(7, BOX)], _event("loitering"))
    assert not np.array_equal(out, frame)


def test_skeletons_have_the_pixels_supervision_draws(frame: np.ndarray) -> None:
    """The OpenCV skeleton drawer matches supervision's Edge + Vertex annotators pixel for pixel.

    Hidden joints (low confidence), joints at the origin and NaN joints are left out by both.
    """
    import supervision as sv

    rng = np.random.default_rng(3)
    people = rng.uniform((0, 0, 0), (W, H, 1), size=(4, 17, 3)).astype(np.float32)
    people[0, 3] = (0, 0, 0.9)
    people[1, 5, :2] = np.nan
    assert 10 < (people[:, :, 2] < KEYPOINT_MIN_CONF).sum() < 60  # some joints hidden

    ours = frame.copy()
    draw_skeletons(ours, people.tolist(), (0, 0, 255), 2, 3)
    theirs = frame.copy()
    points = sv.KeyPoints(xy=people[:, :, :2], visible=people[:, :, 2] >= KEYPOINT_MIN_CONF)
    sv.EdgeAnnotator(color=sv.Color(255, 0, 0), thickness=2).annotate(theirs, points)
    sv.VertexAnnotator(color=sv.Color(255, 0, 0), radius=3).annotate(theirs, points)
    assert (ours != frame).any()
    assert np.array_equal(ours, theirs)


#: A zone on the left half and a vertical counting line drawn downwards at x = 360: its "in"
#: side (the left-hand side of start -> end as seen on screen) is the right, as in cameras.yaml.
OVERLAY = SceneOverlay(
    zones=(("door", ((20.0, 40.0), (160.0, 40.0), (160.0, 320.0), (20.0, 320.0))),),
    lines=(("path", (360.0, 60.0), (360.0, 300.0)),),
)


def _coloured(out: np.ndarray, bgr: tuple[int, int, int], tol: int = 40) -> np.ndarray:
    return (np.abs(out.astype(int) - np.array(bgr)).sum(axis=2) < tol).astype(np.uint8)


def test_zones_and_lines_are_drawn_with_the_side_called_in(frame: np.ndarray) -> None:
    out = draw_highlight(frame, [], _event("line_crossing", None), OVERLAY)
    zone = _coloured(out, ZONE_BGR)
    line = _coloured(out, LINE_BGR)
    # The zone's outline: its left edge (x = 20) and its bottom edge (y = 320), not its inside.
    assert zone[100:300, 18:23].sum() > 150 and zone[318:323, 40:140].sum() > 80
    assert zone[100:300, 60:120].sum() == 0
    # The line along x = 360, and the arrow from its middle towards the right (the "in" side).
    assert line[80:280, 358:363].sum() > 150
    assert line[175:185, 370:380].sum() > 0 and line[175:185, 335:350].sum() == 0


def test_the_events_own_zone_and_line_are_drawn_thicker(frame: np.ndarray) -> None:
    plain = draw_highlight(frame, [], _event("enter", None), OVERLAY)
    entering = Event("enter", 65.0, 66.0, None, "door", 0.9, "entered door")
    crossing = Event("line_crossing", 65.0, 65.0, 4, None, 0.9, "crossed", {"line": "path"})
    in_zone = draw_highlight(frame, [], entering, OVERLAY)
    on_line = draw_highlight(frame, [], crossing, OVERLAY)
    assert _coloured(in_zone, ZONE_BGR).sum() > 2 * _coloured(plain, ZONE_BGR).sum()
    assert _coloured(on_line, LINE_BGR).sum() > 1.3 * _coloured(plain, LINE_BGR).sum()


def test_the_implicit_whole_frame_zone_is_not_drawn() -> None:
    config = load_camera_config(None, "anywhere", W, H)
    assert SceneOverlay.of(config) == SceneOverlay()
