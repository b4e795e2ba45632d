"""Chunked detections in the real database: resume, take-over, clearing and track summaries."""

from __future__ import annotations

import psycopg
import pytest

from deepsentinel_pipelines.db.analyses import start_analysis
from deepsentinel_pipelines.db.detection_chunks import (
    DetectionProgress,
    begin_detections,
    copy_detections,
    finish_detections,
    resumable,
    save_progress,
)
from deepsentinel_pipelines.db.video_rows import video_columns
from deepsentinel_pipelines.video.types import Detection, VideoInfo

INFO = VideoInfo("mp4", "h264", 10.0, 100, 10.0, 768, 576, 0, 1000, "0" * 64)
RECIPE = "w1-i1280-openvino-int8|cpu:openvino-int8|fps5|conf0.25|batch16|gate1"


def _person(frame: int, track: int | None, score: float, class_name: str = "person") -> Detection:
    box = (10.0 * frame, 20.0, 10.0 * frame + 40.0, 120.0)
    return Detection(frame, frame / 10, track, 0, class_name, score, box)


def _analysis(conn: psycopg.Connection, video_id: str, run: str, etag: str = "e1") -> int:
    return start_analysis(
        conn, video_id, f"{video_id}:{run}", etag, video_columns("b", video_id, "plaza", INFO)
    )


def _progress(next_frame: int, chunks: int) -> DetectionProgress:
    return DetectionProgress(next_frame, next_frame // 2, next_frame // 2, 0, chunks, b"state")


def _commit(conn, video_id, analysis_id, frames, progress, etag="e1", recipe=RECIPE) -> None:
    with conn.transaction():
        copy_detections(conn, video_id, analysis_id, [_person(f, 1, 0.9) for f in frames])
        save_progress(conn, video_id, analysis_id, etag, recipe, progress)


def _frames(conn, analysis_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT frame_idx FROM detections WHERE analysis_id = %s ORDER BY frame_idx",
        (analysis_id,),
    )
    return [r[0] for r in rows]


def test_a_retry_continues_its_own_analysis_after_the_last_chunk(db, unique_id) -> None:
    video_id = f"tests/{unique_id}/a.mp4"
    analysis = _analysis(db, video_id, "run1")
    assert resumable(db, analysis)
    assert begin_detections(db, video_id, analysis, "e1", RECIPE) is None  # a first start
    _commit(db, video_id, analysis, [0, 2, 4], _progress(5, 1))
    _commit(db, video_id, analysis, [6, 8], _progress(9, 2))
    resumed = begin_detections(db, video_id, analysis, "e1", RECIPE)
    assert resumed == _progress(9, 2)
    assert _frames(db, analysis) == [0, 2, 4, 6, 8]


def test_another_recipe_or_object_version_starts_over(db, unique_id) -> None:
    video_id = f"tests/{unique_id}/b.mp4"
    analysis = _analysis(db, video_id, "run1")
    _commit(db, video_id, analysis, [0, 2], _progress(3, 1))
    assert begin_detections(db, video_id, analysis, "e1", RECIPE + "-other") is None
    assert _frames(db, analysis) == []
    _commit(db, video_id, analysis, [0, 2], _progress(3, 1))
    assert begin_detections(db, video_id, analysis, "e2", RECIPE) is None
    assert _frames(db, analysis) == []


def test_a_relaunched_run_takes_over_the_failed_runs_rows(db, unique_id) -> None:
    video_id = f"tests/{unique_id}/c.mp4"
    failed = _analysis(db, video_id, "failed")
    _commit(db, video_id, failed, [0, 2, 4], _progress(5, 1))
    relaunched = _analysis(db, video_id, "relaunched")
    assert begin_detections(db, video_id, relaunched, "e1", RECIPE) == _progress(5, 1)
    assert _frames(db, relaunched) == [0, 2, 4]
    assert _frames(db, failed) == []
    # A finished or published analysis is never taken over.
    with db.transaction():
        finish_detections(db, video_id, relaunched)
    third = _analysis(db, video_id, "third")
    assert begin_detections(db, video_id, third, "e1", RECIPE) is None


def test_a_published_analysis_is_not_written_chunk_by_chunk(db, unique_id) -> None:
    video_id = f"tests/{unique_id}/d.mp4"
    analysis = _analysis(db, video_id, "run1")
    db.execute("UPDATE analyses SET published_at = now() WHERE analysis_id = %s", (analysis,))
    assert not resumable(db, analysis)
    assert not resumable(db, None)


def test_tracks_are_summarised_from_the_committed_rows(db, unique_id) -> None:
    video_id = f"tests/{unique_id}/e.mp4"
    analysis = _analysis(db, video_id, "run1")
    rows = [
        _person(0, 1, 0.5),
        _person(2, 1, 0.7),
        _person(2, 1, 0.9),  # the tracker repeated id 1 on frame 2: the surer box counts
        _person(4, 1, 0.6),
        _person(4, None, 0.8),  # unconfirmed: no track
        _person(6, 2, 0.4, "bicycle"),
        _person(8, 2, 0.5, "bicycle"),
        _person(10, 2, 0.6, "person"),
    ]
    with db.transaction():
        copy_detections(db, video_id, analysis, rows)
        totals = finish_detections(db, video_id, analysis)
    assert (totals.detections, totals.person_detections, totals.tracks, totals.people) == (
        8,
        6,
        2,
        1,
    )
    tracks = db.execute(
        """SELECT track_id, class_name, first_s, last_s, n_frames, mean_score FROM tracks
           WHERE analysis_id = %s ORDER BY track_id""",
        (analysis,),
    ).fetchall()
    assert tracks == [
        (1, "person", 0.0, 0.4, 3, pytest.approx(0.6667, abs=1e-4)),
        (2, "bicycle", 0.6, 1.0, 3, pytest.approx(0.5, abs=1e-4)),
    ]
    people = db.execute(
        "SELECT (video->>'people_count')::int FROM analyses WHERE analysis_id = %s", (analysis,)
    ).fetchone()[0]
    assert people == 1
