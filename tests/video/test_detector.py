"""The real yolo11n-pose model: people and keypoints on bus.jpg, persistent tracks on the sample."""

from __future__ import annotations

import importlib.util
from collections import Counter, defaultdict
from pathlib import Path

import cv2
import numpy as np
import pytest

from deepsentinel_pipelines.video.decode import iter_frame_batches
from deepsentinel_pipelines.video.inference import PoseModel
from deepsentinel_pipelines.video.runtime import resolve_device
from deepsentinel_pipelines.video.tracking import Tracker
from deepsentinel_pipelines.video.types import KEYPOINT_NAMES, Detection
from deepsentinel_pipelines.video.weights import DEFAULT_WEIGHTS, resolve_weights
from tests import media

#: Smaller than the production default (1280) to keep the CPU run short; 960 still finds
#: about three people per frame on the sample.
TEST_IMGSZ = 960
BATCH = 4


def _ultralytics_asset(name: str) -> Path:
    spec = importlib.util.find_spec("ultralytics")
    assert spec is not None and spec.submodule_search_locations
    return Path(spec.submodule_search_locations[0]) / "assets" / name


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> PoseModel:
    weights = resolve_weights(DEFAULT_WEIGHTS, tmp_path_factory.mktemp("weights"))
    return PoseModel(weights, imgsz=TEST_IMGSZ)


def test_resolve_device() -> None:
    assert resolve_device("cpu") == "cpu"
    assert resolve_device("cuda:1") == "cuda:1"
    assert resolve_device(None) in {"cpu", "cuda"}
    assert resolve_device("auto") == resolve_device(None)


@pytest.mark.slow
def test_people_and_keypoints_on_bus_jpg(model: PoseModel) -> None:
    image = cv2.imread(str(_ultralytics_asset("bus.jpg")))
    h, w = image.shape[:2]

    (found,) = model.detect([image], frame_indices=[7], timestamps_s=[0.7])

    # Three people in full view, one cut by the left edge of the picture.
    confident = [d for d in found if d.score >= 0.8]
    assert len(confident) >= 3, found
    for d in found:
        assert (d.class_id, d.class_name, d.track_id) == (0, "person", None)
        assert (d.frame_idx, d.t_s) == (7, 0.7)
        x1, y1, x2, y2 = d.box
        assert 0 <= x1 < x2 <= w and 0 <= y1 < y2 <= h
        assert d.keypoints is not None and len(d.keypoints) == len(KEYPOINT_NAMES)
    for d in confident:  # the visible joints of a person in full view lie on that person
        x1, y1, x2, y2 = d.box
        visible = [(x, y) for x, y, c in d.keypoints if c > 0.5]
        assert len(visible) >= 6
        inside = [x1 - 10 <= x <= x2 + 10 and y1 - 10 <= y <= y2 + 10 for x, y in visible]
        assert sum(inside) >= 0.9 * len(visible)


@pytest.mark.slow
def test_fast_inference_matches_stock_ultralytics_predict(model: PoseModel) -> None:
    batch = next(iter(iter_frame_batches(media.SAMPLE, 10.0, 2, start_s=20.0)))
    bus = cv2.imread(str(_ultralytics_asset("bus.jpg")))
    frames = [*batch.frames, bus]  # two sizes: one forward pass per size

    ours = model.infer(frames)
    stock = model.predict(batch.frames) + model.predict([bus])

    for (boxes, kpts), result in zip(ours, stock, strict=True):
        ref = result.boxes.data.float().cpu().numpy()
        ref_kpts = result.keypoints.data.float().cpu().numpy()
        assert kpts is not None
        if not model.is_cuda:  # same OpenCV letterbox and NMS: identical
            np.testing.assert_allclose(boxes, ref[:, [0, 1, 2, 3, 4, 5]], atol=1e-4)
            np.testing.assert_allclose(kpts, ref_kpts, atol=1e-3)
            continue
        # On CUDA the resize runs on the GPU: every confident stock box has a close twin.
        for k in np.flatnonzero(ref[:, 4] >= 0.5):
            err = np.abs(boxes[:, :4] - ref[k, :4]).max(axis=1)
            j = int(err.argmin())
            assert err[j] <= 3.0, (ref[k], boxes)
            assert abs(boxes[j, 4] - ref[k, 4]) <= 0.05
            visible = ref_kpts[k, :, 2] > 0.5
            if visible.any():
                assert np.abs(kpts[j, visible, :2] - ref_kpts[k, visible, :2]).max() <= 6.0


@pytest.mark.slow
def test_track_ids_persist_on_a_10s_cut(model: PoseModel) -> None:
    from ultralytics.utils import ONLINE

    tracker = Tracker(model.infer, model.names)
    progress: list[tuple[int, int, float]] = []
    frames: list[list[Detection]] = []
    first = iter_frame_batches(media.SAMPLE, 10.0, BATCH, start_s=20.0, end_s=25.0)
    second = iter_frame_batches(media.SAMPLE, 10.0, BATCH, start_s=25.0, end_s=30.0)
    frames += tracker.track_batches(first, lambda *a: progress.append(a))
    frames += tracker.track_batches(second, reset=False)  # one video fed in two calls

    assert ONLINE is False, "ultralytics must run offline"
    assert len(frames) == 100  # one list per analysed frame, empty frames included
    assert [p[0] for p in progress] == [min(BATCH * (i + 1), 50) for i in range(len(progress))]
    assert progress[-1][:2] == (50, 50)
    assert all(b[2] >= a[2] for a, b in zip(progress, progress[1:], strict=False))

    dets = [d for frame in frames for d in frame]
    for i, frame in enumerate(frames):
        assert all(d.frame_idx == 200 + i for d in frame)
        assert all(d.t_s == pytest.approx((200 + i) / 10) for d in frame)
        ids = [d.track_id for d in frame if d.track_id is not None]
        assert len(ids) == len(set(ids)), "one id per person per frame"

    tracked = [d for d in dets if d.track_id is not None]
    per_id = Counter(d.track_id for d in tracked)
    span: dict[int, list[int]] = defaultdict(list)
    for d in tracked:
        span[d.track_id].append(d.frame_idx)

    assert len(dets) >= 150, f"only {len(dets)} detections in 100 frames"
    assert len(tracked) >= 0.8 * len(dets)
    assert len(per_id) <= len(dets) / 10, per_id
    long_lived = sum(n for n in per_id.values() if n >= 5)
    assert long_lived >= 0.9 * len(tracked), per_id
    assert max(max(f) - min(f) for f in span.values()) > 10 * BATCH, "tracks cross batches"
    assert any(min(f) < 250 <= max(f) for f in span.values()), "tracks continue across calls"
