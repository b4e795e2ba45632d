"""`deepsentinel record`: segments cut on keyframes, spooled, uploaded with their camera and time.

Against a live stream the test makes itself (MPEG-TS over TCP on 127.0.0.1 at real-time pace)
that stops and comes back, an S3/SQS emulator restarted meanwhile, and a SIGTERM mid-segment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.cli.main import main
from deepsentinel_pipelines.ingest.recorder import SegmentInfo, Spool, Uploader
from deepsentinel_pipelines.local_stack import aws_emulator
from deepsentinel_pipelines.settings import REPO_ROOT, SAMPLE_VIDEO, Settings
from deepsentinel_pipelines.video.probe import probe_video
from tests.live_stream import LiveStream, free_port
from tests.media import remux_span

CLI = str(REPO_ROOT / ".venv" / "bin" / "deepsentinel")


def _segments(settings: Settings, lines: list[str], tmp_path: Path) -> list[dict]:
    """Each uploaded segment (as printed), checked against its object: metadata and a probe."""
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    found = []
    for n, line in enumerate(lines):
        printed = json.loads(line)
        key = printed["s3_uri"].removeprefix(f"s3://{settings.raw_videos_bucket}/")
        head = s3.head_object(Bucket=settings.raw_videos_bucket, Key=key)
        assert head["Metadata"]["camera"] == printed["camera"]
        assert head["Metadata"]["recorded-at"] == printed["recorded_at"]
        local = tmp_path / f"segment{n}.mp4"
        s3.download_file(settings.raw_videos_bucket, key, str(local))
        info = probe_video(local)  # what raw_video admits: an analysable video
        assert info.duration_s == pytest.approx(printed["duration_s"], abs=0.15)
        found.append(printed | {"at": datetime.fromisoformat(printed["recorded_at"])})
    return sorted(found, key=lambda s: s["at"])


def _consecutive(segments: list[dict]) -> None:
    for before, after in zip(segments, segments[1:], strict=False):
        expected = before["at"] + timedelta(seconds=before["duration_s"])
        assert abs((after["at"] - expected).total_seconds()) < 0.05, (before, after)


def test_the_sample_file_in_20_second_segments(
    settings: Settings, unique_id, tmp_path, capsys
) -> None:
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    started = datetime.now(UTC)
    try:
        code = main(
            [
                "record",
                str(SAMPLE_VIDEO),
                "--camera",
                "plaza",
                "--segment-seconds",
                "20",
                "--prefix",
                f"tests/{unique_id}/",
                "--spool",
                str(tmp_path / "spool"),
                "--json",
            ]
        )
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    assert code == 0
    lines = capsys.readouterr().out.strip().splitlines()
    segments = _segments(settings, lines, tmp_path)
    # The sample's keyframes are at 0, 10, 20, 25, 35, 45, 50, 60, 70 and 75 s.
    assert [round(s["duration_s"], 1) for s in segments] == [20.0, 25.0, 25.0, 9.5]
    _consecutive(segments)
    assert abs((segments[0]["at"] - started).total_seconds()) < 30
    assert all(s["camera"] == "plaza" for s in segments)
    assert not list((tmp_path / "spool").iterdir())


def test_a_crash_left_part_is_recovered_and_uploads_wait_for_s3(tmp_path) -> None:
    spool = Spool(tmp_path / "spool")
    info = SegmentInfo(
        "live/cam/2026-12-01/cam_20261201T130000Z.mp4",
        "cam",
        datetime(2026, 12, 1, 13, tzinfo=UTC),
        0.0,
    )
    part = spool.begin(info)
    remux_span(tmp_path / "whole.ts", 0.0, 10.0)
    data = (tmp_path / "whole.ts").read_bytes()
    part.write_bytes(data[: len(data) // 2])  # the recorder was killed half-way
    (recovered,) = spool.recover()
    assert 3.0 < recovered.duration_s < 7.0
    assert recovered.recorded_at == info.recorded_at

    attempts: list[str] = []
    uploaded: list[SegmentInfo] = []

    def flaky(path: Path, segment: SegmentInfo) -> None:
        attempts.append(segment.key)
        if len(attempts) < 3:
            raise ConnectionError("S3 is down")
        assert probe_video(path).duration_s == pytest.approx(recovered.duration_s, abs=0.15)

    logged: list[str] = []
    uploader = Uploader(spool, flaky, logged.append, uploaded.append, retry_max_s=0.2)
    uploader.start()
    assert uploader.drain(30.0)
    assert [u.key for u in uploaded] == [info.key] and len(attempts) == 3
    assert sum("failed" in line for line in logged) == 1  # one line per outage, not per try
    assert not list(spool.folder.iterdir())


def _wait_for_line(log: Path, words: tuple[str, ...], timeout_s: float) -> str:
    """The recorder's log once a line holds one of ``words`` (it runs on while we wait)."""
    deadline = time.monotonic() + timeout_s
    while True:
        text = log.read_text()
        if any(w in line for line in text.splitlines() for w in words):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"the recorder never logged any of {words}:\n{text[-3000:]}")
        time.sleep(0.1)


