"""End to end: a short real video through every asset against the real embedded services."""

from __future__ import annotations

import json
import subprocess

import psycopg
import pytest

from deepsentinel_pipelines.aws_clients import make_client
from deepsentinel_pipelines.partitions import video_id_from_key
from deepsentinel_pipelines.runner import process_file, run_video_analysis, upload_video
from deepsentinel_pipelines.settings import REPO_ROOT, Settings
from tests.media import cut_sample

TABLES = ("videos", "detections", "tracks", "events")


def _counts(conn: psycopg.Connection, video_id: str) -> dict[str, int]:
    return {
        table: conn.execute(
            f"SELECT count(*) FROM {table} WHERE video_id = %s", (video_id,)
        ).fetchone()[0]
        for table in TABLES
    } | {
        "embedded": conn.execute(
            "SELECT count(*) FROM events WHERE video_id = %s AND embedding IS NOT NULL",
            (video_id,),
        ).fetchone()[0]
    }


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory):
    # Seconds 20-28 of the plaza: several people walking through.
    return cut_sample(tmp_path_factory.mktemp("media") / "plaza cut.mp4", 20.0, 8.0)


@pytest.mark.slow
def test_every_asset_materializes_and_reruns_never_duplicate(
    settings: Settings, short_clip, unique_id
):
    key = f"tests/{unique_id}/plaza cut.mp4"
    report = process_file(settings, short_clip, key, "plaza", lambda line: None)
    assert report.success, report.error
    video_id = video_id_from_key(key)
    assert report.video_id == video_id
    assert 7.5 < report.duration_s < 8.5
    assert report.frames_analyzed > 10
    assert report.people_tracked >= 2
    assert report.events, "people walk through the plaza: some events must be found"
    assert report.summary and f"{report.people_tracked} people" in report.summary
    assert set(report.timings_s) >= {
        "raw_video",
        "thumbnail",
        "detections",
        "events",
        "highlights",
        "embeddings",
        "video_summary",
    }

    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    thumb = s3.get_object(Bucket=settings.thumbnails_bucket, Key=report.thumbnail)["Body"].read()
    assert thumb[:2] == b"\xff\xd8"  # a JPEG
    highlight_keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=settings.highlights_bucket, Prefix=f"{video_id}/").get(
            "Contents", []
        )
    ]
    assert sorted(highlight_keys) == sorted(report.highlights)

    with psycopg.connect(settings.database_url) as conn:
        first = _counts(conn, video_id)
        assert all(first[t] > 0 for t in TABLES), first
        assert first["embedded"] == first["events"]
        for _ in range(2):
            _, ok, error, _ = run_video_analysis(video_id, lambda line: None)
            assert ok, error
            assert _counts(conn, video_id) == first


@pytest.mark.parametrize(
    ("name", "content", "cause"),
    [
        ("empty.mp4", b"", "empty"),
        ("notes.mp4", b"these are not the frames you are looking for " * 40, "not a video"),
    ],
)
def test_broken_upload_fails_raw_video_and_writes_nothing(
    settings: Settings, tmp_path, unique_id, name, content, cause
):
    path = tmp_path / name
    path.write_bytes(content)
    video_id, _ = upload_video(settings, path, f"tests/{unique_id}/{name}", "default")
    _, ok, error, _ = run_video_analysis(video_id, lambda line: None)
    assert not ok
    assert "raw_video" in error and cause in error.lower()
    with psycopg.connect(settings.database_url) as conn:
        assert all(v == 0 for v in _counts(conn, video_id).values())


def test_truncated_upload_fails_with_the_cause(settings: Settings, short_clip, tmp_path, unique_id):
    data = short_clip.read_bytes()
    path = tmp_path / "cut short.mp4"
    path.write_bytes(data[: len(data) // 2])
    video_id, _ = upload_video(settings, path, f"tests/{unique_id}/cut short.mp4", "default")
    _, ok, error, _ = run_video_analysis(video_id, lambda line: None)
    assert not ok and "raw_video" in error
    with psycopg.connect(settings.database_url) as conn:
        assert _counts(conn, video_id)["videos"] == 0


@pytest.mark.slow
def test_process_command_prints_the_json_report(settings: Settings, short_clip):
    result = subprocess.run(
        [
            str(REPO_ROOT / ".venv" / "bin" / "deepsentinel"),
            "process",
            str(short_clip),
            "--camera",
            "plaza",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO_ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout)
    assert set(report) >= {
        "video_id",
        "duration_s",
        "frames_analyzed",
        "people_tracked",
        "events",
        "highlights",
        "thumbnail",
        "summary",
        "timings_s",
    }
    assert report["video_id"] == "uploads/plaza/plaza cut.mp4"
    assert report["people_tracked"] > 0
