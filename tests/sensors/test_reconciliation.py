"""`raw_videos_reconciliation_sensor`: versions the S3 sensor never listed still get their run."""

from __future__ import annotations

import time

import pytest
from dagster import DagsterRunStatus, SensorResult, build_sensor_context
from dagster._core.test_utils import create_run_for_test

from deepsentinel_pipelines.ingest.cursor import ListingCursor
from deepsentinel_pipelines.ingest.keys import RUN_KEY_TAG, run_key
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.sensors.raw_videos import build_raw_videos_sensor
from deepsentinel_pipelines.sensors.reconciliation import build_raw_videos_reconciliation_sensor
from deepsentinel_pipelines.settings import load_settings


def put(s3, bucket: str, key: str, body: bytes) -> str:
    return s3.put_object(Bucket=bucket, Key=key, Body=body)["ETag"].strip('"')


@pytest.fixture(autouse=True)
def _limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEEPSENTINEL_S3_SENSOR_LOOKBACK_S", "0")
    monkeypatch.delenv("DEEPSENTINEL_RAW_VIDEOS_PREFIX", raising=False)


def reconcile(instance, object_store, settings) -> SensorResult:
    with build_sensor_context(
        instance=instance,
        resources={
            "object_store": object_store,
            "database": PostgresResource(url=settings.database_url),
        },
    ) as context:
        result = build_raw_videos_reconciliation_sensor(load_settings())(context)
    assert isinstance(result, SensorResult)
    return result


def test_a_late_multipart_upload_missed_by_the_listing_still_runs(
    instance, object_store, s3, settings
) -> None:
    bucket = object_store.raw_videos_bucket
    etag = put(s3, bucket, "cam1/late.mp4", b"a long upload")
    # Other objects moved the S3 sensor's mark on; the late upload is dated before its lookback.
    ahead = ListingCursor(high_water=time.time() + 3600).dumps()
    context = build_sensor_context(
        instance=instance, cursor=ahead, resources={"object_store": object_store}
    )
    assert build_raw_videos_sensor(load_settings())(context).run_requests == []

    [request] = reconcile(instance, object_store, settings).run_requests
    assert request.tags[RUN_KEY_TAG] == run_key(bucket, "cam1/late.mp4", etag)
    assert request.tags["deepsentinel/source"] == "reconciliation"
    assert request.partition_key == "cam1/late.mp4"


def test_versions_with_a_run_or_a_published_analysis_are_left_alone(
    instance, object_store, s3, settings, db, unique_id
) -> None:
    bucket = object_store.raw_videos_bucket
    ran = put(s3, bucket, "cam2/ran.mp4", b"ran")
    failed = put(s3, bucket, "cam2/bad.mp4", b"bad")
    published = f"rec-{unique_id}/done.mp4"
    etag = put(s3, bucket, published, b"done")
    put(s3, bucket, "cam2/notes.txt", b"not a video")
    put(s3, bucket, "cam2/new.mp4", b"new")
    create_run_for_test(
        instance,
        job_name="video_analysis_job",
        tags={RUN_KEY_TAG: run_key(bucket, "cam2/ran.mp4", ran)},
    )
    # A permanently bad video is recorded once: its failed run is not retried by this sensor.
    create_run_for_test(
        instance,
        job_name="video_analysis_job",
        tags={RUN_KEY_TAG: run_key(bucket, "cam2/bad.mp4", failed)},
        status=DagsterRunStatus.FAILURE,
    )
    db.execute(
        """INSERT INTO videos (video_id, s3_bucket, s3_key, container, codec, fps, frame_count,
                               duration_s, width, height, size_bytes, sha256, s3_etag)
           VALUES (%s, %s, %s, 'mp4', 'h264', 10, 10, 1, 16, 16, 4, 'x', %s)""",
        (published, bucket, published, etag),
    )
    db.commit()
    try:
        result = reconcile(instance, object_store, settings)
    finally:
        db.execute("DELETE FROM videos WHERE video_id = %s", (published,))
        db.commit()
    assert [r.partition_key for r in result.run_requests] == ["cam2/new.mp4"]
