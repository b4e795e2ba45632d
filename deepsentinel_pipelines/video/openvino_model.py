"""OpenVINO builds of the pose model (fp32, or INT8 by NNCF), cached locally and in S3, and run.

A build is ultralytics' own OpenVINO export of the ``.pt`` weights at one fixed input size;
the INT8 variant is then quantized by NNCF post-training quantization on a few letterboxed
frames, with activation ranges from histograms and the head's decode and the stem convolution
left in fp32 (see :func:`export_model` and :func:`_fp32_scope`). A build is keyed by the weights'
sha256, the input size and the backend's recipe, so a worker that finds it in the models bucket
skips the build (~40 s for INT8 on two cores).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from deepsentinel_pipelines.video.decode import FrameBatches, read_frames_at
from deepsentinel_pipelines.video.weights import sha256_file

logger = logging.getLogger(__name__)

#: Backends of :class:`~deepsentinel_pipelines.video.inference.PoseModel`.
BACKENDS = ("torch", "openvino", "openvino-int8")
#: Calibration frames for INT8, spread over the video. 16, 32 and 64 each keep all 113 of torch's
#: people on the guard stretch; collecting histogram statistics costs ~1.6 s a frame on two cores,
#: so 16 makes the first-use build ~25 s shorter than 32.
CALIBRATION_FRAMES = 16
#: The last part of a build's key per backend. The INT8 one names its recipe, so builds made
#: with the earlier one (mean min/max activation ranges, which lost distant people) are not reused.
BUILD_NAMES = {"openvino": "openvino", "openvino-int8": "openvino-int8-histogram"}
#: Requests in flight: one infers while the next frame is letterboxed.
ASYNC_REQUESTS = 2
MODEL_FILES = ("model.xml", "model.bin")
MANIFEST = "manifest.json"

#: Letterboxes one BGR frame into the model's (1, 3, H, W) float32 RGB input in [0, 1].
Preprocess = Callable[[np.ndarray], np.ndarray]


def resolve_backend(backend: str, device: str) -> str:
    """Pick the backend: ``auto`` is ``openvino-int8`` on CPU and ``torch`` (fp16) on CUDA.

    INT8 finds the people torch fp32 finds: on 4 s of the sample's busiest stretch it matches
    113 of torch's 113 people (the accuracy guard in ``tests/video/test_backends.py``), at ~1.5x
    the frames/s of OpenVINO fp32 on two cores.

    Raises:
        ValueError: Unknown backend, or an OpenVINO backend asked for on a CUDA device.
    """
    is_cuda = device.startswith("cuda")
    if backend in ("", "auto"):
        return "torch" if is_cuda else "openvino-int8"
    if backend not in BACKENDS:
        raise ValueError(f"detector backend must be auto or one of {BACKENDS}, not {backend!r}")
    if is_cuda and backend != "torch":
        raise ValueError(f"backend {backend!r} runs on the CPU; use device=cpu or backend=torch")
    return backend


def backend_recipe(backend: str) -> str:
    """The configured backend as a code version names it: what it runs, and by which recipe.

    No device is probed (on CUDA that means importing torch when the definitions load), so
    ``auto`` names its choice on each device: a change of either choice, or of the INT8 recipe,
    is a new version and marks analysed partitions stale.
    """
    if backend in ("", "auto"):
        cpu, cuda = resolve_backend(backend, "cpu"), resolve_backend(backend, "cuda")
        return f"auto-cpu:{backend_recipe(cpu)}-cuda:{backend_recipe(cuda)}"
    return BUILD_NAMES.get(backend, backend)


def build_key(weights_sha256: str, input_hw: tuple[int, int], backend: str) -> str:
    """Folder / S3 prefix of one build: ``openvino/<sha256>/<H>x<W>-<build name>``."""
    return f"openvino/{weights_sha256}/{input_hw[0]}x{input_hw[1]}-{BUILD_NAMES[backend]}"


def _manifest_ok(folder: Path) -> bool:
    """True when every model file is present and matches the digest its manifest records."""
    try:
        digests = json.loads((folder / MANIFEST).read_text())["sha256"]
        return all(sha256_file(folder / name) == digests[name] for name in MODEL_FILES)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def export_model(
    weights: Path,
    input_hw: tuple[int, int],
    dest: Path,
    calibration: Sequence[np.ndarray] | None = None,
) -> Path:
    """Export ``weights`` with ultralytics at ``input_hw``, quantize if given frames, save to dest.

    Args:
        weights: The ``.pt`` file.
        input_hw: Model input (height, width), multiples of the stride.
        dest: Folder to write ``model.xml`` and ``model.bin`` into.
        calibration: Preprocessed inputs ``(1, 3, H, W)`` for INT8; ``None`` keeps fp32.

    Returns:
        ``dest``.
    """
    import nncf
    import openvino as ov
    from ultralytics import YOLO

    with tempfile.TemporaryDirectory(prefix="ds-export-") as tmp:
        # The exporter writes next to the weights; a copy keeps read-only package folders clean.
        local = Path(tmp) / weights.name
        shutil.copyfile(weights, local)
        # fp32 is the exporter's default (its `half` flag is deprecated and warns when given).
        exported = YOLO(str(local)).export(
            format="openvino", imgsz=list(input_hw), batch=1, verbose=False
        )
        model = ov.Core().read_model(str(Path(exported) / local.with_suffix(".xml").name))
        if calibration is not None:
            # NNCF logs a line per layer left in fp32 (~45) at INFO, to stdout; warnings stay.
            nncf.set_log_level(logging.WARNING)
            ranges = nncf.quantization.range_estimator.RangeEstimatorParametersSet
            model = nncf.quantize(
                model,
                nncf.Dataset(list(calibration)),
                preset=nncf.QuantizationPreset.MIXED,
                subset_size=len(calibration),
                ignored_scope=_fp32_scope(model, nncf),
                # Histogram-optimal activation ranges. NNCF's default (the mean of each frame's
                # min and max) lowered a distant person's score from ~0.27 to ~0.23, under the
                # threshold: 104 of torch's 113 people on the guard stretch, 113 with these.
                advanced_parameters=nncf.AdvancedQuantizationParameters(
                    activations_range_estimator_params=ranges.HISTOGRAM
                ),
            )
        dest.mkdir(parents=True, exist_ok=True)
        ov.save_model(model, str(dest / "model.xml"), compress_to_fp16=False)
    return dest


def _fp32_scope(model: Any, nncf: Any) -> Any:
    """Layers NNCF leaves in fp32: the head's decode, every Sigmoid and the stem convolution.

    The first two are ultralytics' own INT8 export choice; the stem sees raw pixels.
    On 12 sample frames at 1280 the head-only scope kept 63 of torch's 65 people (two scores
    of 0.27-0.28 fell under 0.25); with the stem in fp32 too it keeps 64, at the same speed.
    """
    ops = model.get_ordered_ops()
    sigmoids = [op.get_friendly_name() for op in ops if op.get_type_name() == "Sigmoid"]
    if not sigmoids:
        return None
    head = sigmoids[-1].split("/", 1)[0]
    stem = next(op.get_friendly_name() for op in ops if op.get_type_name() == "Convolution")
    names = [
        op.get_friendly_name()
        for op in ops
        if op.get_type_name() == "Sigmoid"
        or op.get_friendly_name().startswith((f"{head}/", f"{head}.dfl"))
    ]
    return nncf.IgnoredScope(names=[stem, *names])


def _install(staging: Path, folder: Path) -> None:
    """Move a complete build into place; a concurrent worker's valid build may win instead."""
    shutil.rmtree(folder, ignore_errors=True)
    try:
        os.replace(staging, folder)
    except OSError:
        if not _manifest_ok(folder):
            raise


