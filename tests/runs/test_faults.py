"""Faults during a run: a killed worker, a restarted database, a restarted S3/SQS emulator.

A run goes on in a child process while the test breaks something under it at a chosen step.
Nothing is lost: a killed run leaves the previous complete analysis answering and a re-run
writes exactly what a clean run wrote; a restarted service costs a step retry, not the run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from dagster import DagsterEventType, DagsterInstance, RunsFilter

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.local_stack import aws_emulator, postgres
from deepsentinel_pipelines.local_stack.manager import _aws_dir
from deepsentinel_pipelines.runs.runner import process_file, run_video_analysis
from deepsentinel_pipelines.settings import Settings
from tests.child import python_child
from tests.media import cut_sample

pytestmark = pytest.mark.slow

#: Generous: a busy 2-core machine slows a run down; only a stuck one reaches these.
STEP_TIMEOUT_S = 300
RUN_TIMEOUT_S = 600
TABLES = ("videos", "analyses", "detections", "tracks", "events")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One second of the plaza with people walking."""
    return cut_sample(tmp_path_factory.mktemp("faults") / "faults.mp4", 20.0, 1.0)


def _counts(conn: psycopg.Connection, video_id: str) -> dict[str, int]:
    counts = {
        t: conn.execute(f"SELECT count(*) FROM {t} WHERE video_id = %s", (video_id,)).fetchone()[0]
        for t in TABLES
    }
    counts["qa.events"] = conn.execute(
        "SELECT count(*) FROM qa.events WHERE video_id = %s", (video_id,)
    ).fetchone()[0]
    return counts


def _highlights(settings: Settings, video_id: str) -> list[str]:
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    listing = s3.list_objects_v2(Bucket=settings.highlights_bucket, Prefix=f"{video_id}/")
    return sorted(o["Key"] for o in listing.get("Contents", []))


def _start_run(video_id: str) -> subprocess.Popen:
    code = (
        "import sys\n"
        "from deepsentinel_pipelines.runs.runner import run_video_analysis\n"
        f"_, ok, error, _ = run_video_analysis({video_id!r}, lambda line: None)\n"
        "print(error or 'ok')\n"
        "sys.exit(0 if ok else 1)\n"
    )
    return python_child(code)


def _wait_for_step(video_id: str, known: set[str], step: str, proc: subprocess.Popen) -> str:
    """The id of the new run of ``video_id``, once it has started ``step``."""
    instance = DagsterInstance.get()
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the run ended before {step}: {proc.stdout.read()[-2000:]}")
        for run in instance.get_runs(filters=RunsFilter(tags={"dagster/partition": video_id})):
            if run.run_id in known:
                continue
            started = instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_START)
            if any(e.step_key == step for e in started):
                return run.run_id
        time.sleep(0.2)
    pytest.fail(f"no run of {video_id} reached {step}")


def _wait_for_log(run_id: str, step: str, text: str) -> None:
    """Until ``step`` of the run has logged ``text`` (its compute is under way)."""
    instance = DagsterInstance.get()
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        logged = instance.all_logs(run_id)
        if any(e.step_key == step and text in (e.user_message or "") for e in logged):
            return
        time.sleep(0.2)
    pytest.fail(f"step {step} of run {run_id} never logged {text!r}")


def _wait_for_retry(run_id: str) -> None:
    """Until a step of the run has failed and is up for retry, or the run has ended."""
    instance = DagsterInstance.get()
    deadline = time.monotonic() + STEP_TIMEOUT_S
    while time.monotonic() < deadline:
        if instance.all_logs(run_id, of_type=DagsterEventType.STEP_UP_FOR_RETRY):
            return
        if instance.get_run_by_id(run_id).is_finished:
            return  # the assertions on the run's outcome say what went wrong
        time.sleep(0.2)
    pytest.fail(f"no step of run {run_id} met the outage")


def _baseline(settings: Settings, clip: Path, key: str) -> tuple[str, dict, list[str], set[str]]:
    report = process_file(clip, key, "plaza", lambda line: None)
    assert report.success, report.error
    with psycopg.connect(settings.database_url) as conn:
        counts = _counts(conn, report.video_id)
    known = {r.run_id for r in DagsterInstance.get().get_runs()}
    return report.video_id, counts, _highlights(settings, report.video_id), known


@pytest.mark.parametrize("step", ["detections", "highlights"])
def test_killed_worker_then_rerun_loses_and_duplicates_nothing(
    settings: Settings, clip, unique_id, step
) -> None:
    video_id, clean, clean_frames, known = _baseline(settings, clip, f"tests/{unique_id}/k.mp4")
    proc = _start_run(video_id)
    run_id = _wait_for_step(video_id, known, step, proc)
    # Killed as soon as the step is seen: at highlights the new analysis's detections and
    # events are written, and it must not be published yet, however fast the machine.
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    instance = DagsterInstance.get()
    ended = instance.all_logs(run_id, of_type=DagsterEventType.STEP_SUCCESS)
    assert "current_analysis" not in {e.step_key for e in ended}, "killed after publication"
    # What run monitoring does with a dead worker: fail its run and free its pool slots.
    instance.report_run_failed(instance.get_run_by_id(run_id))
    instance.event_log_storage.free_concurrency_slots_for_run(run_id)
    with psycopg.connect(settings.database_url) as conn:
        # Questions still read the previous complete analysis, whole.
        assert _counts(conn, video_id)["qa.events"] == clean["qa.events"]
    assert set(clean_frames) <= set(_highlights(settings, video_id))

    _, ok, error, _ = run_video_analysis(video_id, lambda line: None)
    assert ok, error
    with psycopg.connect(settings.database_url) as conn:
        assert _counts(conn, video_id) == clean
    frames = _highlights(settings, video_id)
    assert len(frames) == len(clean_frames) and not set(frames) & set(clean_frames)


def _restart_postgres(settings: Settings, run_id: str) -> None:
    del run_id  # back at once: Dagster's own storage is in it, the step notices afterwards
    postgres.stop_postgres(settings.pgdata)
    postgres.start_postgres(settings.pgdata)


def _restart_emulator(settings: Settings, run_id: str) -> None:
    aws_emulator.stop_emulator(_aws_dir(settings))
    _wait_for_retry(run_id)  # down until the run has met the outage
    aws_emulator.start_emulator(_aws_dir(settings), settings.embedded_aws_port)


@pytest.mark.parametrize(
    ("restart", "step"),
    # PostgreSQL also holds Dagster's own storage: it restarts while detections computes (no
    # Dagster writes then); the step's pooled connections are stale afterwards and are replaced.
    [(_restart_postgres, "detections"), (_restart_emulator, "thumbnail")],
    ids=["postgres", "s3-sqs-emulator"],
)
def test_service_restarted_during_a_run_costs_a_retry_not_the_run(
    settings: Settings, clip, unique_id, restart: Callable[[Settings, str], None], step: str
) -> None:
    video_id, clean, clean_frames, known = _baseline(settings, clip, f"tests/{unique_id}/r.mp4")
    proc = _start_run(video_id)
    run_id = _wait_for_step(video_id, known, step, proc)
    if step == "detections":
        # Past the step's start-up reads of Dagster storage: the model is loading.
        _wait_for_log(run_id, step, "detections: loading the")
    restart(settings, run_id)
    try:
        out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, out[-3000:]
    with psycopg.connect(settings.database_url) as conn:
        assert _counts(conn, video_id) == clean
    assert len(_highlights(settings, video_id)) == len(clean_frames)
