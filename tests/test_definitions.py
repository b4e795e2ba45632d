"""The one ``Definitions`` loaded in process: every name an operator sees, written out by hand."""

import json
import subprocess
import sys

import pytest
from dagster import AssetKey

from deepsentinel_pipelines.definitions import defs
from deepsentinel_pipelines.settings import REPO_ROOT

#: Every run worker and every step process loads the definitions first: these libraries cost
#: seconds of start-up there, and only a few steps (or only the cluster) need them.
LOADED_ON_USE = ["supervision", "scipy", "matplotlib", "dagster_aws", "dagster_k8s", "torch"]


@pytest.fixture(scope="module")
def repository():
    return defs.get_repository_def()


def test_asset_keys(repository):
    assert set(repository.asset_graph.get_all_asset_keys()) == {
        AssetKey(name)
        for name in [
            "raw_videos_bucket",
            "video_jobs_queue",
            "raw_video",
            "thumbnail",
            "detections",
            "person_attributes",
            "events",
            "highlights",
            "event_clips",
            "event_alerts",
            "occupancy",
            "embeddings",
            "video_summary",
            "current_analysis",
            "camera_day_footage",
            "camera_day_report",
        ]
    }


def test_asset_check_keys(repository):
    checks = {
        (key.asset_key.to_user_string(), key.name)
        for key in repository.asset_graph.asset_check_keys
    }
    assert checks == {
        ("raw_video", "duration_positive"),
        ("detections", "frames_cover_duration"),
        ("detections", "people_per_frame_usual"),
        ("highlights", "highlight_objects_exist"),
        ("event_clips", "clip_objects_exist"),
        ("embeddings", "every_event_embedded"),
    }


def test_job_names(repository):
    # __ASSET_JOB is Dagster's implicit job over every asset.
    assert {job.name for job in repository.get_all_jobs()} == {
        "__ASSET_JOB",
        "video_analysis_job",
        "rag_query_job",
        "retention_job",
        "camera_day_report_job",
    }


def test_sensor_names(repository):
    assert {sensor.name for sensor in repository.sensor_defs} == {
        "raw_videos_sensor",
        "raw_videos_reconciliation_sensor",
        "video_jobs_sqs_sensor",
        "queue_health_sensor",
        "run_failure_alert_sensor",
        "event_alert_retry_sensor",
        "rules_rederivation_sensor",
        "camera_day_reports_sensor",
    }


def test_camera_days_are_day_by_camera(repository):
    report = repository.assets_defs_by_key[AssetKey("camera_day_report")]
    dimensions = {d.name: d.partitions_def for d in report.partitions_def.partitions_defs}
    assert set(dimensions) == {"day", "camera"}
    assert dimensions["camera"].name == "cameras"  # registered by raw_video
    # The footage the report follows is partitioned the same way: one day maps to one report
    # (an unpartitioned stand-in once mapped a single day's footage to every report).
    footage = repository.asset_graph.get(AssetKey("camera_day_footage"))
    assert footage.partitions_def == report.partitions_def
    assert report.automation_conditions_by_key[report.key] is not None


def test_schedule_names(repository):
    assert {schedule.name for schedule in repository.schedule_defs} == {"retention_schedule"}


def test_resource_keys(repository):
    assert set(repository.get_top_level_resources()) == {
        "database",
        "object_store",
        "job_queue",
        "detector",
        "attribute_estimator",
        "embedder",
        "llm",
        "reranker",
        "event_webhook",
        "site",
        "result_io_manager",
    }


def test_loading_the_definitions_leaves_heavy_libraries_for_the_steps_that_use_them():
    probe = (
        "import json, sys, deepsentinel_pipelines.definitions; "
        f"print(json.dumps([m for m in {LOADED_ON_USE!r} if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_attribute_stage_without_a_model_is_shown_off_and_never_run(repository):
    # The tests configure no attribute model (DEEPSENTINEL_ATTRIBUTES_MODEL unset).
    node = repository.asset_graph.get(AssetKey("person_attributes"))
    assert not node.is_materializable  # so no partition of it reads as materialized
    assert node.tags["stage"] == "off" and node.description.startswith("Off. Person attributes")
    assert node.parent_keys == {AssetKey("detections")}
    job = repository.get_job("video_analysis_job")
    assert "person_attributes" not in {n.name for n in job.graph.nodes}
    assert "current_analysis" in {n.name for n in job.graph.nodes}
