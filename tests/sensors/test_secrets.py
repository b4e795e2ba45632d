"""A failing webhook whose URL carries a token: the token is stored, logged and sent nowhere.

The alerts asset, the retry sensor, the run-failure sensor and the queue-health sensor all meet
the same failing webhook (a Slack-style path and a ``?token=`` query); afterwards no table of the
application database, no Dagster event log, no log line and no message that left the process
holds the token. A failed run whose own logs quote the token (as a careless library might) still
gives an incident, a webhook payload and a GitHub issue without it.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pytest
from dagster import DagsterInstance, build_sensor_context, job, materialize, op

from deepsentinel_pipelines.assets.event_alerts import event_alerts
from deepsentinel_pipelines.db.video_rows import replace_events, upsert_video
from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.event_webhook import EventWebhookResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.sensors.event_alerts import build_event_alert_retry_sensor
from deepsentinel_pipelines.sensors.queue_health import build_queue_health_sensor
from deepsentinel_pipelines.sensors.run_failures import build_run_failure_alert_sensor
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.video.types import Event, VideoInfo
from tests.sensors.test_run_failures import failed_run_context

PLAZA = VideoInfo("mp4", "h264", 10.0, 900, 90.0, 768, 576, 0, 1000, "0" * 64)


class Server:
    """Webhook paths answer 500 (a receiver that refuses); GitHub's API accepts, and records."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.bodies: list[str] = []  # what was sent: the request bodies
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.paths.append(self.path)
                server.bodies.append(body.decode())
                ok = self.path.startswith("/repos/")
                reply = json.dumps({"html_url": "http://github.local/issues/1"}).encode()
                self.send_response(201 if ok else 500)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                del args

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()


@pytest.fixture()
def server() -> Iterator[Server]:
    made = Server()
    yield made
    made.http.shutdown()
    made.http.server_close()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_webhook_token_is_stored_logged_and_sent_nowhere(
    settings, server, instance, job_queue, monkeypatch, capfd, unique_id
) -> None:
    tokens = [f"XOXB-{unique_id}", f"tok-{unique_id}", f"T{unique_id}/B0002"]
    path = f"/services/T{unique_id}/B0002/XOXB-{unique_id}?token=tok-{unique_id}"
    refusing, unreachable = server.url + path, f"http://127.0.0.1:{_closed_port()}{path}"
    monkeypatch.setenv("DEEPSENTINEL_ALERT_WEBHOOK_URL", refusing)
    monkeypatch.setenv("DEEPSENTINEL_GITHUB_REPO", "acme/cctv")
    monkeypatch.setenv("DEEPSENTINEL_GITHUB_TOKEN", f"ghp_{unique_id}")
    monkeypatch.setenv("DEEPSENTINEL_GITHUB_API_URL", server.url)
    video_id = f"tests/{unique_id}/secret.mp4"
    database = PostgresResource(url=settings.database_url)
    event_logs: list[str] = []
    try:
        # 1. The alerts asset posts to a refusing webhook, then the retry sensor to one that
        #    is not there at all (urllib3 names the path and query of the refused connection).
        with psycopg.connect(settings.database_url) as conn:
            upsert_video(conn, video_id, settings.raw_videos_bucket, video_id, "plaza", PLAZA)
            replace_events(conn, video_id, [Event("fall", 1, 2, 1, None, 1, "f")], analysis_id=None)
        asset_instance = DagsterInstance.ephemeral()
        asset_instance.add_dynamic_partitions("videos", [video_id])
        webhook = EventWebhookResource(url=refusing, attempts=2, backoff_s=0.0, retry_backoff_s=0)
        result = materialize(
            [event_alerts],
            partition_key=video_id,
            resources=build_resources(load_settings()) | {"event_webhook": webhook},
            instance=asset_instance,
        )
        assert result.success
        event_logs += [e.message for e in asset_instance.all_logs(result.run_id)]
        with build_sensor_context(
            resources={
                "database": database,
                "event_webhook": EventWebhookResource(url=unreachable, timeout_s=2.0),
                "object_store": ObjectStoreResource(
                    endpoint_url=settings.aws_endpoint_url, region=settings.region
                ),
            }
        ) as context:
            build_event_alert_retry_sensor(load_settings())(context)

        # 2. A failed run whose own log line and error quote the webhook URL: its incident goes
        #    to the same refusing webhook and to GitHub.
        @op
        def post_alert(context) -> None:
            context.log.warning(f"posting to {refusing} failed")
            raise RuntimeError(f"webhook {unreachable} said no; header Authorization: Bearer x1")

        @job
        def leaky_job() -> None:
            post_alert()

        process_logs = capfd.readouterr().err  # the asset run's and the retry sensor's
        failed = leaky_job.execute_in_process(
            instance=instance, raise_on_error=False, tags={"dagster/partition": video_id}
        )
        capfd.readouterr()  # the leaky run's own output is its own doing
        with failed_run_context(instance, database, video_id, failed) as context:
            build_run_failure_alert_sensor(load_settings())(context)

        # 3. The queue-health sensor's webhook refuses too.
        job_queue.client().send_message(QueueUrl=job_queue.dead_letter_queue_url, MessageBody="x")
        with build_sensor_context(
            instance=instance, resources={"job_queue": job_queue, "database": database}
        ) as context:
            build_queue_health_sensor(load_settings())(context)

        process_logs += capfd.readouterr().err
        sent = "\n".join(server.bodies)
        with psycopg.connect(settings.database_url) as conn:
            stored = _rows_mentioning(conn, tokens)
            incident = conn.execute(
                "SELECT error, log_excerpt, notified::text FROM incidents WHERE run_id = %s",
                (failed.run_id,),
            ).fetchone()
            [alert_error] = conn.execute(
                "SELECT error FROM event_alerts WHERE video_id = %s", (video_id,)
            ).fetchone()
    finally:
        with psycopg.connect(settings.database_url) as conn:
            conn.execute("DELETE FROM videos WHERE video_id = %s", (video_id,))

    # Everything happened, and said so ...
    paths = " ".join(server.paths)
    assert "/repos/acme/cctv/issues" in paths and "/services/" in paths  # GitHub and the webhook
    assert "500 Server Error" in incident[2] and "github.local" in incident[2]
    assert "RuntimeError: webhook http://127.0.0.1:" in incident[0]
    assert "posting to [redacted] failed" in incident[1]  # the configured URL, whole
    assert "Connection refused" in alert_error or "connect" in alert_error.lower()
    assert (
        "not delivered" in "\n".join(event_logs) and "queue health webhook failed" in process_logs
    )
    # ... and the token is nowhere: no table, no event log, no sensor log, nothing sent.
    assert stored == {}
    for where, text in {
        "asset event log": "\n".join(event_logs),
        "process logs": process_logs,
        "sent": sent,
    }.items():
        for token in tokens:
            assert token not in text, (where, token)
    assert "Bearer x1" not in sent


def _rows_mentioning(conn: psycopg.Connection, needles: list[str]) -> dict[str, int]:
    """Rows of every application table whose text holds one of ``needles``, per table."""
    tables = [
        t
        for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    found = {}
    for table in tables:
        (n,) = conn.execute(
            f"SELECT count(*) FROM public.{table} AS t WHERE t::text LIKE ANY(%s)",  # noqa: S608
            ([f"%{needle}%" for needle in needles],),
        ).fetchone()
        if n:
            found[table] = n
    return found
