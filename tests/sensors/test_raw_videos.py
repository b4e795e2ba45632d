"""`raw_videos_sensor` against the S3 emulator and a temporary Dagster instance."""

from __future__ import annotations

import json

import pytest
from dagster import DagsterInstance, SensorResult, build_sensor_context
from dagster._core.test_utils import create_run_for_test

from deepsentinel_pipelines.ingest.cursor import ListingCursor
from deepsentinel_pipelines.ingest.keys import RUN_KEY_TAG, run_key
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.sensors.raw_videos import build_raw_videos_sensor
from deepsentinel_pipelines.settings import load_settings


def tick(instance: DagsterInstance, store: ObjectStoreResource, cursor: str | None) -> SensorResult:
    context = build_sensor_context(
        instance=instance, cursor=cursor, resources={"object_store": store}
    )
    result = build_raw_videos_sensor(load_settings())(context)
    assert isinstance(result, SensorResult)
    return result


def put(s3, bucket: str, key: str, body: bytes = b"video bytes") -> str:
    return s3.put_object(Bucket=bucket, Key=key, Body=body)["ETag"].strip('"')


@pytest.fixture(autouse=True)
def _limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSENTINEL_SENSOR_MAX_PER_TICK", "2")
    monkeypatch.delenv("DEEPSENTINEL_RAW_VIDEOS_PREFIX", raising=False)


def test_first_tick_leaves_existing_objects_to_backfill(instance, object_store, s3) -> None:
    put(s3, object_store.raw_videos_bucket, "old/history.mp4")
    result = tick(instance, object_store, None)
    assert result.run_requests == []
    assert "1 existing object(s)" in result.skip_reason.skip_message
    assert "old/history.mp4" in json.loads(result.cursor)["recent"]
    assert tick(instance, object_store, result.cursor).run_requests == []


def test_new_uploads_run_once_and_new_content_runs_again(instance, object_store, s3) -> None:
    bucket = object_store.raw_videos_bucket
    cursor = tick(instance, object_store, None).cursor
    etag = put(s3, bucket, "cam1/a clip.mp4")
    put(s3, bucket, "cam1/notes.txt")
    put(s3, bucket, "cam1/empty.mp4", b"")

    result = tick(instance, object_store, cursor)
    [request] = result.run_requests
    assert request.run_key == run_key(bucket, "cam1/a clip.mp4", etag)
    assert request.partition_key == "cam1/a clip.mp4"
    assert request.tags["deepsentinel/source"] == "s3"
    assert request.tags["deepsentinel/etag"] == etag
    [add] = result.dynamic_partitions_requests
    assert add.partitions_def_name == "videos" and list(add.partition_keys) == ["cam1/a clip.mp4"]

    again = tick(instance, object_store, result.cursor)
    assert again.run_requests == []

    new_etag = put(s3, bucket, "cam1/a clip.mp4", b"new content")
    rerun = tick(instance, object_store, again.cursor)
    assert [r.run_key for r in rerun.run_requests] == [run_key(bucket, "cam1/a clip.mp4", new_etag)]


def test_cap_per_tick_defers_the_rest(instance, object_store, s3) -> None:
    cursor = tick(instance, object_store, None).cursor
    for name in ("1.mp4", "2.mp4", "3.mp4"):
        put(s3, object_store.raw_videos_bucket, f"burst/{name}")
    first = tick(instance, object_store, cursor)
    second = tick(instance, object_store, first.cursor)
    third = tick(instance, object_store, second.cursor)
    keys = [r.partition_key for r in first.run_requests + second.run_requests]
    assert len(first.run_requests) == 2
    assert sorted(keys) == ["burst/1.mp4", "burst/2.mp4", "burst/3.mp4"]
    assert third.run_requests == []


def test_object_already_run_by_another_sensor_is_skipped(instance, object_store, s3) -> None:
    bucket = object_store.raw_videos_bucket
    cursor = tick(instance, object_store, None).cursor
    etag = put(s3, bucket, "cam2/seen.mp4")
    put(s3, bucket, "cam2/fresh.mp4")
    create_run_for_test(
        instance,
        job_name="video_analysis_job",
        tags={RUN_KEY_TAG: run_key(bucket, "cam2/seen.mp4", etag)},
    )
    result = tick(instance, object_store, cursor)
    assert [r.partition_key for r in result.run_requests] == ["cam2/fresh.mp4"]


def test_legacy_cursor_naming_a_deleted_key(instance, object_store, s3) -> None:
    """A get_s3_keys-style cursor whose key was deleted: no crash, run keys prevent reruns."""
    bucket = object_store.raw_videos_bucket
    etag = put(s3, bucket, "cam3/done.mp4")
    put(s3, bucket, "cam3/seen-by-the-old-sensor.mp4")
    put(s3, bucket, "cam3/new.mp4")
    create_run_for_test(
        instance,
        job_name="video_analysis_job",
        tags={RUN_KEY_TAG: run_key(bucket, "cam3/done.mp4", etag)},
    )
    instance.add_dynamic_partitions("videos", ["cam3/seen-by-the-old-sensor.mp4"])
    result = tick(instance, object_store, "cam3/deleted-long-ago.mp4")
    assert ListingCursor.loads(result.cursor).legacy_key is None
    later = tick(instance, object_store, result.cursor)  # the cap (2) deferred the third
    keys = [r.partition_key for r in result.run_requests + later.run_requests]
    assert keys == ["cam3/new.mp4"]


def test_prefix_limits_the_listing(instance, object_store, s3, monkeypatch) -> None:
    monkeypatch.setenv("DEEPSENTINEL_RAW_VIDEOS_PREFIX", "watched/")
    cursor = tick(instance, object_store, None).cursor
    put(s3, object_store.raw_videos_bucket, "watched/in.mp4")
    put(s3, object_store.raw_videos_bucket, "elsewhere/out.mp4")
    result = tick(instance, object_store, cursor)
    assert [r.partition_key for r in result.run_requests] == ["watched/in.mp4"]


def test_an_object_whose_camera_name_is_bad_is_skipped_with_the_reason(
    instance, object_store, s3, capfd
) -> None:
    bucket = object_store.raw_videos_bucket
    cursor = tick(instance, object_store, None).cursor
    s3.put_object(Bucket=bucket, Key="cam7/bad.mp4", Body=b"v", Metadata={"camera": "a b;c"})
    s3.put_object(Bucket=bucket, Key="cam7/good.mp4", Body=b"v", Metadata={"camera": "cam-7"})
    result = tick(instance, object_store, cursor)
    assert [r.partition_key for r in result.run_requests] == ["cam7/good.mp4"]
    logged = capfd.readouterr().err  # the sensor's log, as the daemon would keep it
    assert "cam7/bad.mp4" in logged and "object metadata 'camera'" in logged
