"""`deepsentinel upload | presign | backfill` against the embedded stack."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from dagster import DagsterInstance, DagsterRunStatus, RunsFilter
from dagster._core.test_utils import create_run_for_test

from deepsentinel_pipelines import cli


@pytest.fixture()
def own_bucket_and_queue(monkeypatch: pytest.MonkeyPatch, buckets, job_queue) -> dict[str, str]:
    """Point the CLI at this test's bucket and queue (it reads the environment)."""
    monkeypatch.setenv("DEEPSENTINEL_RAW_VIDEOS_BUCKET", buckets["raw_videos"])
    monkeypatch.setenv("DEEPSENTINEL_JOBS_QUEUE", job_queue.queue_name)
    monkeypatch.setenv("DEEPSENTINEL_DLQ", job_queue.dead_letter_queue_name)
    return {"bucket": buckets["raw_videos"], "queue": job_queue.queue_name}


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    return code, capsys.readouterr().out


def test_upload_via_sqs_sends_the_seed_message(
    settings, own_bucket_and_queue, job_queue, s3, tmp_path: Path, capsys
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"bytes of a video")
    code, out = run_cli(capsys, "upload", str(clip), "--via", "sqs", "--camera", "gate", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["s3_uri"] == f"s3://{own_bucket_and_queue['bucket']}/uploads/gate/clip.mp4"
    head = s3.head_object(Bucket=own_bucket_and_queue["bucket"], Key="uploads/gate/clip.mp4")
    assert head["Metadata"] == {"camera": "gate"} and head["ContentType"] == "video/mp4"
    [message] = job_queue.receive()
    assert json.loads(message["Body"]) == {
        "video_id": "uploads/gate/clip.mp4",
        "s3_key": "uploads/gate/clip.mp4",
    }


def test_upload_refuses_non_video_names(settings, tmp_path: Path, capsys) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    assert cli.main(["upload", str(notes)]) == 2
    assert "not a video file" in capsys.readouterr().err


def test_presign_gives_a_working_put_url(settings, own_bucket_and_queue, s3, capsys) -> None:
    code, out = run_cli(capsys, "presign", "browser/clip.mp4", "--camera", "door", "--json")
    assert code == 0
    presigned = json.loads(out)
    response = requests.put(
        presigned["url"], data=b"from a browser", headers=presigned["headers"], timeout=10
    )
    assert response.status_code == 200, response.text
    head = s3.head_object(Bucket=own_bucket_and_queue["bucket"], Key="browser/clip.mp4")
    assert head["Metadata"] == {"camera": "door"} and head["ContentLength"] == 14


def test_backfill_dry_run_plans_without_changing_anything(
    settings, own_bucket_and_queue, s3, unique_id, capsys
) -> None:
    bucket, prefix = own_bucket_and_queue["bucket"], f"history-{unique_id}/"
    for key in ("a.mp4", "b.mov", "notes.txt"):
        s3.put_object(Bucket=bucket, Key=prefix + key, Body=b"x")
    code, out = run_cli(capsys, "backfill", "--prefix", prefix, "--dry-run")
    assert code == 0, out
    assert "2 video object(s)" in out and "1 not a video file (.txt)" in out
    assert "partitions: 2 to register" in out and "runs: 2 to launch" in out
    with DagsterInstance.get() as instance:
        assert not instance.has_dynamic_partition("videos", f"{prefix}a.mp4")
        done = create_run_for_test(
            instance,
            job_name="video_analysis_job",
            status=DagsterRunStatus.SUCCESS,
            tags={"dagster/partition": f"{prefix}a.mp4"},
        )
        try:
            _, out = run_cli(capsys, "backfill", "--prefix", prefix, "--dry-run")
            assert "runs: 1 to launch, 0 queued or running, 1 up to date" in out
            _, out = run_cli(capsys, "backfill", "--prefix", prefix, "--dry-run", "--force")
            assert "runs: 2 to launch" in out
            # Its last run failed (or was canceled): a plain backfill runs it again.
            failed = create_run_for_test(
                instance,
                job_name="video_analysis_job",
                status=DagsterRunStatus.FAILURE,
                tags={"dagster/partition": f"{prefix}a.mp4"},
            )
            _, out = run_cli(capsys, "backfill", "--prefix", prefix, "--dry-run")
            assert "runs: 2 to launch, 0 queued or running, 0 up to date" in out
            instance.delete_run(failed.run_id)
        finally:
            instance.delete_run(done.run_id)


def test_backfill_registers_and_launches_idempotently(
    settings, own_bucket_and_queue, s3, unique_id, capsys
) -> None:
    """Runs are queued (no daemon here) through `dagster job backfill`; then removed again."""
    bucket, prefix = own_bucket_and_queue["bucket"], f"history-{unique_id}/"
    keys = [f"{prefix}a.mp4", f"{prefix}b,with comma.mp4"]
    for key in keys:
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    with DagsterInstance.get() as instance:
        try:
            code, out = run_cli(capsys, "backfill", "--prefix", prefix)
            assert code == 0, out
            assert "registered 2 partition(s), launched 2 run(s)" in out
            partitions = {"a.mp4", "b%2Cwith comma.mp4"}
            assert {
                p for p in instance.get_dynamic_partitions("videos") if p.startswith(prefix)
            } == {prefix + p for p in partitions}
            runs = instance.get_runs(
                filters=RunsFilter(
                    tags={
                        "deepsentinel/source": "backfill",
                        "dagster/partition": [prefix + p for p in partitions],
                    }
                )
            )
            assert len(runs) == 2

            code, out = run_cli(capsys, "backfill", "--prefix", prefix)
            assert "registered 0 partition(s), launched 0 run(s)" in out
            assert "2 queued or running" in out
        finally:
            for run in instance.get_runs(
                filters=RunsFilter(tags={"deepsentinel/source": "backfill"})
            ):
                if run.tags.get("dagster/partition", "").startswith(prefix):
                    instance.delete_run(run.run_id)
            for partition in instance.get_dynamic_partitions("videos"):
                if partition.startswith(prefix):
                    instance.delete_dynamic_partition("videos", partition)


def test_upload_with_a_recording_time(
    settings, own_bucket_and_queue, job_queue, s3, tmp_path: Path, capsys
) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"bytes of a video")
    argv = ["upload", str(clip), "--camera", "gate", "--via", "sqs", "--json"]
    code, out = run_cli(capsys, *argv, "--recorded-at", "2026-12-01T14:00:00")
    assert code == 0
    head = s3.head_object(Bucket=own_bucket_and_queue["bucket"], Key="uploads/gate/clip.mp4")
    assert head["Metadata"] == {"camera": "gate", "recorded-at": "2026-12-01T14:00:00"}
    [message] = job_queue.receive()
    assert json.loads(message["Body"])["recorded_at"] == "2026-12-01T14:00:00"
    # a time that is no time is the user's to fix, in one line, before anything is sent
    assert cli.main([*argv, "--recorded-at", "after lunch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: --recorded-at: 'after lunch' is not an ISO 8601 time (e.g. "
        "2026-12-01T14:00:00+01:00)"
    ]


def test_backfill_rebuilds_a_range_of_camera_days(settings, unique_id, capsys) -> None:
    camera = f"cam{unique_id}"
    with DagsterInstance.get() as instance:
        instance.add_dynamic_partitions("cameras", [camera])
        try:
            code, out = run_cli(
                capsys, "backfill", "--days", "2026-11-30..2026-12-01", "--camera", camera
            )
            assert code == 0, out
            assert "2 day(s) x 1 camera(s) = 2 report(s)" in out
            runs = instance.get_runs(
                filters=RunsFilter(
                    job_name="camera_day_report_job", tags={"deepsentinel/source": "backfill"}
                )
            )
            mine = {
                r.tags["dagster/partition"] for r in runs if camera in r.tags["dagster/partition"]
            }
            assert mine == {f"{camera}|2026-11-30", f"{camera}|2026-12-01"}
            assert cli.main(["backfill", "--days", "2026-12-02..2026-12-01"]) == 2
            assert cli.main(["backfill", "--days", "2026-12-01", "--camera", "nobody"]) == 2
        finally:
            for run in instance.get_runs(filters=RunsFilter(job_name="camera_day_report_job")):
                if camera in run.tags.get("dagster/partition", ""):
                    instance.delete_run(run.run_id)
            instance.delete_dynamic_partition("cameras", camera)
