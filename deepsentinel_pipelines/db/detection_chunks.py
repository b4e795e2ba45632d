"""Writing one analysis's detections chunk by chunk, with a progress mark to resume from.

A run's own (unpublished) analysis commits each chunk with its ``detection_progress`` row in one
transaction, so a retried or re-launched step for the same object version and recipe starts
after the last committed chunk. Tracks are summarised from the committed rows at the end.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import psycopg

from deepsentinel_pipelines.db.cursors import stream_rows
from deepsentinel_pipelines.db.video_rows import set_result_fields
from deepsentinel_pipelines.video.events import track_summaries
from deepsentinel_pipelines.video.types import Detection

_OF_ANALYSIS = "video_id = %s AND analysis_id IS NOT DISTINCT FROM %s"


@dataclass(frozen=True)
class DetectionProgress:
    """How far an analysis's detections got: what the next chunk continues from."""

    next_frame_idx: int
    frames_done: int
    frames_detected: int
    frames_skipped: int
    chunks: int
    tracker_state: bytes


@dataclass(frozen=True)
class DetectionTotals:
    """An analysis's detections once every chunk is written."""

    detections: int
    person_detections: int
    tracks: int
    people: int


def resumable(conn: psycopg.Connection, analysis_id: int | None) -> bool:
    """Whether chunks of this analysis may be committed one by one (it is not published yet).

    Rows of a published analysis are what questions read: they are replaced in one
    transaction instead.
    """
    if analysis_id is None:
        return False
    with conn.transaction():
        row = conn.execute(
            "SELECT published_at IS NULL FROM analyses WHERE analysis_id = %s", (analysis_id,)
        ).fetchone()
    return bool(row and row[0])


