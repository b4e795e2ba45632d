"""`queue_health_sensor`: DLQ and backlog-age warnings, with the counts as metadata."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest
from dagster import SensorResult, build_sensor_context

from deepsentinel_pipelines.db.video_rows import upsert_video
from deepsentinel_pipelines.resources import job_queue as job_queue_module
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.job_queue import JobQueueResource
from deepsentinel_pipelines.sensors.queue_health import (
    QUEUE_ASSET_KEY,
    assess,
    build_queue_health_sensor,
)
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.video.types import VideoInfo


def tick(instance, job_queue, cursor: str | None) -> SensorResult:
    database = PostgresResource(url=load_settings().database_url)
    with build_sensor_context(
        instance=instance, cursor=cursor, resources={"job_queue": job_queue, "database": database}
    ) as context:
        result = build_queue_health_sensor(load_settings())(context)
    assert isinstance(result, SensorResult)
    return result


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch, http_server) -> None:
    monkeypatch.setenv("DEEPSENTINEL_QUEUE_MAX_AGE_S", "300")
    monkeypatch.setenv("DEEPSENTINEL_ALERT_WEBHOOK_URL", f"{http_server.url}/hook")


def test_healthy_queues(instance, job_queue, http_server) -> None:
    result = tick(instance, job_queue, None)
    assert result.skip_reason.skip_message.startswith("ok:")
    [observation] = result.asset_events
    assert observation.asset_key.to_user_string() == QUEUE_ASSET_KEY
    assert observation.metadata["status"].value == "ok"
    assert observation.metadata["dead_letter"].value == 0
    assert tick(instance, job_queue, result.cursor).asset_events == []  # unchanged: not again
    assert http_server.requests == []


def test_messages_in_the_dlq_warn_once_per_change(instance, job_queue, http_server) -> None:
    healthy = tick(instance, job_queue, None)
    client = job_queue.client()
    client.send_message(QueueUrl=job_queue.dead_letter_queue_url, MessageBody="poison")
    client.send_message(QueueUrl=job_queue.dead_letter_queue_url, MessageBody="poison 2")
    warned = tick(instance, job_queue, healthy.cursor)
    assert warned.skip_reason.skip_message.startswith("warn:")
    [observation] = warned.asset_events
    assert observation.metadata["dead_letter"].value == 2
    assert "2 message(s) in the dead-letter queue" in observation.metadata["problems"].value
    [post] = http_server.requests
    assert "dead-letter" in post["json"]["title"] and post["json"]["dead_letter"] == 2
    tick(instance, job_queue, warned.cursor)
    assert len(http_server.requests) == 1


def test_old_backlog_warns(instance, job_queue) -> None:
    job_queue.send({"video_id": "v", "s3_key": "a.mp4"})
    fresh = tick(instance, job_queue, None)
    assert fresh.skip_reason.skip_message.startswith("ok:")
    state = json.loads(fresh.cursor)
    assert state["busy_since"] is not None
    state["busy_since"] = time.time() - 3600  # the queue has not been empty for an hour
    stale = tick(instance, job_queue, json.dumps(state))
    [observation] = stale.asset_events
    assert observation.metadata["oldest_age_s"].value >= 3600
    assert observation.metadata["oldest_age_source"].value == "backlog"
    assert "oldest job message" in observation.metadata["problems"].value


@pytest.mark.parametrize(
    ("counts", "age", "problems"),
    [
        ({"dead_letter": 0, "dead_letter_in_flight": 0}, 10.0, 0),
        ({"dead_letter": 1, "dead_letter_in_flight": 0}, 10.0, 1),
        ({"dead_letter": 0, "dead_letter_in_flight": 2}, 999.0, 2),
    ],
)
def test_assess(counts: dict, age: float, problems: int) -> None:
    assert len(assess(counts, age, 300, "dlq")) == problems


def test_parked_alerts_make_the_check_warn(instance, job_queue, settings, db, unique_id) -> None:
    video_id = f"tests/{unique_id}/parked.mp4"
    info = VideoInfo("mp4", "h264", 10.0, 10, 1.0, 64, 48, 0, 1, "0" * 64)
    upsert_video(db, video_id, "b", video_id, "c", info)
    db.execute(
        "INSERT INTO event_alerts (alert_key, video_id, rule, payload, attempts, failed_at)"
        " VALUES (%s, %s, 'fall', '{}', 8, now())",
        (f"{video_id}|fall", video_id),
    )
    db.commit()
    try:
        result = tick(instance, job_queue, None)
    finally:
        db.execute("DELETE FROM videos WHERE video_id = %s", (video_id,))
        db.commit()
    [observation] = result.asset_events
    assert observation.metadata["alerts_failed"].value == 1
    assert "1 alert(s) on events parked as failed" in observation.metadata["problems"].value
    assert result.skip_reason.skip_message.startswith("warn:")


def test_cloudwatch_oldest_age_takes_the_latest_point(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeCloudWatch:
        def get_metric_statistics(self, **kwargs):
            assert kwargs["MetricName"] == "ApproximateAgeOfOldestMessage"
            assert kwargs["Dimensions"] == [{"Name": "QueueName", "Value": "video-jobs"}]
            return {
                "Datapoints": [
                    {"Timestamp": datetime(2024, 1, 1, 0, 1, tzinfo=UTC), "Maximum": 40.0},
                    {"Timestamp": datetime(2024, 1, 1, 0, 2, tzinfo=UTC), "Maximum": 75.0},
                ]
            }

    made = []
    monkeypatch.setattr(
        job_queue_module, "make_client", lambda *args: made.append(args) or FakeCloudWatch()
    )
    queue = JobQueueResource(region="eu-west-1")
    now = datetime(2024, 1, 1, 0, 3, tzinfo=UTC)
    assert queue.oldest_message_age_s(now) == 75.0
    assert queue.oldest_message_age_s(now) == 75.0
    assert made == [("cloudwatch", None, "eu-west-1")]  # one client, from the resource
