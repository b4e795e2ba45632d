"""Read-only figures the asset checks compare: embedded events, people per frame by camera."""

from __future__ import annotations

import psycopg

#: Earlier videos of a camera that make its usual level.
HISTORY_VIDEOS = 20


def embedding_counts(
    conn: psycopg.Connection, video_id: str, analysis_id: int | None
) -> tuple[int, int]:
    """(events, events with an embedding) of one analysis of a video."""
    row = conn.execute(
        """SELECT count(*), count(embedding) FROM events
           WHERE video_id = %s AND analysis_id IS NOT DISTINCT FROM %s""",
        (video_id, analysis_id),
    ).fetchone()
    return int(row[0]), int(row[1])


def highlight_keys(conn: psycopg.Connection, video_id: str, analysis_id: int | None) -> list[str]:
    """Highlight keys recorded on the events of one analysis of a video."""
    rows = conn.execute(
        """SELECT highlight_key FROM events
           WHERE video_id = %s AND analysis_id IS NOT DISTINCT FROM %s
             AND highlight_key IS NOT NULL""",
        (video_id, analysis_id),
    ).fetchall()
    return [r[0] for r in rows]


def usual_people_per_frame(conn: psycopg.Connection, camera: str, video_id: str) -> list[float]:
    """People per analysed frame of the camera's latest other videos."""
    rows = conn.execute(
        """SELECT (SELECT count(*) FROM detections d
                   WHERE d.video_id = v.video_id AND d.class_name = 'person'
                     AND d.analysis_id IS NOT DISTINCT FROM v.current_analysis_id)::float
                  / v.frames_analyzed
           FROM videos v
           WHERE v.camera = %s AND v.video_id <> %s AND v.frames_analyzed > 0
           ORDER BY v.updated_at DESC LIMIT %s""",
        (camera, video_id, HISTORY_VIDEOS),
    ).fetchall()
    return [float(r[0]) for r in rows]
