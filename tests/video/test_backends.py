"""OpenVINO backends: the accuracy guard against torch fp32, and the build cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deepsentinel_pipelines.aws_clients import make_client
from deepsentinel_pipelines.settings import Settings
from deepsentinel_pipelines.video.decode import iter_frame_batches
from deepsentinel_pipelines.video.detector import DEFAULT_CONF, DEFAULT_IMGSZ, PoseTracker
from deepsentinel_pipelines.video.openvino_model import (
    ModelCache,
    openvino_builder,
    resolve_backend,
)
from deepsentinel_pipelines.video.weights import DEFAULT_WEIGHTS, resolve_weights
from deepsentinel_pipelines.video_cache import cache_root
from tests import media

#: The guard compares on 4 s of the busiest stretch of the sample at 5 fps (20 frames, ~110
#: people): small, distant people there are the first that quantization loses.
GUARD_START_S, GUARD_END_S, GUARD_FPS = 20.0, 24.0, 5.0


@pytest.mark.parametrize(
    ("backend", "device", "expected"),
    [
        ("auto", "cpu", "openvino"),
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


@pytest.fixture(scope="module")
def torch_reference(tmp_path_factory: pytest.TempPathFactory):
    weights = resolve_weights(DEFAULT_WEIGHTS, tmp_path_factory.mktemp("weights"))
    stretch = iter_frame_batches(
        media.SAMPLE, GUARD_FPS, 4, start_s=GUARD_START_S, end_s=GUARD_END_S
    )
    frames = [frame for batch in stretch for frame in batch.frames]
    reference = PoseTracker(weights, device="cpu", imgsz=DEFAULT_IMGSZ).infer(frames)
    return weights, frames, reference


INT8_LOSES_PEOPLE = pytest.mark.xfail(
    strict=True,
    reason="NNCF PTQ INT8 finds ~91% of torch's people on this stretch, so auto picks fp32; "
    "if this starts passing, INT8 may become the CPU default",
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "backend", ["openvino", pytest.param("openvino-int8", marks=INT8_LOSES_PEOPLE)]
)
def test_openvino_finds_the_people_torch_fp32_finds(torch_reference, backend: str) -> None:
    weights, frames, reference = torch_reference
    # The same cache as the detections asset's in this test session: one build per session.
    cache = ModelCache(cache_root() / "weights")
    provider = openvino_builder(weights, backend, cache, media.SAMPLE)
    tracker = PoseTracker(
        weights, device="cpu", imgsz=DEFAULT_IMGSZ, backend=backend, openvino_model=provider
    )

    found = tracker.infer(frames)

    people = matched = 0
    people_ov = 0
    kpt_errors = []
    for (ref_boxes, ref_kpts), (boxes, kpts) in zip(reference, found, strict=True):
        ref_keep, keep = ref_boxes[:, 4] >= DEFAULT_CONF, boxes[:, 4] >= DEFAULT_CONF
        ref_boxes, ref_kpts, boxes, kpts = (
            ref_boxes[ref_keep],
            ref_kpts[ref_keep],
            boxes[keep],
            kpts[keep],
        )
        people += len(ref_boxes)
        people_ov += len(boxes)
        pairs = _match(ref_boxes, boxes)
        matched += len(pairs)
        for i, j in pairs:
            visible = (ref_kpts[i, :, 2] > 0.5) & (kpts[j, :, 2] > 0.5)
            if visible.any():
                kpt_errors.append(np.abs(ref_kpts[i, visible, :2] - kpts[j, visible, :2]).max())
    assert people >= 5 * len(frames), "the sample is a busy plaza"
    assert matched >= 0.97 * people, f"{backend}: {matched}/{people} of torch's people matched"
    assert abs(people_ov - people) <= 0.03 * people, f"{backend}: {people_ov} vs {people} people"
    assert np.median(kpt_errors) <= 3.0, f"{backend}: keypoints off by {np.median(kpt_errors)}"