class ModelCache:
    """OpenVINO builds under a local folder, mirrored to ``s3://bucket/<key>/`` when given.

    Args:
        root: Local cache folder.
        s3_client: A boto3 S3 client, or ``None`` for a local-only cache.
        bucket: The models bucket.
    """

    def __init__(self, root: Path, s3_client: Any | None = None, bucket: str | None = None):
        self.root = Path(root)
        self.s3 = s3_client if bucket else None
        self.bucket = bucket

    def get(self, key: str, build: Callable[[Path], Any]) -> Path:
        """Return the verified ``model.xml`` of ``key``: local, else from S3, else built.

        ``build(folder)`` writes ``model.xml`` and ``model.bin`` into ``folder``; the cache
        records their digests in a manifest.

        A damaged local or remote copy (missing file, digest mismatch) is rebuilt and
        re-published; a failing upload only costs the next worker a rebuild.
        """
        folder = self.root / key
        if _manifest_ok(folder):
            return folder / "model.xml"
        if self._download(key, folder):
            return folder / "model.xml"
        logger.info("building OpenVINO model %s", key)
        staging = Path(tempfile.mkdtemp(prefix=".build-", dir=self._ensure(folder.parent)))
        try:
            build(staging)
            digests = {name: sha256_file(staging / name) for name in MODEL_FILES}
            (staging / MANIFEST).write_text(json.dumps({"sha256": digests}))
            _install(staging, folder)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        self._upload(key, folder)
        return folder / "model.xml"

    @staticmethod
    def _ensure(folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _download(self, key: str, folder: Path) -> bool:
        if self.s3 is None:
            return False
        from botocore.exceptions import BotoCoreError, ClientError

        staging = Path(tempfile.mkdtemp(prefix=".fetch-", dir=self._ensure(folder.parent)))
        try:
            for name in (MANIFEST, *MODEL_FILES):
                self.s3.download_file(self.bucket, f"{key}/{name}", str(staging / name))
            if not _manifest_ok(staging):
                logger.warning("s3://%s/%s is damaged; rebuilding", self.bucket, key)
                return False
            _install(staging, folder)
            return True
        except (ClientError, BotoCoreError, OSError):
            return False
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    def _upload(self, key: str, folder: Path) -> None:
        if self.s3 is None:
            return
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            for name in (*MODEL_FILES, MANIFEST):  # manifest last: its presence means complete
                self.s3.upload_file(str(folder / name), self.bucket, f"{key}/{name}")
        except (ClientError, BotoCoreError, OSError) as e:
            logger.warning("could not publish %s to s3://%s (%s)", key, self.bucket, e)


class OpenVinoRunner:
    """A compiled OpenVINO model fed frame by frame through an async infer queue.

    While one request infers, the caller's thread letterboxes the next frame, so the
    preprocessing hides behind the model instead of adding to it.

    Args:
        model_xml: Path of the model.
        threads: CPU threads for inference (all the cores the process may use).
    """

    def __init__(self, model_xml: Path, threads: int) -> None:
        import openvino as ov
        import openvino.properties as props
        import openvino.properties.hint as hints

        core = ov.Core()
        self.compiled = core.compile_model(
            str(model_xml),
            "CPU",
            {
                hints.performance_mode: hints.PerformanceMode.LATENCY,
                props.inference_num_threads: threads,
                props.num_streams: 1,
            },
        )
        self.input_hw = tuple(int(d) for d in self.compiled.inputs[0].shape[2:4])
        self._queue = ov.AsyncInferQueue(self.compiled, ASYNC_REQUESTS)
        self._results: dict[int, np.ndarray] = {}
        self._queue.set_callback(self._collect)

    def _collect(self, request: Any, index: int) -> None:
        self._results[index] = request.get_output_tensor(0).data.copy()

    def run(self, frames: Sequence[np.ndarray], preprocess: Preprocess) -> np.ndarray:
        """Outputs for ``frames`` stacked on the batch axis, in order."""
        self._results.clear()
        for i, frame in enumerate(frames):
            self._queue.start_async({0: preprocess(frame)}, userdata=i)
        self._queue.wait_all()
        return np.concatenate([self._results[i] for i in range(len(frames))])


#: Given the fixed input (H, W) and the per-frame preprocess, returns the model's ``.xml``.
ModelProvider = Callable[[tuple[int, int], Preprocess], Path]


def openvino_builder(
    weights: Path,
    backend: str,
    cache: ModelCache,
    calibration_video: Path,
    calibration_frames: int = CALIBRATION_FRAMES,
) -> ModelProvider:
    """A :data:`ModelProvider` that finds ``backend``'s build of ``weights`` or makes it.

    Args:
        weights: The ``.pt`` file (its sha256 is part of the key).
        backend: ``openvino`` or ``openvino-int8``.
        cache: Where builds are kept.
        calibration_video: INT8 calibrates on frames spread over this video (the one being
            analysed, or the bundled sample).
        calibration_frames: How many frames to calibrate on.
    """
    digest = sha256_file(weights)

    def provide(input_hw: tuple[int, int], preprocess: Preprocess) -> Path:
        def build(dest: Path) -> Path:
            inputs = None
            if backend == "openvino-int8":
                frames = spread_frames(calibration_video, calibration_frames)
                inputs = [preprocess(f) for f in frames]
            return export_model(weights, input_hw, dest, inputs)

        return cache.get(build_key(digest, input_hw, backend), build)

    return provide


def spread_frames(video: Path, count: int) -> list[np.ndarray]:
    """``count`` frames evenly spread over ``video`` (fewer if it is shorter)."""
    total = round(FrameBatches(video, None).frames_total_estimate)
    step = max(1, total // max(1, count))
    found = read_frames_at(video, range(0, max(total, 1), step))
    return [found[k] for k in sorted(found)][:count]
