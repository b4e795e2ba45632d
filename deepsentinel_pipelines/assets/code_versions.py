"""Code versions of the assets: what, besides the code, decides their output (no Dagster).

Dagster marks a partition stale when the code version it was materialized with differs from the
asset's current one. ``detections`` changes with the model (weights, input size, backend and
its recipe); ``events`` and everything derived from them change with the camera rules file and
the rules; ``event_clips`` also with the default clip window.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from deepsentinel_pipelines.settings import Settings
from deepsentinel_pipelines.video.clips import DEFAULT_AFTER_S, DEFAULT_BEFORE_S, DEFAULT_MAX_CLIP_S
from deepsentinel_pipelines.video.openvino_model import backend_recipe
from deepsentinel_pipelines.video.weights import (
    WeightsNotFoundError,
    resolve_weights,
    sha256_file,
)

#: Bump when the event rules (video/events.py) derive different events from the same tracks.
RULES_VERSION = "1"
DIGEST_CHARS = 12


def weights_digest(spec: str) -> str:
    """sha256 of a local or packaged weights file; the URI itself for S3 weights.

    S3 weights are not fetched when the definitions load; a new model gets a new key (its
    ``.sha256`` sidecar is verified when the detections step downloads it).
    """
    if spec.startswith("s3://"):
        return hashlib.sha256(spec.encode()).hexdigest()
    try:
        return sha256_file(resolve_weights(spec, Path(".")))
    except WeightsNotFoundError:
        # The detections step reports the missing file with the ways to provide one.
        return hashlib.sha256(spec.encode()).hexdigest()


def detections_code_version(weights: str, imgsz: int, backend: str) -> str:
    """Weights digest, input size and inference backend with its recipe (``auto``: per device)."""
    return f"w{weights_digest(weights)[:DIGEST_CHARS]}-i{imgsz}-{backend_recipe(backend)}"


def rules_code_version(cameras_config: str | os.PathLike[str]) -> str:
    """The rules version and a digest of the camera rules file (zones, lines, thresholds)."""
    digest = hashlib.sha256(Path(cameras_config).read_bytes()).hexdigest()
    return f"r{RULES_VERSION}-c{digest[:DIGEST_CHARS]}"


def clips_code_version(cameras_config: str | os.PathLike[str]) -> str:
    """:func:`rules_code_version` and the default clip window (seconds before, after, longest)."""
    window = f"{DEFAULT_BEFORE_S:g}-{DEFAULT_AFTER_S:g}-{DEFAULT_MAX_CLIP_S:g}"
    return f"{rules_code_version(cameras_config)}-w{window}"


def code_versions(settings: Settings) -> dict[str, str]:
    """The code version of each asset that has one, by asset name (definitions.py applies them).

    Computed from the settings the definitions load once, not at each asset module's import.
    """
    rules = rules_code_version(settings.cameras_config)
    return {
        "detections": detections_code_version(
            settings.detector_weights, settings.detector_imgsz, settings.detector_backend
        ),
        "events": rules,
        "highlights": rules,
        "occupancy": rules,
        "event_alerts": rules,
        "embeddings": rules,
        "video_summary": rules,
        "event_clips": clips_code_version(settings.cameras_config),
    }
