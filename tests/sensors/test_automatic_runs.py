"""The automatic path: the Dagster daemon against the embedded stack, nobody starting a run.

An upload through S3, and separately a job message through SQS, each end in a finished run and
rows in PostgreSQL; the same message sent twice makes one run; poison messages end in the DLQ.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import pytest
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.scheduler.instigation import InstigatorType

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.ingest.messages import record_body, seed_message
from deepsentinel_pipelines.ingest.uploads import upload_file
from deepsentinel_pipelines.local_stack.bootstrap import ensure_queues
from deepsentinel_pipelines.partitions import video_id_from_key
from deepsentinel_pipelines.settings import REPO_ROOT, Settings
from tests.child import stop_group
from tests.media import cut_sample, tiny_single_frame

pytestmark = pytest.mark.slow

FIRST_TICK_TIMEOUT_S = 300
#: A wait fails only when nothing moved (no run queued, started, stepped or finished) this long.
STALL_S = 300
#: Uploads of the load test (~6.5 min for 20 on 2 cores); DEEPSENTINEL_LOAD_UPLOADS lowers it
#: for a quick local run.
LOAD_UPLOADS = int(os.environ.get("DEEPSENTINEL_LOAD_UPLOADS", "20"))
FINISHED = {DagsterRunStatus.SUCCESS, DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED}


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three seconds of the bundled sample."""
    return cut_sample(tmp_path_factory.mktemp("clips") / "clip.mp4", 0.0, 3.0)


@dataclasses.dataclass
class Stack:
    settings: Settings
    prefix: str
    jobs_queue_url: str
    dlq_url: str
    log: Path
    started_at: float


def _restore_signals() -> None:
    # A process started in the background inherits ignored SIGINT/SIGTERM; restore them.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@pytest.fixture(scope="module")
def daemon(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """`dagster-daemon run` on queues of its own, watching a prefix of its own; stopped after."""
    unique_id = uuid.uuid4().hex[:10]
    own = dataclasses.replace(
        settings,
        jobs_queue=f"video-jobs-e2e-{unique_id}",
        dead_letter_queue=f"video-jobs-dlq-e2e-{unique_id}",
    )
    sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
    urls = ensure_queues(sqs, own)
    prefix = f"e2e-{unique_id}/"
    env = dict(os.environ) | {
        "DEEPSENTINEL_JOBS_QUEUE": own.jobs_queue,
        "DEEPSENTINEL_DLQ": own.dead_letter_queue,
        # The S3 sensor watches s3/ only, so the SQS test's object runs through SQS alone.
        "DEEPSENTINEL_RAW_VIDEOS_PREFIX": f"{prefix}s3/",
        "DEEPSENTINEL_SENSOR_INTERVAL_S": "2",
        "DEEPSENTINEL_QUEUE_HEALTH_INTERVAL_S": "5",
        "DEEPSENTINEL_DETECTOR_IMGSZ": os.environ.get("DEEPSENTINEL_DETECTOR_IMGSZ", "640"),
        # One process per run, not per step: many tiny videos on 2 cores.
        "DEEPSENTINEL_EXECUTOR": "in_process",
    }
    log = tmp_path_factory.mktemp("daemon") / "daemon.log"
    started_at = time.time()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-daemon"), "run", "-w", "workspace.yaml"],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=_restore_signals,
        )
    try:
        yield Stack(
            settings, prefix, urls[own.jobs_queue], urls[own.dead_letter_queue], log, started_at
        )
    finally:
        stop_group(proc)
        s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
        for page in s3.get_paginator("list_objects_v2").paginate(
            Bucket=settings.raw_videos_bucket, Prefix=prefix
        ):
            for obj in page.get("Contents", []):
                s3.delete_object(Bucket=settings.raw_videos_bucket, Key=obj["Key"])
        for url in urls.values():
            sqs.delete_queue(QueueUrl=url)


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def wait_for_first_tick(instance: DagsterInstance, stack: Stack, sensor: str) -> None:
    """Until the daemon has evaluated ``sensor`` (objects older than its first tick are history)."""
    deadline = time.monotonic() + FIRST_TICK_TIMEOUT_S
    while time.monotonic() < deadline:
        for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
            data = state.instigator_data
            if (
                state.instigator_name == sensor
                and data
                and (data.last_tick_success_timestamp or 0) > stack.started_at
            ):
                return
        time.sleep(1)
    pytest.fail(f"{sensor} never ticked; daemon log:\n{_tail(stack.log)}")


