"""Retention: the pure rules, and `retention_job` on the emulator's buckets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from dagster import DagsterInstance, mem_io_manager

from deepsentinel_pipelines.jobs import retention_job
from deepsentinel_pipelines.partitions import videos
from deepsentinel_pipelines.resources import RESULT_IO_MANAGER
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.sensors.retention import retention_schedule
from deepsentinel_pipelines.upkeep.retention import (
    ARCHIVE_TAG,
    StoredObject,
    enforce_locally,
    raw_videos_to_archive,
    tally,
    thumbnails_to_delete,
)

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def obj(key: str, days_old: float, size: int = 100, storage_class: str = "STANDARD"):
    return StoredObject(key, size, NOW - timedelta(days=days_old), storage_class)


@pytest.mark.parametrize(("days_old", "deleted"), [(89, False), (90, False), (90.5, True)])
def test_thumbnail_expiry(days_old: float, deleted: bool) -> None:
    assert bool(thumbnails_to_delete([obj("t.jpg", days_old)], NOW)) is deleted


@pytest.mark.parametrize(
    ("days_old", "storage_class", "marked", "archived"),
    [
        (29, "STANDARD", False, False),
        (31, "STANDARD", False, True),
        (31, "GLACIER", False, False),
        (31, "DEEP_ARCHIVE", False, False),
        (31, "STANDARD", True, False),
    ],
)
def test_raw_video_archive(days_old, storage_class, marked, archived) -> None:
    listing = [obj("v.mp4", days_old, storage_class=storage_class)]
    due = raw_videos_to_archive(listing, NOW, marked={"v.mp4"} if marked else set())
    assert bool(due) is archived


def test_tally_and_where_the_job_acts() -> None:
    assert tally([obj("a", 1, 10), obj("b", 1, 32)]).bytes == 42
    assert enforce_locally("http://127.0.0.1:4566") and not enforce_locally(None)
    assert enforce_locally(None, force=True)


def test_schedule_fires_sundays_at_three_utc() -> None:
    # Dagster has no public "next ticks" call; this is the iterator its daemon ticks by.
    from dagster._utils.schedules import schedule_execution_time_iterator

    wednesday_noon = datetime(2024, 6, 5, 12, tzinfo=UTC)
    ticks = schedule_execution_time_iterator(
        wednesday_noon.timestamp(),
        retention_schedule.cron_schedule,
        retention_schedule.execution_timezone,
    )
    assert [next(ticks) for _ in range(3)] == [
        datetime(2024, 6, 9, 3, tzinfo=UTC),
        datetime(2024, 6, 16, 3, tzinfo=UTC),
        datetime(2024, 6, 23, 3, tzinfo=UTC),
    ]
    assert retention_schedule.job_name == "retention_job"


def test_retention_job_deletes_marks_and_reports(settings, s3, db, object_store, unique_id) -> None:
    raw, thumbs = object_store.raw_videos_bucket, object_store.thumbnails_bucket
    s3.put_object(Bucket=thumbs, Key=f"{unique_id}.jpg", Body=b"j" * 300)
    s3.put_object(Bucket=raw, Key="cam1/a.mp4", Body=b"v" * 1000)
    s3.put_object(Bucket=raw, Key="cam1/b.mp4", Body=b"v" * 500)
    db.execute(
        "INSERT INTO videos (video_id, s3_bucket, s3_key, container, codec, fps, frame_count, "
        "duration_s, width, height, size_bytes, sha256, thumbnail_key) "
        "VALUES (%s, %s, 'cam1/a.mp4', 'mp4', 'h264', 25, 1, 1, 2, 2, 1, 'x', %s)",
        (f"test-{unique_id}", raw, f"{unique_id}.jpg"),
    )
    db.commit()
    database = PostgresResource(url=settings.database_url)
    resources = {
        "object_store": object_store,
        "database": database,
        RESULT_IO_MANAGER: mem_io_manager,
    }

    def run(**config):
        config = {"as_of": (datetime.now(UTC) + timedelta(days=100)).isoformat()} | config
        result = retention_job.execute_in_process(
            run_config={"ops": {"apply_retention": {"config": config}}}, resources=resources
        )
        assert result.success
        return result.output_for_node("apply_retention")

    dry = run(dry_run=True)
    assert dry["applied"] is False and dry["thumbnails_deleted"] == 1
    assert s3.list_objects_v2(Bucket=thumbs).get("KeyCount", 0) == 1

    report = run()
    assert report["applied"] is True
    assert (report["thumbnails_deleted"], report["thumbnail_bytes_deleted"]) == (1, 300)
    assert (report["raw_videos_marked"], report["raw_video_bytes_marked"]) == (2, 1500)
    assert s3.list_objects_v2(Bucket=thumbs).get("KeyCount", 0) == 0
    tags = s3.get_object_tagging(Bucket=raw, Key="cam1/a.mp4")["TagSet"]
    assert {"Key": ARCHIVE_TAG[0], "Value": ARCHIVE_TAG[1]} in tags
    thumb = db.execute(
        "SELECT thumbnail_key FROM videos WHERE video_id = %s", (f"test-{unique_id}",)
    ).fetchone()
    assert thumb == (None,)

    again = run()
    assert again["raw_videos_marked"] == 0 and again["raw_videos_already_marked"] == 2

    assert run(as_of=datetime.now(UTC).isoformat())["raw_videos_marked"] == 0  # nothing due yet

    s3.put_object(Bucket=raw, Key="cam1/c.mp4", Body=b"v" * 200)
    archived = run(raw_video_action="archive")
    assert (archived["raw_videos_archived"], archived["raw_video_bytes_archived"]) == (1, 200)
    assert s3.head_object(Bucket=raw, Key="cam1/c.mp4").get("StorageClass") == "GLACIER"
    assert run(raw_video_action="archive")["raw_videos_archived"] == 0

    # Deleting a video removes its partition; a partition of a kept video stays.
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions(videos.name, ["cam1/a.mp4", "cam1/kept.mp4"])
    deleted = retention_job.execute_in_process(
        run_config={
            "ops": {
                "apply_retention": {
                    "config": {
                        "as_of": (datetime.now(UTC) + timedelta(days=100)).isoformat(),
                        "raw_video_action": "delete",
                    }
                }
            }
        },
        resources=resources,
        instance=instance,
    ).output_for_node("apply_retention")
    assert (deleted["raw_videos_deleted"], deleted["partitions_removed"]) == (2, 1)
    left = [o["Key"] for o in s3.list_objects_v2(Bucket=raw).get("Contents", [])]
    assert left == ["cam1/c.mp4"]  # archived already: its lifecycle is the archive class
    assert instance.get_dynamic_partitions(videos.name) == ["cam1/kept.mp4"]
    db.execute("DELETE FROM videos WHERE video_id = %s", (f"test-{unique_id}",))
    db.commit()