@pytest.mark.timeout(300)
def test_a_live_camera_that_drops_while_s3_restarts(settings: Settings, unique_id, tmp_path):
    port = free_port()
    camera = LiveStream(port)
    first = camera.serve(seconds=5.0)
    log = tmp_path / "recorder.log"
    aws_dir = settings.home / "aws"
    log_file = log.open("w")
    recorder = subprocess.Popen(
        [
            CLI,
            "record",
            f"tcp://127.0.0.1:{port}",
            "--camera",
            f"live{unique_id}",
            "--segment-seconds",
            "10",
            "--prefix",
            f"tests/{unique_id}/",
            "--spool",
            str(tmp_path / "spool"),
            "--reconnect-max-s",
            "1",
            "--read-timeout-s",
            "3",
            # FFmpeg probes 5 s of a stream before the first packet by default
            "--option",
            "analyzeduration=1000000",
            "--json",
        ],
        stdout=subprocess.PIPE,
        stderr=log_file,
        text=True,
        cwd=REPO_ROOT,
        env=dict(os.environ),
    )
    log_file.close()  # the recorder holds its own copy
    # S3 goes away while the first segment is recorded, and comes back only once its upload has
    # failed and the camera has dropped: the order is waited for, not timed.
    try:
        assert camera.connected.wait(120), "the recorder never connected"
        camera_started = [datetime.now(UTC)]
        aws_emulator.stop_emulator(aws_dir)
        first.join(30)
        assert camera.error is None
        _wait_for_line(log, ("ended", "dropped"), 120)
        _wait_for_line(log, ("failed",), 120)
        aws_emulator.start_emulator(aws_dir, settings.embedded_aws_port)
        time.sleep(1.0)  # the camera stays off a second longer: the next segment starts later
        second = camera.serve(seconds=60.0)
        assert camera.connected.wait(60), "the recorder did not reconnect"
        deadline = time.monotonic() + 30
        while camera.sent_s < 4.0 and time.monotonic() < deadline:
            time.sleep(0.05)
        recorder.send_signal(signal.SIGTERM)  # mid-segment: the partial one must be uploaded
        out, _ = recorder.communicate(timeout=120)
        second.join(30)
    finally:
        if recorder.poll() is None:
            recorder.kill()
        if aws_emulator.running_pid(aws_dir) is None:
            aws_emulator.start_emulator(aws_dir, settings.embedded_aws_port)
    err = log.read_text()
    assert recorder.returncode == 0, err[-3000:]
    assert "failed" in err and "S3 answers again" in err, err  # the outage seen and outlived
    assert "ended" in err or "dropped" in err, err
    segments = _segments(settings, out.strip().splitlines(), tmp_path)
    # One segment until the camera dropped (uploaded once S3 was back), one from its return
    # until SIGTERM, after a gap.
    assert len(segments) == 2, (err, segments)
    before, after = segments
    assert before["duration_s"] == pytest.approx(5.0, abs=0.6), (err, segments)
    assert 1.0 < after["duration_s"] < 4.5, (err, segments)
    gap = (after["at"] - before["at"]).total_seconds() - before["duration_s"]
    assert gap > 0.8, (err, segments)
    # Named by when they were recorded: the camera was opened about when its first frame was
    # sent, though FFmpeg handed the first packets over only after probing the stream.
    assert abs((before["at"] - camera_started[0]).total_seconds()) < 1.0, (camera_started, err)
    assert not list((tmp_path / "spool").iterdir())
