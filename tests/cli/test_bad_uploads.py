"""A matrix of bad and unusual uploads through `deepsentinel process` and the analysis job.

Each bad file: a one- or two-line error naming the user's file and the cause (exit 2), and if
its bytes reach the bucket anyway, one failed raw_video (not retried) and nothing written.
Each valid oddity: analysed, with frames upright and timestamps from the stream itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import psycopg
import pytest
from dagster import DagsterEventType, DagsterInstance

from deepsentinel_pipelines import cli
from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.ingest.run_history import version_history
from deepsentinel_pipelines.runs.runner import process_file, run_video_analysis, upload_video
from deepsentinel_pipelines.settings import Settings
from tests import media

pytestmark = pytest.mark.slow

TABLES = ("videos", "analyses", "detections", "tracks", "events")


@pytest.fixture(scope="module")
def one_second(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return media.cut_sample(tmp_path_factory.mktemp("bad") / "one second.mp4", 20.0, 1.0)


def _text(dest: Path) -> Path:
    dest.write_text("these are not the frames you are looking for\n" * 40)
    return dest


def _empty(dest: Path) -> Path:
    dest.write_bytes(b"")
    return dest


BAD: list[tuple[str, Callable[[Path], Path] | None, str]] = [
    ("empty.mp4", _empty, "empty"),
    ("random.mp4", media.random_bytes, "not a video"),
    ("truncated.mp4", None, "truncated"),  # made from the one-second clip below
    ("notes.mp4", _text, "not a video"),
    ("tone.mp4", media.audio_only, "no video stream"),
    ("no frames.mp4", media.no_frames, "no packets"),
    ("huge claimed size.mp4", media.huge_claimed_size, "do not decode"),
]


def _rows(conn: psycopg.Connection, video_id: str) -> dict[str, int]:
    return {
        t: conn.execute(f"SELECT count(*) FROM {t} WHERE video_id = %s", (video_id,)).fetchone()[0]
        for t in TABLES
    }


def _highlights(settings: Settings, video_id: str) -> list[str]:
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    listing = s3.list_objects_v2(Bucket=settings.highlights_bucket, Prefix=f"{video_id}/")
    return [o["Key"] for o in listing.get("Contents", [])]


@pytest.mark.parametrize(("name", "make", "cause"), BAD, ids=[b[0] for b in BAD])
def test_bad_upload_is_refused_with_its_cause_and_writes_nothing(
    settings: Settings, tmp_path, unique_id, capsys, one_second, name, make, cause
) -> None:
    path = make(tmp_path / name) if make else media.truncated_copy(tmp_path / name, 0.5, one_second)
    key = f"tests/{unique_id}/{name}"
    assert cli.main(["process", str(path), "--key", key]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert 1 <= len(lines) <= 2 and str(path) in lines[0] and cause in lines[0].lower(), lines
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    assert s3.list_objects_v2(Bucket=settings.raw_videos_bucket, Prefix=key)["KeyCount"] == 0

    # The same bytes uploaded some other way (a sensor would start this run).
    video_id, _ = upload_video(path, key, "default")
    run_id, ok, error, _ = run_video_analysis(video_id, lambda line: None)
    assert not ok and error.startswith("raw_video: ") and f"s3://{settings.raw_videos_bucket}/{key}"
    assert cause in error.lower() and "cache" not in error, error
    starts = [
        e
        for e in DagsterInstance.get().all_logs(run_id, of_type=DagsterEventType.STEP_START)
        if e.step_key == "raw_video"
    ]
    assert len(starts) == 1, "a bad video is not retried"
    with psycopg.connect(settings.database_url) as conn:
        assert all(n == 0 for n in _rows(conn, video_id).values()), _rows(conn, video_id)
    assert _highlights(settings, video_id) == []


def _report(settings: Settings, path: Path, key: str):
    report = process_file(path, key, "default", lambda line: None)
    assert report.success, report.error
    return report


def test_one_frame_of_16x16_is_analysed_and_the_same_content_again_is_no_new_run(
    settings: Settings, tmp_path, unique_id
) -> None:
    path = media.tiny_single_frame(tmp_path / "tiny.mp4")
    key = f"tests/{unique_id}/tiny.mp4"
    report = _report(settings, path, key)
    assert report.frames_analyzed == 1 and report.people_tracked == 0
    with psycopg.connect(settings.database_url) as conn:
        assert conn.execute(
            "SELECT width, height FROM qa.videos WHERE video_id = %s", (report.video_id,)
        ).fetchone() == (16, 16)
    # Uploaded again unchanged: the same object version, already analysed, so no second run.
    _, again = upload_video(path, key, "default")
    history = version_history(DagsterInstance.get(), [again])
    assert history[again].live and history[again].failed == 0


def test_rotation_metadata_gives_upright_frames(settings: Settings, tmp_path, unique_id) -> None:
    path = media.clip(tmp_path / "portrait.mp4", seconds=1.0, rotation_cw=90)
    report = _report(settings, path, f"tests/{unique_id}/portrait.mp4")
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    jpeg = s3.get_object(Bucket=settings.thumbnails_bucket, Key=report.thumbnail)["Body"].read()
    thumb = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert thumb.shape[:2] == (768, 576)  # the landscape sample, turned to portrait
    with psycopg.connect(settings.database_url) as conn:
        assert conn.execute(
            "SELECT width, height FROM qa.videos WHERE video_id = %s", (report.video_id,)
        ).fetchone() == (576, 768)


def test_variable_frame_rate_keeps_each_frame_s_own_time(
    settings: Settings, tmp_path, unique_id
) -> None:
    path = media.variable_frame_rate(tmp_path / "vfr.mp4")
    report = _report(settings, path, f"tests/{unique_id}/vfr.mp4")
    assert report.duration_s == pytest.approx(2.1, abs=0.05)
    with psycopg.connect(settings.database_url) as conn:
        times = {
            round(t, 3)
            for (t,) in conn.execute(
                "SELECT DISTINCT t_s FROM detections WHERE video_id = %s", (report.video_id,)
            )
        }
    assert times, "people walk through the plaza in these frames"
    assert times <= set(media.VFR_TIMES_S), times
    assert max(times) >= 1.0  # frames after the gap keep their time (not index / rate)


def test_key_with_spaces_and_non_ascii_is_analysed(
    settings: Settings, one_second, unique_id
) -> None:
    key = f"tests/{unique_id}/caméra 2/Überwachung – nacht.mp4"
    report = _report(settings, one_second, key)
    assert report.video_id == key
    with psycopg.connect(settings.database_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM qa.videos WHERE video_id = %s", (key,)
        ).fetchone() == (1,)
