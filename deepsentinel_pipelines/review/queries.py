"""What the review pages read, through the reader login and the ``qa`` views only.

Every statement here is written by the code (names and ids only as parameters) and runs on a
connection logged in as ``deepsentinel_reader``, with its limits; the views show each video's
current analysis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from deepsentinel_pipelines.video.camera_config import WHOLE_FRAME_ZONE

#: Videos listed on the front page (newest first per camera).
MAX_VIDEOS = 500
#: Events one timeline shows (a day of a busy camera holds more: the first ones are shown).
MAX_EVENTS = 5000


@dataclass(frozen=True)
class VideoRow:
    """One video as the pages list it."""

    video_id: str
    camera: str
    duration_s: float
    recorded_at: datetime | None
    thumbnail_key: str | None
    people_count: int | None
    published: bool
    summary: str | None = None
    frames_analyzed: int | None = None
    analysis_fps: float | None = None
    notable: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class EventRow:
    """One event of a current analysis, with what can be shown of it."""

    event_id: int
    video_id: str
    event_type: str
    start_s: float
    end_s: float
    track_id: int | None
    zone: str | None
    description: str
    has_highlight: bool
    has_clip: bool
    started_at: datetime | None


_VIDEO_COLUMNS = (
    "v.video_id, v.camera, v.duration_s, v.recorded_at, v.thumbnail_key, v.people_count, "
    "v.published, v.summary, v.frames_analyzed, v.analysis_fps"
)
# Notable events are those with a key frame: their highlight frame and clip were made.
_NOTABLE = """LEFT JOIN (
        SELECT video_id, jsonb_object_agg(event_type, n) AS counts
        FROM (SELECT video_id, event_type, count(*) AS n FROM qa.events
              WHERE highlight_key IS NOT NULL GROUP BY video_id, event_type) AS per_type
        GROUP BY video_id) AS notable ON notable.video_id = v.video_id"""


def _video(row: tuple) -> VideoRow:
    *columns, counts = row
    return VideoRow(*columns, notable=dict(sorted((counts or {}).items())))


def list_videos(conn: psycopg.Connection, limit: int = MAX_VIDEOS) -> list[VideoRow]:
    """Every registered video, per camera, the most recently recorded (or added) first."""
    rows = conn.execute(
        f"""SELECT {_VIDEO_COLUMNS}, notable.counts FROM qa.video_overview AS v {_NOTABLE}
            ORDER BY v.camera, v.recorded_at DESC NULLS LAST, v.created_at DESC, v.video_id
            LIMIT %s""",  # type: ignore[arg-type]  # code-written
        (limit,),
    )
    return [_video(r) for r in rows]


def find_video(conn: psycopg.Connection, video_id: str) -> VideoRow | None:
    """One video, or None when there is no such video."""
    row = conn.execute(
        f"""SELECT {_VIDEO_COLUMNS}, notable.counts FROM qa.video_overview AS v {_NOTABLE}
            WHERE v.video_id = %s""",  # type: ignore[arg-type]  # code-written
        (video_id,),
    ).fetchone()
    return None if row is None else _video(row)


def camera_videos(
    conn: psycopg.Connection, camera: str, start: datetime, end: datetime
) -> list[VideoRow]:
    """The camera's videos whose recording overlaps ``[start, end)``, in recording order."""
    rows = conn.execute(
        f"""SELECT {_VIDEO_COLUMNS}, notable.counts FROM qa.video_overview AS v {_NOTABLE}
            WHERE v.camera = %s AND v.recorded_at IS NOT NULL AND v.recorded_at < %s
              AND v.recorded_at + v.duration_s * interval '1 second' > %s
            ORDER BY v.recorded_at, v.video_id""",  # type: ignore[arg-type]  # code-written
        (camera, end, start),
    )
    return [_video(r) for r in rows]


def events_of(
    conn: psycopg.Connection, video_ids: Sequence[str], limit: int = MAX_EVENTS
) -> list[EventRow]:
    """The events of the videos' current analyses, in time order."""
    rows = conn.execute(
        """SELECT e.event_id, e.video_id, e.event_type, e.start_s, e.end_s, e.track_id, e.zone,
                  e.description, e.highlight_key IS NOT NULL, c.clip_key IS NOT NULL,
                  e.started_at
           FROM qa.events AS e
           LEFT JOIN qa.event_clips AS c ON c.event_id = e.event_id
           WHERE e.video_id = ANY(%s)
           ORDER BY coalesce(e.started_at, 'epoch'::timestamptz), e.start_s, e.event_id
           LIMIT %s""",
        (list(video_ids), limit),
    )
    return [EventRow(*r) for r in rows]


def occupancy_of(
    conn: psycopg.Connection, video_ids: Sequence[str], zone: str = WHOLE_FRAME_ZONE
) -> dict[str, list[tuple[int, int]]]:
    """Per video, (second, most people seen in a frame of it) in ``zone``, in time order."""
    rows = conn.execute(
        """SELECT video_id, second, people FROM qa.occupancy
           WHERE video_id = ANY(%s) AND zone = %s ORDER BY video_id, second""",
        (list(video_ids), zone),
    )
    curves: dict[str, list[tuple[int, int]]] = {}
    for video_id, second, people in rows:
        curves.setdefault(video_id, []).append((second, people))
    return curves


def track_spans(conn: psycopg.Connection, video_id: str) -> list[tuple[float, float]]:
    """(first seen, last seen) of each person tracked in the video."""
    rows = conn.execute(
        "SELECT first_s, last_s FROM qa.tracks WHERE video_id = %s AND class_name = 'person'",
        (video_id,),
    )
    return [(float(a), float(b)) for a, b in rows]


def camera_days(conn: psycopg.Connection, camera: str, zone: str) -> list[str]:
    """The local dates (``YYYY-MM-DD`` in ``zone``) on which the camera has recorded videos."""
    rows = conn.execute(
        """SELECT DISTINCT to_char(recorded_at AT TIME ZONE %s, 'YYYY-MM-DD') AS day
           FROM qa.video_overview WHERE camera = %s AND recorded_at IS NOT NULL
           ORDER BY day DESC""",
        (zone, camera),
    )
    return [r[0] for r in rows]


def highlight_key(conn: psycopg.Connection, event_id: int) -> str | None:
    """The highlight frame's key of an event of a current analysis."""
    row = conn.execute(
        "SELECT highlight_key FROM qa.events WHERE event_id = %s", (event_id,)
    ).fetchone()
    return None if row is None else row[0]


def clip_key(conn: psycopg.Connection, event_id: int) -> str | None:
    """The clip's key of an event of a current analysis."""
    row = conn.execute(
        "SELECT clip_key FROM qa.event_clips WHERE event_id = %s", (event_id,)
    ).fetchone()
    return None if row is None else row[0]


def thumbnail_key(conn: psycopg.Connection, video_id: str) -> str | None:
    """A video's thumbnail key."""
    row = conn.execute(
        "SELECT thumbnail_key FROM qa.video_overview WHERE video_id = %s", (video_id,)
    ).fetchone()
    return None if row is None else row[0]
