"""Reading a camera's videos over a span of time: what the day report and stitching need.

Only current analyses are read (the ``qa`` views, and detections of the current analysis); a
video with no known recording time is in no span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import psycopg

from deepsentinel_pipelines.video.camera_day import EDGE_S, DayEvent, Footage, PersonTrack


@dataclass(frozen=True)
class CameraFootage:
    """A camera's videos in a span, their person tracks (edge boxes filled in) and events."""

    footage: list[Footage]
    tracks: list[PersonTrack]
    events: list[DayEvent]


def load_camera_footage(
    conn: psycopg.Connection, camera: str, start: datetime, end: datetime, margin_s: float
) -> CameraFootage:
    """The camera's published videos overlapping ``[start - margin, end + margin)``."""
    rows = conn.execute(
        """SELECT video_id, recorded_at, duration_s, width, height FROM qa.videos
           WHERE camera = %s AND recorded_at IS NOT NULL
             AND recorded_at < %s
             AND recorded_at + duration_s * interval '1 second' > %s
           ORDER BY recorded_at, video_id""",
        (camera, end + timedelta(seconds=margin_s), start - timedelta(seconds=margin_s)),
    ).fetchall()
    footage = [Footage(v, at, float(d), int(w), int(h)) for v, at, d, w, h in rows]
    ids = [f.video_id for f in footage]
    return CameraFootage(footage, _person_tracks(conn, ids), _events(conn, ids))


def _edge_boxes(conn: psycopg.Connection, video_ids: Sequence[str], first: bool) -> dict:
    """(video, track) -> the box of a person track's first (last) sighting near that edge."""
    # The frame range keeps the scan on the (analysis_id, frame_idx) index.
    near = (
        "d.frame_idx <= v.fps * %(edge)s + 1"
        if first
        else "d.frame_idx >= v.fps * (v.duration_s - %(edge)s) - 1"
    )
    order = "d.t_s" if first else "d.t_s DESC"
    rows = conn.execute(
        f"""SELECT DISTINCT ON (d.video_id, d.track_id) d.video_id, d.track_id,
                   d.x1, d.y1, d.x2, d.y2
            FROM detections d
            JOIN videos v ON v.video_id = d.video_id
                          AND d.analysis_id IS NOT DISTINCT FROM v.current_analysis_id
            WHERE d.video_id = ANY(%(ids)s) AND d.track_id IS NOT NULL
              AND d.class_name = 'person' AND {near}
            ORDER BY d.video_id, d.track_id, {order}""",  # type: ignore[arg-type]  # code only
        {"ids": list(video_ids), "edge": EDGE_S},
    )
    return {(v, t): (x1, y1, x2, y2) for v, t, x1, y1, x2, y2 in rows}


def _person_tracks(conn: psycopg.Connection, video_ids: Sequence[str]) -> list[PersonTrack]:
    if not video_ids:
        return []
    firsts = _edge_boxes(conn, video_ids, first=True)
    lasts = _edge_boxes(conn, video_ids, first=False)
    rows = conn.execute(
        """SELECT video_id, track_id, first_s, last_s FROM qa.tracks
           WHERE video_id = ANY(%s) AND class_name = 'person'
           ORDER BY video_id, track_id""",
        (list(video_ids),),
    )
    return [
        PersonTrack(v, t, float(a), float(b), firsts.get((v, t)), lasts.get((v, t)))
        for v, t, a, b in rows
    ]


def _events(conn: psycopg.Connection, video_ids: Sequence[str]) -> list[DayEvent]:
    if not video_ids:
        return []
    rows = conn.execute(
        """SELECT video_id, event_type, start_s, track_id, zone,
                  coalesce((attributes ->> 'from_start')::boolean, false)
           FROM qa.events WHERE video_id = ANY(%s)""",
        (list(video_ids),),
    )
    return [DayEvent(v, t, float(s), tr, z, bool(f)) for v, t, s, tr, z, f in rows]


def recording_span(conn: psycopg.Connection, video_id: str) -> tuple[str, datetime, float] | None:
    """(camera, recorded_at, duration) of a video as published, or None when its time is unknown."""
    row = conn.execute(
        "SELECT camera, recorded_at, duration_s FROM videos WHERE video_id = %s", (video_id,)
    ).fetchone()
    if row is None or row[1] is None:
        return None
    return str(row[0]), row[1], float(row[2])
