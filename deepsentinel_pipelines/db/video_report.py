"""What a finished run left for one video, as `deepsentinel process` reports it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg


@dataclass(frozen=True)
class VideoResults:
    """The video's row, and its current analysis's event counts and highlight frames."""

    duration_s: float
    frames_analyzed: int
    people_tracked: int
    thumbnail_key: str | None
    summary: str | None
    event_counts: dict[str, int]
    highlight_keys: list[str]
    camera: str = "default"
    recorded_at: datetime | None = None
    recorded_at_source: str | None = None


def video_results(conn: psycopg.Connection, video_id: str) -> VideoResults:
    """The results of one video (defaults for a video without a row)."""
    row = conn.execute(
        """SELECT duration_s, frames_analyzed, people_count, thumbnail_key, summary,
                  camera, recorded_at, recorded_at_source
           FROM videos WHERE video_id = %s""",
        (video_id,),
    ).fetchone()
    # The qa views show the video's current analysis only.
    counts = conn.execute(
        """SELECT event_type, count(*) FROM qa.events WHERE video_id = %s
           GROUP BY event_type ORDER BY event_type""",
        (video_id,),
    ).fetchall()
    highlights = conn.execute(
        """SELECT highlight_key FROM qa.events WHERE video_id = %s
           AND highlight_key IS NOT NULL ORDER BY start_s, event_id""",
        (video_id,),
    ).fetchall()
    if row is None:
        return VideoResults(0.0, 0, 0, None, None, dict(counts), [r[0] for r in highlights])
    duration, frames, people, thumbnail, summary, camera, recorded_at, source = row
    return VideoResults(
        duration,
        frames or 0,
        people or 0,
        thumbnail,
        summary,
        dict(counts),
        [r[0] for r in highlights],
        camera,
        recorded_at,
        source,
    )
