"""`video_jobs_sqs_sensor` against the SQS/S3 emulator and a temporary Dagster instance."""

from __future__ import annotations

import json

import pytest
from dagster import (
    DagsterInstance,
    DagsterRunStatus,
    RunRequest,
    SensorResult,
    build_sensor_context,
)
from dagster._core.test_utils import create_run_for_test

from deepsentinel_pipelines.ingest.keys import run_key
from deepsentinel_pipelines.ingest.run_history import reserve_run_key
from deepsentinel_pipelines.resources.job_queue import JobQueueResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.sensors.video_jobs import build_video_jobs_sqs_sensor
from deepsentinel_pipelines.settings import load_settings


class Harness:
    """Ticks the sensor like the daemon does, optionally recording its run requests."""

    def __init__(
        self, instance: DagsterInstance, queue: JobQueueResource, store: ObjectStoreResource
    ) -> None:
        self.instance, self.queue, self.store = instance, queue, store
        self.cursor: str | None = None

    def tick(self, record: bool = True) -> SensorResult:
        context = build_sensor_context(
            instance=self.instance,
            cursor=self.cursor,
            resources={"job_queue": self.queue, "object_store": self.store},
        )
        result = build_video_jobs_sqs_sensor(load_settings())(context)
        assert isinstance(result, SensorResult)
        self.cursor = result.cursor
        if record:
            for request in result.run_requests:
                self.record(request)
        return result

    def record(self, request: RunRequest) -> None:
        create_run_for_test(
            self.instance,
            job_name="video_analysis_job",
            tags={**request.tags, "dagster/run_key": request.run_key},
        )

    def counts(self) -> dict[str, int]:
        return self.queue.depth()

    def dead_letters(self) -> list[dict]:
        client = self.queue.client()
        return client.receive_message(
            QueueUrl=self.queue.dead_letter_queue_url,
            MaxNumberOfMessages=10,
            MessageAttributeNames=["All"],
            VisibilityTimeout=0,
        ).get("Messages", [])


@pytest.fixture()
def harness(instance, job_queue, object_store) -> Harness:
    return Harness(instance, job_queue, object_store)


def put(s3, bucket: str, key: str, body: bytes = b"video bytes") -> str:
    return s3.put_object(Bucket=bucket, Key=key, Body=body)["ETag"].strip('"')


def test_seed_message_runs_and_is_deleted_after_the_run_is_recorded(harness, s3) -> None:
    bucket = harness.store.raw_videos_bucket
    etag = put(s3, bucket, "cam1/clip.mp4")
    harness.queue.send({"video_id": "seed-1", "s3_key": "cam1/clip.mp4"})

    first = harness.tick(record=False)
    [request] = first.run_requests
    assert request.run_key == run_key(bucket, "cam1/clip.mp4", etag)
    assert request.partition_key == "cam1/clip.mp4"
    assert request.tags["deepsentinel/seed_video_id"] == "seed-1"
    assert request.tags["deepsentinel/source"] == "sqs"
    # Not deleted yet: the daemon records run requests after the tick.
    assert harness.counts()["jobs_in_flight"] == 1
    assert len(json.loads(first.cursor)["pending"]) == 1

    harness.record(request)
    second = harness.tick()
    assert second.run_requests == []
    assert harness.counts()["jobs"] == harness.counts()["jobs_in_flight"] == 0


def test_a_job_s_recording_time_reaches_the_run(harness, s3) -> None:
    put(s3, harness.store.raw_videos_bucket, "cam1/timed.mp4")
    harness.queue.send(
        {"video_id": "t", "s3_key": "cam1/timed.mp4", "recorded_at": "2026-12-01T14:00:00+01:00"}
    )
    [request] = harness.tick(record=False).run_requests
    assert request.tags["deepsentinel/recorded_at"] == "2026-12-01T14:00:00+01:00"


