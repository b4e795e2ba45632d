"""Motion gating: a still, empty scene costs few detector runs; a busy one loses nothing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepsentinel_pipelines.video.decode import iter_frame_batches
from deepsentinel_pipelines.video.inference import PoseModel
from deepsentinel_pipelines.video.motion import MotionGate
from deepsentinel_pipelines.video.tracking import Tracker
from deepsentinel_pipelines.video.weights import DEFAULT_WEIGHTS, resolve_weights
from tests import media


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return resolve_weights(DEFAULT_WEIGHTS, tmp_path_factory.mktemp("weights"))


@pytest.fixture(scope="module")
def still_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # 40 s at 10 fps; a blob crosses between 20 and 21.5 s.
    return media.static_scene(tmp_path_factory.mktemp("media") / "still.mp4")


def _scene(shift: int = 0) -> np.ndarray:
    frame = np.full((360, 640, 3), 120, np.uint8)
    frame[100:200, 300 + shift : 340 + shift] = 20
    return frame


@pytest.mark.parametrize(
    ("frames", "expected"),
    [
        # A still scene at 10 fps: the first frame, then one keyframe a second.
        ([(_scene(), i / 10) for i in range(21)], [0.0, 1.0, 2.0]),
        # Something moves at 0.5 s: every frame from there for the hold second, then keyframes.
        (
            [(_scene(0 if i < 5 else 30), i / 10) for i in range(21)],
            [0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4],
        ),
    ],
)
def test_gate_runs_the_detector_on_keyframes_and_motion(frames, expected) -> None:
    gate = MotionGate()
    ran = []
    for frame, t in frames:
        if gate.check(frame, t) is not None:
            gate.ran(frame, t)
            ran.append(t)
    assert ran == pytest.approx(expected)


@pytest.mark.slow
def test_still_scene_runs_the_detector_5x_less(weights: Path, still_clip: Path) -> None:
    model = PoseModel(weights, device="cpu", imgsz=320)
    tracker = Tracker(model.infer, model.names, motion_gate=MotionGate())
    batches = iter_frame_batches(still_clip, 10.0, 4)

    frames = list(tracker.track_batches(batches))

    assert len(frames) == 400
    assert not any(frames), "nothing in the scene is a person"
    assert tracker.frames_detected + tracker.frames_skipped == 400
    assert tracker.frames_detected * 5 <= 400, tracker.frames_detected
    assert tracker.frames_detected >= 40, "one keyframe a second, plus the blob's passage"


@pytest.mark.slow
def test_people_in_view_keep_every_frame_analysed(weights: Path) -> None:
    model = PoseModel(weights, device="cpu", imgsz=640)
    gated = Tracker(model.infer, model.names, motion_gate=MotionGate())
    plain = Tracker(model.infer, model.names)
    cut = iter_frame_batches(media.SAMPLE, 5.0, 4, start_s=20.0, end_s=24.0)

    with_gate = list(gated.track_batches(cut))
    without = list(plain.track_batches(cut))

    assert gated.frames_skipped == 0
    assert with_gate == without
