"""OpenVINO backends: the accuracy guard against torch fp32, and the build cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepsentinel_pipelines.assets.code_versions import detections_code_version
from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.ingest.video_cache import cache_root
from deepsentinel_pipelines.settings import Settings
from deepsentinel_pipelines.video import openvino_model
from deepsentinel_pipelines.video.decode import iter_frame_batches
from deepsentinel_pipelines.video.defaults import DEFAULT_IMGSZ
from deepsentinel_pipelines.video.inference import PoseModel
from deepsentinel_pipelines.video.openvino_model import (
    ModelCache,
    openvino_builder,
    resolve_backend,
)
from deepsentinel_pipelines.video.tracking import DEFAULT_CONF
from deepsentinel_pipelines.video.weights import DEFAULT_WEIGHTS, resolve_weights
from tests import media

#: The guard compares on 4 s of the busiest stretch of the sample at 5 fps (20 frames, ~110
#: people): small, distant people there are the first that quantization loses.
GUARD_START_S, GUARD_END_S, GUARD_FPS = 20.0, 24.0, 5.0
#: People are counted over the whole sample at one frame every 2 s (40 frames, ~220 people).
COUNT_FPS = 0.5


@pytest.mark.parametrize(
    ("backend", "device", "expected"),
    [
        ("auto", "cpu", "openvino-int8"),
        ("auto", "cuda", "torch"),
        ("auto", "cuda:1", "torch"),
        ("openvino", "cpu", "openvino"),
        ("torch", "cpu", "torch"),
        ("torch", "cuda", "torch"),
    ],
)
def test_backend_choice(backend: str, device: str, expected: str) -> None:
    assert resolve_backend(backend, device) == expected


@pytest.mark.parametrize(("backend", "device"), [("tensorrt", "cpu"), ("openvino-int8", "cuda")])
def test_backend_choice_rejects(backend: str, device: str) -> None:
    with pytest.raises(ValueError, match=backend):
        resolve_backend(backend, device)


def test_the_detections_code_version_names_what_each_backend_runs(monkeypatch) -> None:
    versions = {
        b: detections_code_version("yolo11n-pose.pt", 1280, b)
        for b in ("auto", "torch", "openvino", "openvino-int8")
    }
    assert len(set(versions.values())) == 4
    # `auto` names its choice on each device, so switching the CPU default is a new version.
    assert versions["auto"].endswith("-auto-cpu:openvino-int8-histogram-cuda:torch")
    # A new INT8 recipe (another build key) marks the analysed partitions stale.
    monkeypatch.setitem(openvino_model.BUILD_NAMES, "openvino-int8", "openvino-int8-newrecipe")
    assert detections_code_version("yolo11n-pose.pt", 1280, "auto") != versions["auto"]
    assert (
        detections_code_version("yolo11n-pose.pt", 1280, "openvino-int8")
        != versions["openvino-int8"]
    )


def _fake_build(calls: list[Path], weights: bytes = b"w" * 64):
    def build(dest: Path) -> None:
        calls.append(dest)
        (dest / "model.xml").write_text("<net/>")
        (dest / "model.bin").write_bytes(weights)

    return build


def test_model_cache_reuses_shares_and_rebuilds_damage(
    settings: Settings, tmp_path: Path, unique_id: str
) -> None:
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    bucket, key = settings.models_bucket, f"openvino/test-{unique_id}/960x1280-openvino-int8"
    calls: list[Path] = []
    first = ModelCache(tmp_path / "a", s3, bucket)

    xml = first.get(key, _fake_build(calls))
    assert len(calls) == 1 and xml.read_text() == "<net/>"
    assert first.get(key, _fake_build(calls)) == xml and len(calls) == 1  # local hit

    (xml.parent / "model.bin").write_bytes(b"truncated")  # damaged locally: S3 copy restores
    first.get(key, _fake_build(calls))
    assert len(calls) == 1 and (xml.parent / "model.bin").read_bytes() == b"w" * 64

    other = ModelCache(tmp_path / "b", s3, bucket)  # another worker: fetched, not built
    assert other.get(key, _fake_build(calls)).read_text() == "<net/>" and len(calls) == 1

    s3.put_object(Bucket=bucket, Key=f"{key}/model.bin", Body=b"garbage")  # damaged in S3
    third = ModelCache(tmp_path / "c", s3, bucket)
    third.get(key, _fake_build(calls))
    assert len(calls) == 2, "a damaged remote copy is rebuilt"
    body = s3.get_object(Bucket=bucket, Key=f"{key}/model.bin")["Body"].read()
    assert body == b"w" * 64, "and the rebuilt copy replaces it"


def _match(ref: np.ndarray, other: np.ndarray) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs (ref row, other row) with IoU >= 0.5, best first."""
    if not len(ref) or not len(other):
        return []
    x1 = np.maximum(ref[:, None, 0], other[None, :, 0])
    y1 = np.maximum(ref[:, None, 1], other[None, :, 1])
    x2 = np.minimum(ref[:, None, 2], other[None, :, 2])
    y2 = np.minimum(ref[:, None, 3], other[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area = (ref[:, 2] - ref[:, 0]) * (ref[:, 3] - ref[:, 1])
    area_o = (other[:, 2] - other[:, 0]) * (other[:, 3] - other[:, 1])
    iou = inter / (area[:, None] + area_o[None, :] - inter)
    pairs = []
    for flat in np.argsort(-iou, axis=None):
        i, j = np.unravel_index(flat, iou.shape)
        if iou[i, j] < 0.5:
            break
        if all(i != a and j != b for a, b in pairs):
            pairs.append((int(i), int(j)))
    return pairs


def _frames(fps: float, start_s: float = 0.0, end_s: float | None = None) -> list[np.ndarray]:
    batches = iter_frame_batches(media.SAMPLE, fps, 4, start_s=start_s, end_s=end_s)
    return [frame for batch in batches for frame in batch.frames]


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory):
    return resolve_weights(DEFAULT_WEIGHTS, tmp_path_factory.mktemp("weights"))


def _model(weights, backend: str) -> PoseModel:
    if backend == "torch":
        return PoseModel(weights, device="cpu", imgsz=DEFAULT_IMGSZ)
    # The same cache as the detections asset's in this test session: one build per session.
    provider = openvino_builder(
        weights, backend, ModelCache(cache_root() / "weights"), media.SAMPLE
    )
    return PoseModel(
        weights, device="cpu", imgsz=DEFAULT_IMGSZ, backend=backend, openvino_model=provider
    )


def _people(found) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each frame's (boxes, keypoints) scored at or above the detector's threshold."""
    return [
        (boxes[boxes[:, 4] >= DEFAULT_CONF], kpts[boxes[:, 4] >= DEFAULT_CONF])
        for boxes, kpts in found
    ]


@pytest.fixture(scope="module")
def guard_reference(weights):
    frames = _frames(GUARD_FPS, GUARD_START_S, GUARD_END_S)
    return frames, _people(_model(weights, "torch").infer(frames))


@pytest.fixture(scope="module")
def count_reference(weights):
    frames = _frames(COUNT_FPS)
    return frames, _people(_model(weights, "torch").infer(frames))


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["openvino", "openvino-int8"])
def test_openvino_finds_the_people_torch_fp32_finds(weights, guard_reference, backend) -> None:
    """>= 97% of torch's people matched on the busiest stretch, keypoints within 3 px."""
    frames, reference = guard_reference

    found = _people(_model(weights, backend).infer(frames))

    people = matched = 0
    kpt_errors = []
    for (ref_boxes, ref_kpts), (boxes, kpts) in zip(reference, found, strict=True):
        people += len(ref_boxes)
        pairs = _match(ref_boxes, boxes)
        matched += len(pairs)
        for i, j in pairs:
            visible = (ref_kpts[i, :, 2] > 0.5) & (kpts[j, :, 2] > 0.5)
            if visible.any():
                kpt_errors.append(np.abs(ref_kpts[i, visible, :2] - kpts[j, visible, :2]).max())
    assert people >= 5 * len(frames), "the sample is a busy plaza"
    assert matched >= 0.97 * people, f"{backend}: {matched}/{people} of torch's people matched"
    assert np.median(kpt_errors) <= 3.0, f"{backend}: keypoints off by {np.median(kpt_errors)}"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["openvino", "openvino-int8"])
def test_openvino_counts_the_people_torch_fp32_counts(weights, count_reference, backend) -> None:
    """People per frame over the whole sample within 3% of torch fp32's."""
    frames, reference = count_reference

    found = _people(_model(weights, backend).infer(frames))

    people = sum(len(boxes) for boxes, _ in reference)
    people_found = sum(len(boxes) for boxes, _ in found)
    assert people >= 3 * len(frames), "the sample is a busy plaza"
    assert abs(people_found - people) <= 0.03 * people, f"{backend}: {people_found} vs {people}"
