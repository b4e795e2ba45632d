"""The optional attribute stage: off by default with its reason, on with a configured model."""

from __future__ import annotations

import psycopg
import pytest
import torch
from dagster import DagsterInstance, materialize

from deepsentinel_pipelines.assets.attributes import person_attributes
from deepsentinel_pipelines.db.detection_chunks import copy_detections, finish_detections
from deepsentinel_pipelines.db.video_rows import upsert_video
from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.resources.attributes import (
    DISABLED_REASON,
    DisabledAttributeEstimatorResource,
    TorchScriptAttributeEstimatorResource,
)
from deepsentinel_pipelines.runs.runner import upload_video
from deepsentinel_pipelines.settings import Settings, load_settings
from deepsentinel_pipelines.video.probe import probe_video
from deepsentinel_pipelines.video.types import Detection
from tests.media import cut_sample


class BrightnessAgeModel(torch.nn.Module):
    """Age = 100 x mean brightness of the crop; female when the crop is mostly red."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        age = x.mean(dim=(1, 2, 3)) * 100.0
        red = (x[:, 0].mean(dim=(1, 2)) > x[:, 2].mean(dim=(1, 2))).float()
        return torch.stack([age, red], dim=1)


@pytest.fixture()
def tracked_video(settings: Settings, tmp_path, unique_id):
    clip = cut_sample(tmp_path / "two seconds.mp4", 20.0, 2.0)
    video_id, _ = upload_video(clip, f"tests/{unique_id}/two seconds.mp4", "default")
    people = [
        Detection(frame, frame / 10, track, 0, "person", 0.9, box)
        for frame in (2, 4, 6)
        for track, box in ((1, (100.0, 100.0, 160.0, 260.0)), (2, (400.0, 200.0, 450.0, 330.0)))
    ]
    with psycopg.connect(settings.database_url) as conn:
        upsert_video(
            conn,
            video_id,
            settings.raw_videos_bucket,
            f"tests/{unique_id}/two seconds.mp4",
            "default",
            probe_video(clip),
        )
        copy_detections(conn, video_id, None, people)
        finish_detections(conn, video_id, None)
    return video_id


def _materialize(video_id: str, estimator) -> dict:
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("videos", [video_id])
    resources = build_resources(load_settings()) | {"attribute_estimator": estimator}
    result = materialize(
        [person_attributes], partition_key=video_id, resources=resources, instance=instance
    )
    assert result.success
    [materialization] = result.asset_materializations_for_node("person_attributes")
    return {k: v.value for k, v in materialization.metadata.items()}


def _attributes(settings: Settings, video_id: str) -> dict[int, dict]:
    with psycopg.connect(settings.database_url) as conn:
        return dict(
            conn.execute(
                "SELECT track_id, attributes FROM tracks WHERE video_id = %s", (video_id,)
            ).fetchall()
        )


def test_off_by_default_says_why_and_writes_nothing(settings: Settings, tracked_video):
    estimator = build_resources(load_settings())["attribute_estimator"]
    assert isinstance(estimator, DisabledAttributeEstimatorResource)
    metadata = _materialize(tracked_video, DisabledAttributeEstimatorResource())
    assert metadata["enabled"] is False and metadata["reason"] == DISABLED_REASON
    assert _attributes(settings, tracked_video) == {1: {}, 2: {}}


def test_a_configured_model_fills_track_attributes(
    settings: Settings, tracked_video, tmp_path, monkeypatch
):
    model_path = tmp_path / "age_gender.pt"
    torch.jit.script(BrightnessAgeModel()).save(str(model_path))
    monkeypatch.setenv("DEEPSENTINEL_ATTRIBUTES_MODEL", str(model_path))
    estimator = build_resources(load_settings())["attribute_estimator"]
    assert isinstance(estimator, TorchScriptAttributeEstimatorResource)  # a setting, not code
    metadata = _materialize(tracked_video, estimator)
    assert metadata["enabled"] is True and metadata["tracks"] == 2
    attributes = _attributes(settings, tracked_video)
    assert set(attributes) == {1, 2}
    for values in attributes.values():
        assert 0 < values["age"] < 100
        assert values["gender"] in ("female", "male")
    # The two people stand on different parts of the plaza: their crops differ.
    assert attributes[1]["age"] != attributes[2]["age"]