def _progress(instance: DagsterInstance, runs: list) -> tuple:
    """What a busy machine still changes: run states, and the events of unfinished runs."""
    return tuple(
        (r.run_id, r.status.value, 0 if r.status in FINISHED else len(instance.all_logs(r.run_id)))
        for r in runs
    )


def wait_for_runs(
    instance: DagsterInstance, stack: Stack, tags: dict[str, Any], count: int = 1
) -> list:
    """The runs with these tags, once at least ``count`` exist and all have finished.

    No fixed deadline: the wait goes on while anything moves, and fails after STALL_S still.
    """
    last, moved = None, time.monotonic()
    while time.monotonic() - moved < STALL_S:
        runs = instance.get_runs(filters=RunsFilter(tags=tags))
        if len(runs) >= count and all(r.status in FINISHED for r in runs):
            return runs
        seen = (len(stack.log.read_bytes()), _progress(instance, runs))
        if seen != last:
            last, moved = seen, time.monotonic()
        time.sleep(2)
    pytest.fail(f"runs with {tags} stalled for {STALL_S} s; daemon log:\n{_tail(stack.log)}")


def assert_succeeded(instance: DagsterInstance, run: Any) -> None:
    if run.status != DagsterRunStatus.SUCCESS:
        errors = [e.message for e in instance.all_logs(run.run_id) if e.level in ("ERROR", 40)]
        pytest.fail(f"run {run.run_id} {run.status}: {errors[-3:]}")


def assert_video_rows(db: Any, video_id: str) -> None:
    row = db.execute(
        "SELECT summary, thumbnail_key FROM videos WHERE video_id = %s", (video_id,)
    ).fetchone()
    assert row is not None and row[0] and row[1], f"videos row of {video_id}: {row}"


@dataclasses.dataclass
class Uploads:
    s3_key: str
    sqs_key: str


@pytest.fixture(scope="module")
def uploads(daemon: Stack, clip: Path) -> Uploads:
    """Once the sensors run: one upload through S3, one through SQS (+ a duplicate, + poison).

    Both paths start together, so their runs overlap.
    """
    instance = DagsterInstance.get()
    wait_for_first_tick(instance, daemon, "raw_videos_sensor")
    settings = daemon.settings
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
    s3_key = f"{daemon.prefix}s3/cam1/clip.mp4"
    upload_file(s3, clip, settings.raw_videos_bucket, s3_key, camera="plaza")
    sqs_key = f"{daemon.prefix}sqs/cam2/clip.mp4"
    upload_file(s3, clip, settings.raw_videos_bucket, sqs_key, camera="plaza")
    body = seed_message("seed-42", sqs_key)
    missing = json.dumps({"video_id": "gone", "s3_key": f"{daemon.prefix}gone.mp4"})
    for message in (body, body, "{not json", missing):
        sqs.send_message(QueueUrl=daemon.jobs_queue_url, MessageBody=message)
    return Uploads(s3_key, sqs_key)


def test_upload_through_s3_runs_by_itself(daemon: Stack, uploads: Uploads, db) -> None:
    instance = DagsterInstance.get()
    [run] = wait_for_runs(instance, daemon, {"deepsentinel/s3_key": uploads.s3_key})
    assert run.tags["dagster/sensor_name"] == "raw_videos_sensor"
    assert run.tags["dagster/partition"] == video_id_from_key(uploads.s3_key)
    assert_succeeded(instance, run)
    assert_video_rows(db, video_id_from_key(uploads.s3_key))