def test_unrecorded_request_keeps_the_message(harness, s3) -> None:
    put(s3, harness.store.raw_videos_bucket, "cam1/kept.mp4")
    harness.queue.send({"video_id": "k", "s3_key": "cam1/kept.mp4"})
    assert len(harness.tick(record=False).run_requests) == 1
    harness.tick(record=False)  # the first tick's runs never got recorded
    counts = harness.counts()
    assert counts["jobs"] + counts["jobs_in_flight"] == 1
    assert json.loads(harness.cursor)["pending"] == []


def test_same_message_twice_is_one_run(harness, s3) -> None:
    put(s3, harness.store.raw_videos_bucket, "cam2/twice.mp4")
    body = {"video_id": "t", "s3_key": "cam2/twice.mp4"}
    harness.queue.send(body)
    harness.queue.send(body)
    first = harness.tick()
    assert len(first.run_requests) == 1
    harness.queue.send(body)  # a third copy, after the run exists
    second = harness.tick()
    assert second.run_requests == []
    assert harness.counts()["jobs"] == harness.counts()["jobs_in_flight"] == 0


def test_run_launched_elsewhere_with_the_run_key_tag_counts(harness, s3) -> None:
    bucket = harness.store.raw_videos_bucket
    etag = put(s3, bucket, "cam5/cli.mp4")
    create_run_for_test(
        harness.instance,
        job_name="video_analysis_job",
        tags={"deepsentinel/run_key": run_key(bucket, "cam5/cli.mp4", etag)},
    )
    harness.queue.send({"video_id": "c", "s3_key": "cam5/cli.mp4"})
    assert harness.tick().run_requests == []
    assert harness.counts()["jobs"] == harness.counts()["jobs_in_flight"] == 0


def test_s3_event_notification(harness, s3) -> None:
    bucket = harness.store.raw_videos_bucket
    etag = put(s3, bucket, "cam 3/event clip.mp4")
    record = {
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "s3": {
            "bucket": {"name": bucket},
            "object": {"key": "cam+3/event+clip.mp4", "eTag": etag, "size": 11},
        },
    }
    harness.queue.send({"Records": [record]})
    [request] = harness.tick().run_requests
    assert request.run_key == run_key(bucket, "cam 3/event clip.mp4", etag)


def test_test_event_is_deleted_without_a_run(harness) -> None:
    harness.queue.send({"Service": "Amazon S3", "Event": "s3:TestEvent"})
    assert harness.tick().run_requests == []
    counts = harness.counts()
    assert counts["jobs"] + counts["jobs_in_flight"] + counts["dead_letter"] == 0


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("{not json", "body is not JSON"),
        (json.dumps({"video_id": "x"}), "'s3_key' is missing"),
        (json.dumps({"video_id": "x", "s3_key": "cam9/missing.mp4"}), "does not exist"),
        (json.dumps({"s3_key": "s3://somebody-else/a.mp4"}), "is not the raw videos bucket"),
        (json.dumps({"s3_key": "cam9/readme.txt"}), "not a video file"),
    ],
)
def test_poison_message_goes_to_the_dlq_with_its_reason(harness, body: str, reason: str) -> None:
    harness.queue.send(body)
    assert harness.tick().run_requests == []
    [dead] = harness.dead_letters()
    assert dead["Body"] == body
    assert reason in dead["MessageAttributes"]["reason"]["StringValue"]
    counts = harness.counts()
    assert counts["jobs"] + counts["jobs_in_flight"] == 0


def test_good_and_bad_messages_in_one_tick(harness, s3) -> None:
    put(s3, harness.store.raw_videos_bucket, "cam4/good.mp4")
    harness.queue.send({"video_id": "g", "s3_key": "cam4/good.mp4"})
    harness.queue.send("garbage")
    result = harness.tick()
    assert [r.partition_key for r in result.run_requests] == ["cam4/good.mp4"]
    assert len(harness.dead_letters()) == 1


