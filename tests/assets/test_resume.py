"""A long analysis killed part-way resumes after its last committed chunk, losing nothing.

`detections` commits its rows every few seconds of video with a progress mark. The worker is
killed (SIGKILL) once two chunks are committed; a new run of the same object version takes
the killed run's rows over and continues from the mark with the tracker it had. Its rows equal
those of a run that was never interrupted: the same frames, the same detections, no duplicate.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from dagster import DagsterEventType, DagsterInstance, RunsFilter

from deepsentinel_pipelines.runs.runner import upload_video
from deepsentinel_pipelines.settings import Settings
from tests.child import python_child
from tests.media import cut_sample

pytestmark = pytest.mark.slow

#: Seconds of video per chunk: at the tests' 5 frames/s and batches of 16 frames, one batch.
CHUNK_S = 2.0
#: Generous: a busy 2-core machine slows a run down; only a stuck one reaches these.
PROGRESS_TIMEOUT_S = 300
RUN_TIMEOUT_S = 600
ROW = "frame_idx, t_s, track_id, class_name, score, x1, y1, x2, y2, keypoints"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twenty seconds of the plaza, people in view all along (100 analysed frames)."""
    return cut_sample(tmp_path_factory.mktemp("resume") / "resume.mp4", 20.0, 20.0)


def _detect(video_id: str) -> subprocess.Popen:
    """`raw_video` and `detections` of the video in a child process, as one run."""
    code = (
        "import sys\n"
        "from dagster import AssetKey, DagsterInstance\n"
        "from deepsentinel_pipelines.definitions import defs\n"
        "from deepsentinel_pipelines.ingest.run_history import (\n"
        "    fail_runs_of_dead_processes, process_tags)\n"
        "job = defs.resolve_job_def('video_analysis_job')\n"
        "fail_runs_of_dead_processes(DagsterInstance.get())  # as `deepsentinel process` does\n"
        "result = job.execute_in_process(\n"
        f"    instance=DagsterInstance.get(), partition_key={video_id!r}, tags=process_tags(),\n"
        "    asset_selection=[AssetKey('raw_video'), AssetKey('detections')],\n"
        f"    run_config={{'ops': {{'detections': {{'config': {{'chunk_s': {CHUNK_S}}}}}}}}},\n"
        "    raise_on_error=False)\n"
        "print(result.run_id)\n"
        "sys.exit(0 if result.success else 1)\n"
    )
    return python_child(code)


def _registered(settings: Settings, clip: Path, key: str) -> str:
    video_id, _ = upload_video(clip, key, "plaza")
    instance = DagsterInstance.get()
    if not instance.has_dynamic_partition("videos", video_id):
        instance.add_dynamic_partitions("videos", [video_id])
    return video_id


def _finished(proc: subprocess.Popen) -> str:
    out, _ = proc.communicate(timeout=RUN_TIMEOUT_S)
    assert proc.returncode == 0, out[-3000:]
    return out.strip().splitlines()[-1]


def _chunks_committed(conn: psycopg.Connection, video_id: str) -> int:
    row = conn.execute(
        "SELECT max(chunks) FROM detection_progress WHERE video_id = %s AND NOT finished",
        (video_id,),
    ).fetchone()
    return row[0] or 0


def _rows(conn: psycopg.Connection, video_id: str) -> list[tuple]:
    """The video's detections, of its latest analysis, in a comparable order."""
    (analysis_id,) = conn.execute(
        "SELECT max(analysis_id) FROM analyses WHERE video_id = %s", (video_id,)
    ).fetchone()
    rows = conn.execute(
        f"SELECT {ROW} FROM detections WHERE analysis_id = %s ORDER BY frame_idx, x1, y1",
        (analysis_id,),
    )
    return [(*row[:-1], tuple(row[-1] or ())) for row in rows]


def _metadata(run_id: str) -> dict:
    """The metadata of the run's `detections` materialization."""
    records = DagsterInstance.get().get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION
    )
    [materialization] = [
        m
        for r in records.records
        if (m := r.event_log_entry.asset_materialization) and m.asset_key.path == ["detections"]
    ]
    return {k: v.value for k, v in materialization.metadata.items()}


def test_killed_detections_resume_after_the_last_chunk(
    settings: Settings, clip: Path, unique_id: str
) -> None:
    clean_id = _registered(settings, clip, f"tests/{unique_id}/clean.mp4")
    clean_run = _finished(_detect(clean_id))
    video_id = _registered(settings, clip, f"tests/{unique_id}/killed.mp4")
    proc = _detect(video_id)
    deadline = time.monotonic() + PROGRESS_TIMEOUT_S
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        while _chunks_committed(conn, video_id) < 2:
            assert proc.poll() is None, f"the run ended early: {proc.stdout.read()[-2000:]}"
            assert time.monotonic() < deadline, "no two chunks committed in time"
            time.sleep(0.1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        committed = _chunks_committed(conn, video_id)
        partial = len({r[0] for r in _rows(conn, video_id)})
    assert committed >= 2 and partial > 0

    resumed_run = _finished(_detect(video_id))

    resumed = _metadata(resumed_run)
    clean = _metadata(clean_run)
    assert resumed["resumed_at_frame"] > 0
    assert resumed["chunks"] == clean["chunks"] and resumed["chunks"] > committed
    assert resumed["frames_analyzed"] == clean["frames_analyzed"] == 100
    with psycopg.connect(settings.database_url) as conn:
        rows, clean_rows = _rows(conn, video_id), _rows(conn, clean_id)
        people = conn.execute(
            """SELECT DISTINCT ON (video_id) video_id, (video->>'people_count')::int
               FROM analyses WHERE video_id = ANY(%s) ORDER BY video_id, analysis_id DESC""",
            ([video_id, clean_id],),
        ).fetchall()
    # Every frame once, no row twice, and the same rows (track ids included) as the clean run.
    assert len(rows) == len(set(rows))
    assert {r[0] for r in rows} == {r[0] for r in clean_rows}
    assert rows == clean_rows
    counts = dict(people)
    assert counts[video_id] == counts[clean_id] > 0
    # The killed run was marked failed (it held the GPU slot the resumed run needed).
    runs = DagsterInstance.get().get_runs(filters=RunsFilter(tags={"dagster/partition": video_id}))
    assert sorted(r.status.value for r in runs) == ["FAILURE", "SUCCESS"]