def test_job_message_through_sqs_runs_once_and_poison_goes_to_dlq(
    daemon: Stack, uploads: Uploads, db
) -> None:
    instance = DagsterInstance.get()
    sqs = make_client("sqs", daemon.settings.aws_endpoint_url, daemon.settings.region)
    runs = wait_for_runs(instance, daemon, {"deepsentinel/s3_key": uploads.sqs_key})
    assert len(runs) == 1, [r.run_id for r in runs]
    [run] = runs
    assert run.tags["dagster/sensor_name"] == "video_jobs_sqs_sensor"
    assert run.tags["deepsentinel/seed_video_id"] == "seed-42"
    assert_succeeded(instance, run)
    assert_video_rows(db, video_id_from_key(uploads.sqs_key))

    dead = sqs.receive_message(
        QueueUrl=daemon.dlq_url,
        MaxNumberOfMessages=10,
        MessageAttributeNames=["All"],
        VisibilityTimeout=0,
    ).get("Messages", [])
    reasons = sorted(m["MessageAttributes"]["reason"]["StringValue"] for m in dead)
    assert len(reasons) == 2 and "body is not JSON" in reasons[0], reasons
    assert "does not exist" in reasons[1], reasons
    # Both copies of the good message were deleted once the run was recorded.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        attrs = sqs.get_queue_attributes(
            QueueUrl=daemon.jobs_queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        if sum(int(v) for v in attrs.values()) == 0:
            break
        time.sleep(1)
    else:
        pytest.fail(f"job messages left in the queue: {attrs}")


def _queue_depth(sqs: Any, url: str) -> int:
    attrs = sqs.get_queue_attributes(
        QueueUrl=url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    return sum(int(v) for v in attrs.values())


@pytest.mark.timeout(1800)  # a benchmark on a shared 2-core machine; progress is watched anyway
def test_load_of_uploads_through_s3_and_sqs_runs_each_once(daemon: Stack, tmp_path, capsys) -> None:
    """LOAD_UPLOADS tiny videos at once, each announced by S3 listing and by an S3 event."""
    instance = DagsterInstance.get()
    wait_for_first_tick(instance, daemon, "raw_videos_sensor")
    settings = daemon.settings
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
    path = tiny_single_frame(tmp_path / "tiny.mp4")
    dead_before = _queue_depth(sqs, daemon.dlq_url)
    keys = [f"{daemon.prefix}s3/load/clip {n:02d}.mp4" for n in range(LOAD_UPLOADS)]
    started = time.monotonic()
    for key in keys:
        stored = upload_file(s3, path, settings.raw_videos_bucket, key)
        record = {
            "eventSource": "aws:s3",
            "eventName": "ObjectCreated:Put",
            "s3": {
                "bucket": {"name": settings.raw_videos_bucket},
                "object": {"key": quote_plus(key), "eTag": stored.etag},
            },
        }
        sqs.send_message(QueueUrl=daemon.jobs_queue_url, MessageBody=record_body(record))
    runs = wait_for_runs(instance, daemon, {"deepsentinel/s3_key": keys}, count=len(keys))
    elapsed = time.monotonic() - started
    by_key: dict[str, int] = {}
    for run in runs:
        by_key[run.tags["deepsentinel/s3_key"]] = by_key.get(run.tags["deepsentinel/s3_key"], 0) + 1
        assert_succeeded(instance, run)
    assert by_key == dict.fromkeys(keys, 1), "one run per upload, no duplicates"
    moved = time.monotonic()
    while _queue_depth(sqs, daemon.jobs_queue_url) and time.monotonic() - moved < STALL_S:
        time.sleep(2)  # a message goes once its run is recorded, on the sensor's next tick
    assert _queue_depth(sqs, daemon.jobs_queue_url) == 0
    assert _queue_depth(sqs, daemon.dlq_url) == dead_before  # nothing dead-lettered
    with capsys.disabled():
        # A benchmark figure, not an assertion.
        print(f"\nload: {len(keys)} uploads via S3 and SQS, all runs done in {elapsed:.0f} s")  # noqa: T201
