"""Reading and writing the ``event_clips`` rows of a video."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from deepsentinel_pipelines.video.clips import EncodedClip

_OF_ANALYSIS = "video_id = %s AND analysis_id IS NOT DISTINCT FROM %s"


def replace_event_clips(
    conn: psycopg.Connection,
    video_id: str,
    clips: Sequence[EncodedClip],
    *,
    analysis_id: int | None,
) -> None:
    """Swap the clip rows of one analysis of a video in one transaction."""
    with conn.transaction():
        conn.execute(f"DELETE FROM event_clips WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
        for c in clips:
            conn.execute(
                """INSERT INTO event_clips (event_id, video_id, analysis_id, clip_key, start_s,
                                            end_s, frames, width, height)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)""",
                (
                    c.event_id,
                    video_id,
                    analysis_id,
                    c.key,
                    c.start_s,
                    c.end_s,
                    c.frames,
                    c.width,
                    c.height,
                ),
            )


def clip_keys(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> dict[int, str]:
    """``{event_id: clip_key}`` of one analysis of a video, in event start order."""
    rows = conn.execute(
        """SELECT c.event_id, c.clip_key FROM event_clips c JOIN events e USING (event_id)
           WHERE c.video_id = %s AND c.analysis_id IS NOT DISTINCT FROM %s
           ORDER BY e.start_s, c.event_id""",
        (video_id, analysis_id),
    )
    return dict(rows.fetchall())


def current_clip_keys(conn: psycopg.Connection, video_id: str) -> dict[int, str]:
    """``{event_id: clip_key}`` of the video's current (published) analysis."""
    rows = conn.execute(
        """SELECT c.event_id, c.clip_key FROM qa.event_clips c JOIN events e USING (event_id)
           WHERE c.video_id = %s ORDER BY e.start_s, c.event_id""",
        (video_id,),
    )
    return dict(rows.fetchall())


def clip_key_of_event(conn: psycopg.Connection, event_id: int) -> str | None:
    """The clip key of one event, or None when it has no clip."""
    row = conn.execute(
        "SELECT clip_key FROM event_clips WHERE event_id = %s", (event_id,)
    ).fetchone()
    return None if row is None else str(row[0])
