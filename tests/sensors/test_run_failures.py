"""`run_failure_alert_sensor`: incidents rows, webhook POSTs and GitHub issues (local server)."""

from __future__ import annotations

import pytest
from dagster import DagsterInstance, build_run_status_sensor_context, job, op

from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.sensors.run_failures import build_run_failure_alert_sensor
from deepsentinel_pipelines.settings import AlertConfig, load_settings
from deepsentinel_pipelines.upkeep.incidents import (
    Incident,
    LogLine,
    incident_body,
    incident_title,
    log_excerpt,
    truncate,
)


def alert_sensor():
    """The sensor as the definitions build it, from the environment the test set."""
    return build_run_failure_alert_sensor(load_settings())


@op
def probe_clip(context) -> int:
    context.log.info("opening the clip")
    return 1


@op
def detect_people(context, frames: int) -> None:
    context.log.info(f"running the detector on {frames} frame(s)")
    raise RuntimeError("CUDA out of memory while tracking")


@job
def failing_video_job() -> None:
    detect_people(probe_clip())


def failed_run_context(
    instance: DagsterInstance, database: PostgresResource, partition: str, result=None
):
    """The run-failure sensor's context for ``result`` (default: a run of failing_video_job)."""
    if result is None:
        result = failing_video_job.execute_in_process(
            instance=instance, raise_on_error=False, tags={"dagster/partition": partition}
        )
    assert not result.success
    return build_run_status_sensor_context(
        sensor_name="run_failure_alert_sensor",
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
        resources={"database": database},
    ).for_run_failure()


@pytest.fixture()
def database(settings) -> PostgresResource:
    return PostgresResource(url=settings.database_url)


@pytest.fixture()
def alert_env(monkeypatch: pytest.MonkeyPatch, http_server) -> None:
    monkeypatch.setenv("DEEPSENTINEL_ALERT_WEBHOOK_URL", f"{http_server.url}/hook")
    monkeypatch.setenv("DEEPSENTINEL_GITHUB_REPO", "acme/cctv")
    monkeypatch.setenv("DEEPSENTINEL_GITHUB_TOKEN", "ghp_secret_for_test")
    monkeypatch.setenv("DEEPSENTINEL_GITHUB_API_URL", http_server.url)
    monkeypatch.setenv("DEEPSENTINEL_DAGSTER_UI_URL", "http://dagster.local:3000")


def incident_row(db, run_id: str) -> dict:
    cur = db.execute(
        "SELECT job_name, partition_key, failed_step, error, log_excerpt, notified "
        "FROM incidents WHERE run_id = %s",
        (run_id,),
    )
    names = [c.name for c in cur.description]
    rows = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    assert len(rows) == 1
    return rows[0]


def test_failed_run_becomes_incident_webhook_and_issue(
    instance, database, db, http_server, alert_env, unique_id
) -> None:
    partition = f"cam1/{unique_id}.mp4"
    with failed_run_context(instance, database, partition) as context:
        alert_sensor()(context)
    run_id = context.dagster_run.run_id

    row = incident_row(db, run_id)
    assert row["job_name"] == "failing_video_job"
    assert row["partition_key"] == partition
    assert row["failed_step"] == "detect_people"
    assert row["error"].startswith("RuntimeError: CUDA out of memory while tracking")
    assert "running the detector on 1 frame(s)" in row["log_excerpt"]
    assert row["notified"]["webhook"] == {"status": 201}
    assert row["notified"]["github"]["issue_url"].endswith("/issues/1")

    by_path = {r["path"]: r for r in http_server.requests}
    hook, issue = by_path["/hook"], by_path["/repos/acme/cctv/issues"]
    assert hook["json"]["run_id"] == run_id and hook["json"]["failed_step"] == "detect_people"
    assert issue["headers"]["Authorization"] == "Bearer ghp_secret_for_test"
    assert partition in issue["json"]["title"]
    assert "CUDA out of memory" in issue["json"]["body"]
    assert f"http://dagster.local:3000/runs/{run_id}" in issue["json"]["body"]

    with failed_run_context(instance, database, partition) as other:
        alert_sensor()(other)  # another failed run: notified
    with context:
        alert_sensor()(context)  # evaluated again (a daemon restart): not notified
    assert len(http_server.requests) == 4


def test_notification_failure_is_recorded_not_raised(
    instance, database, db, http_server, alert_env, unique_id
) -> None:
    http_server.status = 500
    with failed_run_context(instance, database, f"cam2/{unique_id}.mp4") as context:
        alert_sensor()(context)
    notified = incident_row(db, context.dagster_run.run_id)["notified"]
    assert "500" in notified["webhook"]["error"] and "500" in notified["github"]["error"]
    assert "ghp_secret_for_test" not in str(notified)


def test_incident_without_channels(instance, database, db, monkeypatch, unique_id) -> None:
    for name in ("DEEPSENTINEL_ALERT_WEBHOOK_URL", "DEEPSENTINEL_GITHUB_REPO"):
        monkeypatch.delenv(name, raising=False)
    with failed_run_context(instance, database, f"cam3/{unique_id}.mp4") as context:
        alert_sensor()(context)
    assert incident_row(db, context.dagster_run.run_id)["notified"] == {}


def test_github_needs_repo_and_token() -> None:
    assert not load_settings({"DEEPSENTINEL_GITHUB_REPO": "a/b"}).alerts.github_enabled
    assert load_settings(
        {"DEEPSENTINEL_GITHUB_REPO": "a/b", "DEEPSENTINEL_GITHUB_TOKEN": "t"}
    ).alerts.github_enabled


def test_log_excerpt_prefers_the_failed_step() -> None:
    lines = [LogLine(0.0, "INFO", None, "run starting")] + [
        LogLine(float(i), "INFO", "detections", f"batch {i}") for i in range(100)
    ]
    excerpt = log_excerpt(lines, "detections", max_lines=3)
    assert excerpt.splitlines()[-1].endswith("[detections] batch 99")
    assert "run starting" not in excerpt and len(excerpt.splitlines()) == 3
    assert "run starting" in log_excerpt(lines, None, max_lines=200)


def test_incident_text_is_bounded() -> None:
    incident = Incident(
        "r" * 36, "video_analysis_job", "cam/a.mp4", "detections", "E" * 100_000, "L" * 100_000
    )
    body = incident_body(incident, AlertConfig())
    assert len(body) < 65_536
    assert incident_title(incident).startswith("[DeepSentinel] video_analysis_job failed for")
    assert truncate("0123456789abcdef", 10) == "[...]\ncdef"
    assert truncate("0123456789abcdef", 10, keep_end=False) == "0123\n[...]"