def begin_detections(
    conn: psycopg.Connection, video_id: str, analysis_id: int, etag: str, recipe: str
) -> DetectionProgress | None:
    """Where this analysis's detections continue, in one transaction; None: from frame 0.

    The analysis's own unfinished progress for this object version and recipe is continued;
    failing that, the unfinished progress of another unpublished analysis of the same object
    version and recipe (a failed run, re-launched) is taken over with its rows. Otherwise the
    analysis's rows are cleared. Tracks are always cleared: they are summarised at the end.
    """
    columns = "next_frame_idx, frames_done, frames_detected, frames_skipped, chunks, tracker_state"
    with conn.transaction():
        row = conn.execute(
            f"""SELECT {columns} FROM detection_progress
                WHERE analysis_id = %s AND s3_etag = %s AND recipe = %s AND NOT finished
                FOR UPDATE""",  # type: ignore[arg-type]  # column names are code
            (analysis_id, etag, recipe),
        ).fetchone()
        if row is None:
            row = _adopt(conn, video_id, analysis_id, etag, recipe, columns)
        conn.execute(f"DELETE FROM tracks WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
        if row is None:
            conn.execute(f"DELETE FROM detections WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
            conn.execute("DELETE FROM detection_progress WHERE analysis_id = %s", (analysis_id,))
            return None
        progress = DetectionProgress(*row[:5], tracker_state=bytes(row[5]))
        # Nothing lies past the mark (chunks commit with it); cleared all the same.
        conn.execute(
            f"DELETE FROM detections WHERE {_OF_ANALYSIS} AND frame_idx >= %s",
            (video_id, analysis_id, progress.next_frame_idx),
        )
    return progress


def _adopt(
    conn: psycopg.Connection,
    video_id: str,
    analysis_id: int,
    etag: str,
    recipe: str,
    columns: str,
) -> tuple | None:
    """Move another unpublished analysis's unfinished detections and progress to this one."""
    found = conn.execute(
        """SELECT p.analysis_id FROM detection_progress p
           JOIN analyses a USING (analysis_id)
           WHERE p.video_id = %s AND p.s3_etag = %s AND p.recipe = %s AND NOT p.finished
             AND a.published_at IS NULL AND p.analysis_id <> %s
           ORDER BY p.updated_at DESC LIMIT 1
           FOR UPDATE OF p""",
        (video_id, etag, recipe, analysis_id),
    ).fetchone()
    if found is None:
        return None
    (previous,) = found
    conn.execute(f"DELETE FROM detections WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
    conn.execute("DELETE FROM detection_progress WHERE analysis_id = %s", (analysis_id,))
    conn.execute(
        "UPDATE detections SET analysis_id = %s WHERE video_id = %s AND analysis_id = %s",
        (analysis_id, video_id, previous),
    )
    return conn.execute(
        f"""UPDATE detection_progress SET analysis_id = %s, updated_at = now()
            WHERE analysis_id = %s RETURNING {columns}""",  # type: ignore[arg-type]
        (analysis_id, previous),
    ).fetchone()


def clear_detections(conn: psycopg.Connection, video_id: str, analysis_id: int | None) -> None:
    """Delete an analysis's detections and tracks (the start of a whole, one-transaction write)."""
    conn.execute(f"DELETE FROM detections WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
    conn.execute(f"DELETE FROM tracks WHERE {_OF_ANALYSIS}", (video_id, analysis_id))


def discard_progress(conn: psycopg.Connection, video_id: str, analysis_id: int) -> None:
    """Forget how far an analysis got and delete its rows: its detections start over."""
    clear_detections(conn, video_id, analysis_id)
    conn.execute("DELETE FROM detection_progress WHERE analysis_id = %s", (analysis_id,))


def copy_detections(
    conn: psycopg.Connection,
    video_id: str,
    analysis_id: int | None,
    detections: Iterable[Detection],
) -> int:
    """COPY detections into an analysis (in the caller's transaction); return how many."""
    count = 0
    with conn.cursor().copy(
        "COPY detections (video_id, analysis_id, frame_idx, t_s, track_id, class_id,"
        " class_name, score, x1, y1, x2, y2, keypoints) FROM STDIN"
    ) as copy:
        for d in detections:
            keypoints = None if d.keypoints is None else [v for point in d.keypoints for v in point]
            copy.write_row(
                (
                    video_id,
                    analysis_id,
                    d.frame_idx,
                    d.t_s,
                    d.track_id,
                    d.class_id,
                    d.class_name,
                    d.score,
                    *d.box,
                    keypoints,
                )
            )
            count += 1
    return count


def save_progress(
    conn: psycopg.Connection,
    video_id: str,
    analysis_id: int,
    etag: str,
    recipe: str,
    progress: DetectionProgress,
) -> None:
    """Record how far detections got (in the transaction that committed the chunk)."""
    conn.execute(
        """INSERT INTO detection_progress (analysis_id, video_id, s3_etag, recipe,
               next_frame_idx, frames_done, frames_detected, frames_skipped, chunks, tracker_state)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (analysis_id) DO UPDATE SET
               s3_etag = EXCLUDED.s3_etag, recipe = EXCLUDED.recipe,
               next_frame_idx = EXCLUDED.next_frame_idx, frames_done = EXCLUDED.frames_done,
               frames_detected = EXCLUDED.frames_detected,
               frames_skipped = EXCLUDED.frames_skipped, chunks = EXCLUDED.chunks,
               tracker_state = EXCLUDED.tracker_state, finished = false, updated_at = now()""",
        (
            analysis_id,
            video_id,
            etag,
            recipe,
            progress.next_frame_idx,
            progress.frames_done,
            progress.frames_detected,
            progress.frames_skipped,
            progress.chunks,
            progress.tracker_state,
        ),
    )


def finish_detections(
    conn: psycopg.Connection, video_id: str, analysis_id: int | None
) -> DetectionTotals:
    """Summarise the analysis's tracks from its rows and count them (caller's transaction).

    Tracks are read one at a time. Scores are stored as ``real``; the detector rounded them to
    4 places, so rounding them again recovers its values and the summaries equal those of the
    detections in memory (:func:`~deepsentinel_pipelines.video.events.track_summaries`).
    """
    rows = stream_rows(
        conn,
        f"""SELECT frame_idx, t_s, track_id, class_name, score FROM detections
            WHERE {_OF_ANALYSIS} AND track_id IS NOT NULL ORDER BY track_id, frame_idx""",
        (video_id, analysis_id),
    )
    summaries = []
    for _, track in itertools.groupby(rows, key=lambda r: r[2]):
        detections = [
            Detection(frame_idx, t_s, track_id, 0, class_name, round(score, 4), (0, 0, 0, 0))
            for frame_idx, t_s, track_id, class_name, score in track
        ]
        summaries += track_summaries(detections)
    conn.execute(f"DELETE FROM tracks WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
    with conn.cursor().copy(
        "COPY tracks (video_id, analysis_id, track_id, class_name, first_s, last_s, n_frames,"
        " mean_score) FROM STDIN"
    ) as copy:
        for t in summaries:
            copy.write_row(
                (
                    video_id,
                    analysis_id,
                    t.track_id,
                    t.class_name,
                    t.first_s,
                    t.last_s,
                    t.n_frames,
                    t.mean_score,
                )
            )
    (detections_n, person_detections) = conn.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE class_name = 'person')
            FROM detections WHERE {_OF_ANALYSIS}""",  # type: ignore[arg-type]
        (video_id, analysis_id),
    ).fetchone()
    people = sum(1 for t in summaries if t.class_name == "person")
    set_result_fields(conn, video_id, analysis_id, people_count=people)
    if analysis_id is not None:
        conn.execute(
            "UPDATE detection_progress SET finished = true, updated_at = now() "
            "WHERE analysis_id = %s",
            (analysis_id,),
        )
    return DetectionTotals(detections_n, person_detections, len(summaries), people)
