"""Analyses of a video: started by a run, built step by step, published in one transaction.

A run writes every row under its own analysis id; readers (the ``qa`` views, summaries) see
only the video's current analysis, so a half-finished run is never visible and a run that dies
leaves the previous complete analysis answering.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from deepsentinel_pipelines.db.video_rows import get_video


@dataclass(frozen=True)
class RunVideo:
    """The ``videos`` row as one run's analysis sees it: the analysis's own columns over it.

    ``analysis_id`` and ``s3_etag`` name the analysis and the object version it pinned.
    """

    video_id: str
    s3_key: str
    s3_etag: str | None
    camera: str
    width: int
    height: int
    rotation: int
    duration_s: float
    analysis_fps: float | None
    thumbnail_key: str | None
    recorded_at: datetime | None
    analysis_id: int | None
    current_analysis_id: int | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RunVideo:
        """From the merged row; an analysis keeps its columns as JSON (times as ISO text)."""
        recorded = row.get("recorded_at")
        return cls(
            video_id=row["video_id"],
            s3_key=row["s3_key"],
            s3_etag=row.get("s3_etag"),
            camera=row["camera"],
            width=row["width"],
            height=row["height"],
            rotation=row["rotation"],
            duration_s=row["duration_s"],
            analysis_fps=row["analysis_fps"],
            thumbnail_key=row["thumbnail_key"],
            recorded_at=datetime.fromisoformat(recorded) if isinstance(recorded, str) else recorded,
            analysis_id=row["analysis_id"],
            current_analysis_id=row["current_analysis_id"],
        )


@dataclass(frozen=True)
class Published:
    """The analysis now current, and the ones it replaced (their rows are gone)."""

    analysis_id: int
    replaced: tuple[int, ...]


def start_analysis(
    conn: psycopg.Connection, video_id: str, run_key: str, etag: str, columns: dict[str, object]
) -> int:
    """The analysis of this run (created, or continued by a retried run); its id.

    ``columns`` are the probed ``videos`` columns: a new video gets its row with them (hidden
    from the ``qa`` views until published); a known video keeps its row until publication.
    """
    names = ", ".join(columns)
    with conn.transaction():
        conn.execute(
            f"""INSERT INTO videos (video_id, {names})
                VALUES (%s, {", ".join(["%s"] * len(columns))})
                ON CONFLICT (video_id) DO NOTHING""",  # type: ignore[arg-type]  # names are code
            (video_id, *columns.values()),
        )
        (analysis_id,) = conn.execute(
            """INSERT INTO analyses (video_id, run_key, s3_etag, video)
               VALUES (%s, %s, %s, %s)
               ON CONFLICT (run_key) DO UPDATE
                   SET s3_etag = EXCLUDED.s3_etag, video = analyses.video || EXCLUDED.video
               RETURNING analysis_id""",
            (video_id, run_key, etag, Jsonb(columns)),
        ).fetchone()
    return analysis_id


def derive_analysis(conn: psycopg.Connection, video_id: str, run_key: str) -> int | None:
    """A new analysis for a run that re-derives from the current one's detections; its id.

    The current analysis's detections and tracks are copied into it (one transaction), so
    publishing it keeps them. None when the run already has its analysis (the first of its
    steps made it) or the video has no current analysis to derive from.
    """
    with conn.transaction():
        row = conn.execute(
            """INSERT INTO analyses (video_id, run_key, s3_etag, video)
               SELECT a.video_id, %s, a.s3_etag, a.video
               FROM analyses a JOIN videos v ON v.current_analysis_id = a.analysis_id
               WHERE v.video_id = %s
               ON CONFLICT (run_key) DO NOTHING
               RETURNING analysis_id,
                         (SELECT current_analysis_id FROM videos WHERE video_id = %s)""",
            (run_key, video_id, video_id),
        ).fetchone()
        if row is None:
            return None
        analysis_id, source = row
        conn.execute(
            """INSERT INTO detections (video_id, analysis_id, frame_idx, t_s, track_id, class_id,
                                       class_name, score, x1, y1, x2, y2, keypoints)
               SELECT video_id, %s, frame_idx, t_s, track_id, class_id, class_name, score,
                      x1, y1, x2, y2, keypoints
               FROM detections WHERE video_id = %s AND analysis_id = %s""",
            (analysis_id, video_id, source),
        )
        conn.execute(
            """INSERT INTO tracks (video_id, analysis_id, track_id, class_name, first_s, last_s,
                                   n_frames, mean_score, attributes)
               SELECT video_id, %s, track_id, class_name, first_s, last_s, n_frames,
                      mean_score, attributes
               FROM tracks WHERE video_id = %s AND analysis_id = %s""",
            (analysis_id, video_id, source),
        )
    return analysis_id


def analysis_of_run(conn: psycopg.Connection, video_id: str, run_key: str) -> RunVideo | None:
    """What a step of this run works on: the ``videos`` row as this analysis will publish it.

    ``analysis_id`` and ``s3_etag`` name the analysis and object version. A run that did not
    start an analysis (one step re-materialized on its own) works on the current one; None
    when the video is unknown.
    """
    video = get_video(conn, video_id)
    if video is None:
        return None
    row = conn.execute(
        "SELECT analysis_id, s3_etag, video FROM analyses WHERE run_key = %s AND video_id = %s",
        (run_key, video_id),
    ).fetchone()
    if row is None:
        return RunVideo.from_row(video | {"analysis_id": video["current_analysis_id"]})
    analysis_id, etag, columns = row
    return RunVideo.from_row(video | columns | {"analysis_id": analysis_id, "s3_etag": etag})


def publish_analysis(conn: psycopg.Connection, video_id: str, analysis_id: int) -> Published:
    """Make an analysis the video's current one and drop the others, in one transaction."""
    with conn.transaction():
        (columns, etag) = conn.execute(
            "SELECT video, s3_etag FROM analyses WHERE analysis_id = %s FOR UPDATE",
            (analysis_id,),
        ).fetchone()
        assignments = "".join(f", {name} = %s" for name in columns)
        conn.execute(
            f"""UPDATE videos SET current_analysis_id = %s, s3_etag = %s{assignments},
                       updated_at = now()
                WHERE video_id = %s""",  # type: ignore[arg-type]  # names written by our code
            (analysis_id, etag, *columns.values(), video_id),
        )
        conn.execute(
            "UPDATE analyses SET published_at = now() WHERE analysis_id = %s", (analysis_id,)
        )
        replaced = tuple(
            r[0]
            for r in conn.execute(
                """DELETE FROM analyses WHERE video_id = %s AND analysis_id <> %s
                   RETURNING analysis_id""",
                (video_id, analysis_id),
            )
        )
        # Rows written before analyses existed: superseded now.
        for table in ("detections", "tracks", "events", "occupancy", "event_clips"):
            conn.execute(
                f"DELETE FROM {table} WHERE video_id = %s AND analysis_id IS NULL",  # type: ignore[arg-type]
                (video_id,),
            )
    return Published(analysis_id, replaced)
