"""Alerts on events: rules, payloads, retries, and the asset against a local webhook receiver."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pytest
from dagster import DagsterInstance, SensorResult, build_sensor_context, materialize

from deepsentinel_pipelines.alerts.delivery import deliver
from deepsentinel_pipelines.alerts.rules import AlertRule, alert_key, first_match, load_alert_rules
from deepsentinel_pipelines.assets.event_alerts import event_alerts
from deepsentinel_pipelines.db.alert_rows import load_alerts
from deepsentinel_pipelines.db.video_rows import (
    StoredEvent,
    replace_events,
    set_highlight_keys,
    upsert_video,
)
from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.event_webhook import EventWebhookResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.sensors.event_alerts import build_event_alert_retry_sensor
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.video.camera_config import EXAMPLE_CONFIG_PATH
from deepsentinel_pipelines.video.types import Event, VideoInfo


class Receiver:
    """A webhook receiver on a fixed port that can go down and come back.

    ``statuses`` are the replies to the next POSTs, in order (then 200).
    """

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.received: list[dict[str, Any]] = []
        self.statuses: list[int] = []
        self.rejected: set[str] = set()  # video ids whose alerts are always refused (400)
        self.refused = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                if body.get("video_id") in receiver.rejected:
                    status = 400
                    receiver.refused += 1
                if status == 200:
                    receiver.received.append(body)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                del args

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@pytest.fixture()
def receiver():
    made = Receiver()
    yield made
    made.stop()


def _stored(event_type, start, end, zone=None, track=1, event_id=1) -> StoredEvent:
    return StoredEvent(event_id, event_type, start, end, track, zone, f"{event_type} {track}", 5)


def test_the_shipped_rules_alert_on_falls_and_long_loitering_at_the_entrance():
    rules = load_alert_rules(EXAMPLE_CONFIG_PATH)
    cases = [
        (_stored("fall", 5.0, 7.0), "plaza", "fall"),
        (_stored("fall", 5.0, 5.0), "lobby", "fall"),  # any camera, any length
        (_stored("loitering", 10.0, 45.0, "entrance"), "plaza", "loitering at the entrance"),
        (_stored("loitering", 10.0, 40.0, "entrance"), "plaza", "loitering at the entrance"),
        (_stored("loitering", 10.0, 39.0, "entrance"), "plaza", None),  # 29 s: too short
        (_stored("loitering", 10.0, 60.0, None), "plaza", None),  # not at the entrance
        (_stored("enter", 10.0, 60.0, "entrance"), "plaza", None),
    ]
    for event, camera, expected in cases:
        rule = first_match(rules, event, camera)
        assert (rule.name if rule else None) == expected, (event, camera)


def test_rules_can_name_cameras(tmp_path):
    path = tmp_path / "cameras.yaml"
    path.write_text(
        "cameras: {}\nalerts:\n  - {name: lobby falls, event_types: fall, cameras: [lobby]}\n"
    )
    [rule] = load_alert_rules(path)
    assert rule == AlertRule("lobby falls", frozenset({"fall"}), frozenset({"lobby"}))
    assert rule.matches(_stored("fall", 1, 2), "lobby")
    assert not rule.matches(_stored("fall", 1, 2), "plaza")


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("- {name: x, event_type: fall}", "unknown keys"),
        ("- {name: x, event_types: [falling]}", "unknown event types"),
        ("- {event_types: [fall]}", "with a name"),
        ("- {name: x}\n  - {name: x}", "duplicate"),
    ],
)
def test_bad_rules_are_named(tmp_path, rules, message):
    path = tmp_path / "cameras.yaml"
    path.write_text(f"cameras: {{}}\nalerts:\n  {rules}\n")
    with pytest.raises(ValueError, match=message):
        load_alert_rules(path)


def test_the_alert_key_survives_new_event_ids():
    a, b = _stored("fall", 5.0, 7.0, event_id=1), _stored("fall", 5.0, 7.0, event_id=99)
    assert alert_key("v", a) == alert_key("v", b) == "v|fall|5.0|1|-"


def test_delivery_retries_then_gives_up_without_raising(receiver):
    waits: list[float] = []
    down = deliver(receiver.url, {"x": 1}, attempts=3, backoff_s=0.5, sleep=waits.append)
    assert (down.delivered, down.attempts, down.http_status) == (False, 3, None)
    assert "Connection refused" in down.error or "connect" in down.error.lower()
    assert waits == [0.5, 1.0]
    receiver.start()
    receiver.statuses = [503]
    flaky = deliver(receiver.url, {"x": 2}, attempts=3, backoff_s=0.0)
    assert (flaky.delivered, flaky.attempts, flaky.http_status) == (True, 2, 200)
    assert receiver.received == [{"x": 2}]


# --- the asset, against the real database and object store ---------------------------------------

#: Retries due at once (no wait between the sensor's attempts), parked after 3 attempts.
RETRY_NOW = {"retry_backoff_s": 0.0, "max_attempts": 3}

PLAZA = VideoInfo("mp4", "h264", 10.0, 900, 90.0, 768, 576, 0, 1000, "0" * 64)
EVENTS = [
    Event("fall", 5.0, 7.0, 1, None, 0.9, "person 1 fell", key_frame_idx=50),
    Event("loitering", 10.0, 50.0, 2, "entrance", 0.9, "person 2 loitered", key_frame_idx=100),
    Event("loitering", 60.0, 70.0, 3, "entrance", 0.9, "person 3 loitered", key_frame_idx=600),
    Event("enter", 1.0, 1.0, 4, "entrance", 0.9, "person 4 entered", key_frame_idx=10),
]


def _publish(settings, video_id: str, events: list[Event] = EVENTS) -> None:
    """Write the video and its events as a run of the events asset does."""
    with psycopg.connect(settings.database_url) as conn:
        upsert_video(conn, video_id, settings.raw_videos_bucket, video_id, "plaza", PLAZA)
        stored = replace_events(conn, video_id, events, analysis_id=None)
        set_highlight_keys(
            conn,
            video_id,
            {stored[0].event_id: f"{video_id}/5.0s_fall.jpg"},
            analysis_id=None,
        )


def _materialize(video_id: str, url: str, attempts: int = 2) -> dict[str, Any]:
    instance = DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("videos", [video_id])
    webhook = EventWebhookResource(
        url=url, attempts=attempts, backoff_s=0.05, timeout_s=2.0, **RETRY_NOW
    )
    result = materialize(
        [event_alerts],
        partition_key=video_id,
        resources=build_resources(load_settings()) | {"event_webhook": webhook},
        instance=instance,
    )
    assert result.success  # delivery failures never fail the analysis
    [materialization] = result.asset_materializations_for_node("event_alerts")
    return {k: v.value for k, v in materialization.metadata.items()}


def _retry_tick(settings, url: str) -> SensorResult:
    """One tick of the retry sensor with the real database and object store."""
    with build_sensor_context(
        resources={
            "database": PostgresResource(url=settings.database_url),
            "event_webhook": EventWebhookResource(url=url, timeout_s=2.0, **RETRY_NOW),
            "object_store": ObjectStoreResource(
                endpoint_url=settings.aws_endpoint_url, region=settings.region
            ),
        }
    ) as context:
        result = build_event_alert_retry_sensor(load_settings())(context)
    assert isinstance(result, SensorResult)
    return result


def test_each_matching_event_is_posted_once_even_when_the_receiver_was_down(
    settings, receiver, unique_id
):
    video_id = f"tests/{unique_id}/alerts.mp4"
    _publish(settings, video_id)

    down = _materialize(video_id, receiver.url)
    assert (down["matched"], down["delivered"], down["failed"]) == (2, 0, 2)
    with psycopg.connect(settings.database_url) as conn:
        rows = load_alerts(conn, video_id)
    assert [(r["rule"], r["delivered"], r["attempts"]) for r in rows] == [
        ("fall", False, 2),
        ("loitering at the entrance", False, 2),
    ]
    assert all(r["error"] for r in rows)

    # The receiver comes back: the retry sensor posts what is pending, without a re-run.
    receiver.start()
    _retry_tick(settings, receiver.url)
    mine = [p for p in receiver.received if p["video_id"] == video_id]
    assert sorted(p["event_type"] for p in mine) == ["fall", "loitering"]
    fall = next(p for p in mine if p["event_type"] == "fall")
    assert fall["camera"] == "plaza" and fall["alert"] == "fall"
    assert (fall["start_s"], fall["end_s"], fall["start"]) == (5.0, 7.0, "00:05")
    assert "5.0s_fall.jpg" in fall["frame_url"] and fall["clip_url"] is None
    back = _materialize(video_id, receiver.url)
    assert (back["already_delivered"], back["delivered"], back["failed"]) == (2, 0, 0)

    # A re-run replaces the events (new ids): nothing is posted again.
    _publish(settings, video_id)
    again = _materialize(video_id, receiver.url)
    assert (again["matched"], again["already_delivered"], again["delivered"]) == (2, 2, 0)
    assert len([p for p in receiver.received if p["video_id"] == video_id]) == 2
    with psycopg.connect(settings.database_url) as conn:
        rows = load_alerts(conn, video_id)
    assert [(r["delivered"], r["http_status"], r["attempts"]) for r in rows] == [
        (True, 200, 3),
        (True, 200, 3),
    ]


def test_alerts_that_keep_failing_are_parked_and_a_new_one_is_delivered(
    settings, receiver, unique_id
):
    receiver.start()
    stuck, fresh = f"tests/{unique_id}/stuck.mp4", f"tests/{unique_id}/fresh.mp4"
    receiver.rejected.add(stuck)  # this receiver refuses these alerts for good
    falls = [Event("fall", 2.0 * i, 2.0 * i + 1, i, None, 0.9, f"fall {i}") for i in range(21)]
    try:
        _publish(settings, stuck, falls)
        first = _materialize(stuck, receiver.url, attempts=1)
        assert (first["matched"], first["failed"]) == (21, 21)
        parked_seen = []
        for _ in range(10):  # each tick tries at most 20; three attempts park an alert
            result = _retry_tick(settings, receiver.url)
            parked_seen += [o.partition for o in result.asset_events]
            with psycopg.connect(settings.database_url) as conn:
                rows = load_alerts(conn, stuck)
            if all(r["failed"] for r in rows):
                break
        assert [(r["failed"], r["attempts"], r["http_status"]) for r in rows] == [
            (True, 3, 400)
        ] * 21
        assert parked_seen == [stuck] * 21  # each parked alert is shown on its partition
        refused = receiver.refused
        assert refused == 21 * 3

        # A new alert whose run could not deliver it: the next tick delivers it, and the parked
        # ones are not tried again.
        _publish(settings, fresh, [EVENTS[0]])
        receiver.statuses = [503]
        assert _materialize(fresh, receiver.url, attempts=1)["failed"] == 1
        result = _retry_tick(settings, receiver.url)
        assert result.skip_reason.skip_message == "1 of 1 due alert(s) delivered, 0 parked"
        [posted] = [p for p in receiver.received if p["video_id"] == fresh]
        assert receiver.refused == refused
        # The link was signed for this attempt; the row keeps the key, not a URL.
        assert "5.0s_fall.jpg" in posted["frame_url"] and "X-Amz-Signature" in posted["frame_url"]
        with psycopg.connect(settings.database_url) as conn:
            [row] = load_alerts(conn, fresh)
        assert (row["delivered"], row["attempts"]) == (True, 2)
        assert row["payload"]["frame_url"] is None and row["frame_key"].endswith("5.0s_fall.jpg")
    finally:
        with psycopg.connect(settings.database_url) as conn:
            conn.execute("DELETE FROM videos WHERE video_id = ANY(%s)", ([stuck, fresh],))
