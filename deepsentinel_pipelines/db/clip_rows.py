"""Reading and writing the ``event_clips`` rows of a video."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import psycopg

from deepsentinel_pipelines.video.clips import EncodedClip

_OF_ANALYSIS = "video_id = %s AND analysis_id IS NOT DISTINCT FROM %s"


@dataclass(frozen=True)
class ClipRow:
    """A clip as recorded: where it is and what it shows."""

    clip_key: str
    start_s: float
    end_s: float
    frames: int


def save_event_clip(
    conn: psycopg.Connection, video_id: str, clip: EncodedClip, *, analysis_id: int | None
) -> None:
    """Record one clip (replacing its event's earlier clip), in the caller's transaction."""
    conn.execute(
        """INSERT INTO event_clips (event_id, video_id, analysis_id, clip_key, start_s, end_s,
                                    frames, width, height)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (event_id) DO UPDATE SET
               video_id = EXCLUDED.video_id, analysis_id = EXCLUDED.analysis_id,
               clip_key = EXCLUDED.clip_key, start_s = EXCLUDED.start_s, end_s = EXCLUDED.end_s,
               frames = EXCLUDED.frames, width = EXCLUDED.width, height = EXCLUDED.height""",
        (
            clip.event_id,
            video_id,
            analysis_id,
            clip.key,
            clip.start_s,
            clip.end_s,
            clip.frames,
            clip.width,
            clip.height,
        ),
    )


def recorded_clips(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> dict[int, ClipRow]:
    """The clips one analysis of a video has recorded, by event id."""
    rows = conn.execute(
        f"""SELECT event_id, clip_key, start_s, end_s, frames FROM event_clips
            WHERE {_OF_ANALYSIS}""",  # type: ignore[arg-type]
        (video_id, analysis_id),
    )
    return {
        event_id: ClipRow(key, start, end, frames) for event_id, key, start, end, frames in rows
    }


def drop_event_clips(
    conn: psycopg.Connection, video_id: str, event_ids: Sequence[int], *, analysis_id: int | None
) -> None:
    """Delete the named clip rows of one analysis of a video."""
    conn.execute(
        f"DELETE FROM event_clips WHERE {_OF_ANALYSIS} AND event_id = ANY(%s)",  # type: ignore[arg-type]
        (video_id, analysis_id, list(event_ids)),
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
