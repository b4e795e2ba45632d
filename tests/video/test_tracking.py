"""ByteTrack and the motion gate driven by canned detector outputs: no weights, no model.

The inference callable answers each frame with boxes written here by hand, and records which
frames it was asked about, so ids, gaps, weak boxes and skipped frames are checked exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from deepsentinel_pipelines.video.motion import MotionGate
from deepsentinel_pipelines.video.tracking import FrameOutput, Tracker

FPS = 10.0
NAMES = {0: "person"}
#: A grey, still scene; every frame is its own copy so the canned detector can tell them apart.
SCENE = np.full((240, 320, 3), 120, np.uint8)


def _people(*boxes: tuple[float, float, float, float, float]) -> FrameOutput:
    """One frame's output: ``(x1, y1, x2, y2, score)`` people, no keypoints."""
    rows = [[*box, 0.0] for box in boxes]
    return np.array(rows, np.float32).reshape(-1, 6), None


class CannedDetector:
    """Answers each frame with its scripted output and logs the frames it ran on."""

    def __init__(self, outputs: Sequence[FrameOutput]) -> None:
        self.frames = [SCENE.copy() for _ in outputs]
        self._number = {id(f): i for i, f in enumerate(self.frames)}
        self._outputs = outputs
        self.ran: list[int] = []

    def __call__(self, frames: Sequence[np.ndarray]) -> list[FrameOutput]:
        numbers = [self._number[id(f)] for f in frames]
        self.ran += numbers
        return [self._outputs[i] for i in numbers]

    def batches(self, start: int = 0, end: int | None = None, size: int = 4):
        stop = len(self.frames) if end is None else end
        for b in range(start, stop, size):
            idx = list(range(b, min(b + size, stop)))
            yield idx, [i / FPS for i in idx], [self.frames[i] for i in idx]


def _ids(frames: list[list]) -> list[list[int | None]]:
    return [[d.track_id for d in frame] for frame in frames]


def test_two_people_walking_right_keep_their_ids() -> None:
    outputs = [
        _people((20 + 4 * i, 50, 60 + 4 * i, 150, 0.9), (160 + 4 * i, 60, 200 + 4 * i, 160, 0.8))
        for i in range(20)
    ]
    detector = CannedDetector(outputs)

    frames = list(Tracker(detector, NAMES).track_batches(detector.batches(), fps_analysed=FPS))

    assert _ids(frames) == [[1, 2]] * 20
    last = frames[19]
    assert [d.box for d in last] == [(96.0, 50.0, 136.0, 150.0), (236.0, 60.0, 276.0, 160.0)]
    assert [(d.frame_idx, d.t_s, d.class_name, d.score) for d in last] == [
        (19, 1.9, "person", 0.9),
        (19, 1.9, "person", 0.8),
    ]
    assert detector.ran == list(range(20))


@pytest.mark.parametrize(
    ("gap", "id_after"),
    [
        (10, 1),  # 1 s unseen: within the 3 s buffer, the same person
        (40, 2),  # 4 s unseen: the lost track was dropped, a new id
    ],
)
def test_a_person_unseen_for_less_than_the_buffer_keeps_the_id(gap: int, id_after: int) -> None:
    def at(i: int) -> FrameOutput:
        return _people((20 + 2 * i, 50, 60 + 2 * i, 150, 0.9))

    outputs = [at(i) for i in range(10)] + [_people()] * gap + [at(10 + gap + i) for i in range(5)]
    detector = CannedDetector(outputs)

    frames = list(Tracker(detector, NAMES).track_batches(detector.batches(), fps_analysed=FPS))

    assert _ids(frames[:10]) == [[1]] * 10
    assert _ids(frames[10 : 10 + gap]) == [[]] * gap
    back = _ids(frames[10 + gap :])
    if id_after == 1:
        assert back == [[1]] * 5
    else:  # a new track is unconfirmed on its first frame
        assert back == [[None]] + [[id_after]] * 4


def test_weak_boxes_count_only_when_they_continue_a_track() -> None:
    strong = [_people((100, 50, 140, 150, 0.9)) for _ in range(5)]
    # The person fades to 0.15 (under the 0.25 threshold); a stray 0.15 box appears elsewhere.
    weak = [_people((100, 50, 140, 150, 0.15), (250, 20, 290, 120, 0.15)) for _ in range(3)]
    detector = CannedDetector(strong + weak)

    frames = list(Tracker(detector, NAMES).track_batches(detector.batches(), fps_analysed=FPS))

    assert _ids(frames) == [[1]] * 8
    assert [d.score for d in frames[7]] == [0.15]
    assert frames[7][0].box == (100.0, 50.0, 140.0, 150.0)


def test_the_gate_runs_the_detector_once_a_second_on_an_empty_still_scene() -> None:
    detector = CannedDetector([_people()] * 25)
    tracker = Tracker(detector, NAMES, motion_gate=MotionGate())

    frames = list(tracker.track_batches(detector.batches(), fps_analysed=FPS))

    assert detector.ran == [0, 10, 20]  # keyframes at 0, 1 and 2 s
    assert frames == [[]] * 25, "skipped frames have no detections"
    assert (tracker.frames_detected, tracker.frames_skipped) == (3, 22)


def test_the_gate_stays_open_while_a_track_is_alive() -> None:
    # A person stands still for the first second, then leaves a still scene.
    outputs = [_people((100, 50, 140, 150, 0.9))] * 10 + [_people()] * 50
    detector = CannedDetector(outputs)
    tracker = Tracker(detector, NAMES, motion_gate=MotionGate())

    frames = list(tracker.track_batches(detector.batches(), fps_analysed=FPS))

    # Frames 0-9 see the person; 10-40 look for the lost track until its 3 s buffer
    # (30 frames after frame 10) runs out, which happens on frame 40; frames 41-43 finish that
    # batch in the same pass. Then the still scene gets a keyframe a second after frame 43.
    assert detector.ran == [*range(44), 53]
    assert _ids(frames[:10]) == [[1]] * 10
    assert frames[10:] == [[]] * 50
    assert (tracker.frames_detected, tracker.frames_skipped) == (45, 15)


def test_a_moving_scene_runs_the_detector_on_every_frame() -> None:
    detector = CannedDetector([_people()] * 12)
    for i, frame in enumerate(detector.frames):  # a dark block slides across; nobody found
        frame[100:140, 10 * i : 10 * i + 30] = 20
    tracker = Tracker(detector, NAMES, motion_gate=MotionGate())

    list(tracker.track_batches(detector.batches(), fps_analysed=FPS))

    assert detector.ran == list(range(12))
    assert tracker.frames_skipped == 0


def test_tracking_resumed_from_a_state_gives_the_ids_of_one_pass() -> None:
    # Two people walk right; the second stops at x=176 and stands there.
    outputs = [
        _people(
            (20 + 4 * i, 50, 60 + 4 * i, 150, 0.9),
            (160 + 4 * min(i, 4), 60, 200 + 4 * min(i, 4), 160, 0.8),
        )
        for i in range(16)
    ]
    detector = CannedDetector(outputs)
    whole = list(Tracker(detector, NAMES).track_batches(detector.batches(), fps_analysed=FPS))

    first = Tracker(detector, NAMES)
    head = list(first.track_batches(detector.batches(0, 8), fps_analysed=FPS))
    second = Tracker(detector, NAMES)  # another process: only the bytes carry over
    second.resume_tracking(first.tracking_state())
    tail = list(second.track_batches(detector.batches(8), fps_analysed=FPS, reset=False))

    assert _ids(whole) == [[1, 2]] * 16
    assert head + tail == whole
