"""Reading and writing the ``event_clips`` rows of a video."""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from deepsentinel_pipelines.video.clips import EncodedClip


def replace_event_clips(
    conn: psycopg.Connection, video_id: str, clips: Sequence[EncodedClip]
) -> None:
    """Swap a video's clip rows in one transaction."""
    with conn.transaction():
        conn.execute("DELETE FROM event_clips WHERE video_id = %s", (video_id,))
        for c in clips:
            conn.execute(
                """INSERT INTO event_clips (event_id, video_id, clip_key, start_s, end_s, frames,
                                            width, height)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s)""",
                (c.event_id, video_id, c.key, c.start_s, c.end_s, c.frames, c.width, c.height),
            )


def clip_keys(conn: psycopg.Connection, video_id: str) -> dict[int, str]:
    """``{event_id: clip_key}`` of a video, in event start order."""
    rows = conn.execute(
        """SELECT c.event_id, c.clip_key FROM event_clips c JOIN events e USING (event_id)
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
