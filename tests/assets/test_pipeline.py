"""End to end: a short real video through every asset against the real embedded services."""

from __future__ import annotations

import json
import subprocess

import av
import psycopg
import pytest
from dagster import AssetKey, AssetRecordsFilter, DagsterInstance

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.partitions import video_id_from_key
from deepsentinel_pipelines.runs.runner import process_file, run_video_analysis, upload_video
from deepsentinel_pipelines.settings import REPO_ROOT, Settings
from tests.media import cut_sample

TABLES = ("videos", "detections", "tracks", "events", "occupancy")


def _counts(conn: psycopg.Connection, video_id: str) -> dict[str, int]:
    return {
        table: conn.execute(
            f"SELECT count(*) FROM {table} WHERE video_id = %s", (video_id,)
        ).fetchone()[0]
        for table in (*TABLES, "event_clips")
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
    settings: Settings, short_clip, unique_id, tmp_path
):
    key = f"tests/{unique_id}/plaza cut.mp4"
    report = process_file(short_clip, key, "plaza", lambda line: None)
    assert report.success, report.error
    video_id = video_id_from_key(key)
    assert report.video_id == video_id
    assert 7.5 < report.duration_s < 8.5
    assert report.frames_analyzed > 10
    assert report.people_tracked >= 2
    assert report.events, "people walk through the plaza: some events must be found"
    assert report.summary and f"{report.people_tracked} people" in report.summary
    # Without an attribute model the stage is off: not run, and observed as off for the video.
    assert "person_attributes" not in report.timings_s
    [observed] = (
        DagsterInstance.get()
        .fetch_observations(
            AssetRecordsFilter(AssetKey("person_attributes"), asset_partitions=[video_id]), 1
        )
        .records
    )
    assert observed.asset_observation.metadata["stage"].value == "off"
    assert set(report.timings_s) >= {
        "raw_video",
        "thumbnail",
        "detections",
        "events",
        "highlights",
        "embeddings",
        "video_summary",
        "event_clips",
        "occupancy",
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
    # One clip per notable event, each an H.264 MP4 as long as its window and full size.
    assert len(report.clips) == len(report.highlights) > 0
    clip_bucket, _, clip_key = report.clips[0].removeprefix("s3://").partition("/")
    with psycopg.connect(settings.database_url) as conn:
        start_s, end_s, frames = conn.execute(
            "SELECT start_s, end_s, frames FROM event_clips WHERE clip_key = %s", (clip_key,)
        ).fetchone()
    clip_path = tmp_path / "clip.mp4"
    clip_path.write_bytes(s3.get_object(Bucket=clip_bucket, Key=clip_key)["Body"].read())
    with av.open(str(clip_path)) as container:
        stream = container.streams.video[0]
        decoded = sum(1 for _ in container.decode(stream))
        assert stream.codec_context.name == "h264"
        assert (stream.width, stream.height) == (768, 576)
        assert float(stream.duration * stream.time_base) == pytest.approx(end_s - start_s, abs=0.3)
    assert decoded == frames
    # `deepsentinel clip EVENT_ID` prints a URL for it, or saves the same bytes with --out.
    with psycopg.connect(settings.database_url) as conn:
        (event_id,) = conn.execute(
            "SELECT event_id FROM event_clips WHERE clip_key = %s", (clip_key,)
        ).fetchone()
    cli = str(REPO_ROOT / ".venv" / "bin" / "deepsentinel")
    url = subprocess.run([cli, "clip", str(event_id)], capture_output=True, text=True, check=True)
    assert url.stdout.startswith("http") and "X-Amz-Signature" in url.stdout
    saved = tmp_path / "saved.mp4"
    subprocess.run([cli, "clip", str(event_id), "--out", str(saved)], check=True)
    assert saved.read_bytes() == clip_path.read_bytes()
    assert [u.rsplit("/", 1)[1] for u in report.occupancy_images] == ["timeline.png", "heatmap.png"]
    for url in report.occupancy_images:
        bucket, _, image_key = url.removeprefix("s3://").partition("/")
        assert s3.get_object(Bucket=bucket, Key=image_key)["Body"].read()[:4] == b"\x89PNG"

    _clips_are_kept_unless_their_window_changes(settings, s3, video_id)

    with psycopg.connect(settings.database_url) as conn:
        first = _counts(conn, video_id)
        assert all(first[t] > 0 for t in TABLES), first
        assert first["embedded"] == first["events"]
        for _ in range(2):
            _, ok, error, _ = run_video_analysis(video_id, lambda line: None)
            assert ok, error
            assert _counts(conn, video_id) == first


def _clips(video_id: str, config: dict) -> dict:
    """Materialize `event_clips` alone (as a retry of the step would); its metadata."""
    from deepsentinel_pipelines.definitions import defs

    job = defs.resolve_job_def("video_analysis_job")
    result = job.execute_in_process(
        instance=DagsterInstance.get(),
        partition_key=video_id,
        asset_selection=[AssetKey("event_clips")],
        run_config={"ops": {"event_clips": {"config": config}}},
    )
    [materialization] = result.asset_materializations_for_node("event_clips")
    return {k: v.value for k, v in materialization.metadata.items()}


def _clips_are_kept_unless_their_window_changes(settings, s3, video_id: str) -> None:
    def stored() -> dict[str, tuple]:
        with psycopg.connect(settings.database_url) as conn:
            rows = conn.execute(
                "SELECT clip_key, end_s, frames FROM qa.event_clips JOIN event_clips "
                "USING (event_id, video_id, clip_key) WHERE video_id = %s",
                (video_id,),
            ).fetchall()
        return {
            k: (
                end,
                frames,
                s3.head_object(Bucket=settings.highlights_bucket, Key=k)["LastModified"],
            )
            for k, end, frames in rows
        }

    before = stored()
    again = _clips(video_id, {})
    assert again["clips_kept"] == again["clips"] == len(before) > 0
    assert stored() == before  # not cut, not uploaded again
    shorter = _clips(video_id, {"after_s": 1.0})
    after = stored()
    assert after.keys() == before.keys()
    # A window cut by the end of the video is the same with a shorter tail: its clip is kept.
    kept = [k for k in before if after[k] == before[k]]
    recut = [k for k in before if after[k] != before[k]]
    assert shorter["clips_kept"] == len(kept) and shorter["clips"] == len(before)
    assert recut and all(after[k][0] < before[k][0] and after[k][1] < before[k][1] for k in recut)


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
    video_id, _ = upload_video(path, f"tests/{unique_id}/{name}", "default")
    _, ok, error, _ = run_video_analysis(video_id, lambda line: None)
    assert not ok
    assert "raw_video" in error and cause in error.lower()
    with psycopg.connect(settings.database_url) as conn:
        assert all(v == 0 for v in _counts(conn, video_id).values())


def test_truncated_upload_fails_with_the_cause(settings: Settings, short_clip, tmp_path, unique_id):
    data = short_clip.read_bytes()
    path = tmp_path / "cut short.mp4"
    path.write_bytes(data[: len(data) // 2])
    video_id, _ = upload_video(path, f"tests/{unique_id}/cut short.mp4", "default")
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
        "clips",
        "occupancy_images",
        "thumbnail",
        "summary",
        "timings_s",
    }
    assert report["video_id"] == "uploads/plaza/plaza cut.mp4"
    assert report["people_tracked"] > 0