def _record(bucket: str, key: str, etag: str | None = None) -> dict:
    return {
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": bucket}, "object": {"key": key, "eTag": etag}},
    }


def test_mixed_event_message_dead_letters_only_its_bad_records(harness, s3) -> None:
    bucket = harness.store.raw_videos_bucket
    put(s3, bucket, "cam6/good.mp4")
    records = [
        _record(bucket, "cam6/good.mp4"),
        _record(bucket, "cam6/notes.txt"),
        _record(bucket, "cam6/never-uploaded.mp4"),
    ]
    harness.queue.send({"Records": records})
    result = harness.tick()
    assert [r.partition_key for r in result.run_requests] == ["cam6/good.mp4"]
    dead = harness.dead_letters()
    reasons = sorted(m["MessageAttributes"]["reason"]["StringValue"] for m in dead)
    assert len(dead) == 2 and "does not exist" in reasons[0] and "not a video" in reasons[1]
    assert all(len(json.loads(m["Body"])["Records"]) == 1 for m in dead)
    harness.tick()  # the run is recorded: the message itself is deleted
    counts = harness.counts()
    assert counts["jobs"] + counts["jobs_in_flight"] == 0


@pytest.mark.parametrize("ended", [DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED])
def test_a_later_job_reruns_a_version_whose_run_ended_without_result(harness, s3, ended) -> None:
    bucket = harness.store.raw_videos_bucket
    etag = put(s3, bucket, "cam7/retry.mp4")
    version = run_key(bucket, "cam7/retry.mp4", etag)
    body = {"video_id": "r", "s3_key": "cam7/retry.mp4"}
    harness.queue.send(body)
    [first] = harness.tick(record=False).run_requests
    run = create_run_for_test(
        harness.instance,
        job_name="video_analysis_job",
        tags={**first.tags, "dagster/run_key": first.run_key},
        status=ended,
    )
    harness.queue.send(body)
    [again] = harness.tick().run_requests
    assert again.tags["deepsentinel/run_key"] == version
    assert again.run_key != first.run_key  # Dagster would skip a run key it has seen
    harness.queue.send(body)  # now the version has a live run: a duplicate
    assert harness.tick().run_requests == []
    assert harness.instance.get_run_by_id(run.run_id).status == ended


def test_a_reserved_version_is_not_run_by_a_job(harness, s3) -> None:
    bucket = harness.store.raw_videos_bucket
    etag = put(s3, bucket, "cam8/cli.mp4")
    reserve_run_key(harness.instance, run_key(bucket, "cam8/cli.mp4", etag))
    harness.queue.send({"video_id": "c", "s3_key": "cam8/cli.mp4"})
    assert harness.tick().run_requests == []


def test_a_bad_camera_name_sends_the_job_to_the_dlq_with_the_reason(harness, s3) -> None:
    bucket = harness.store.raw_videos_bucket
    s3.put_object(Bucket=bucket, Key="cam5/meta.mp4", Body=b"v", Metadata={"camera": "lobby/../x"})
    put(s3, bucket, "cam5/plain.mp4")
    bad_field = {"s3_key": "cam5/plain.mp4", "camera": "<!channel>"}
    harness.queue.send({"s3_key": "cam5/meta.mp4"})
    harness.queue.send(bad_field)
    good = {"s3_key": "cam5/plain.mp4", "camera": "gate-2"}
    harness.queue.send(good)
    result = harness.tick()
    [request] = result.run_requests
    assert request.partition_key == "cam5/plain.mp4"
    assert request.tags["deepsentinel/camera"] == "gate-2"
    reasons = sorted(
        d["MessageAttributes"]["reason"]["StringValue"] for d in harness.dead_letters()
    )
    assert len(reasons) == 2
    assert "field 'camera'" in reasons[0] and "'!'" in reasons[0]
    assert "s3://" in reasons[1] and "object metadata 'camera'" in reasons[1]
