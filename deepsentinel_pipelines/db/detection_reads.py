"""Reading one analysis's detections a frame or a track at a time, however long the video.

Rows come through server-side cursors, so a step holds one frame's (or one track's) detections,
not the video's.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import psycopg

from deepsentinel_pipelines.db.cursors import stream_rows
from deepsentinel_pipelines.video.types import Detection

_COLUMNS = "frame_idx, t_s, track_id, class_id, class_name, score, x1, y1, x2, y2, keypoints"
_OF_ANALYSIS = "video_id = %s AND analysis_id IS NOT DISTINCT FROM %s"


def _detection(row: Sequence[Any]) -> Detection:
    frame_idx, t_s, track_id, class_id, class_name, score, x1, y1, x2, y2, kp = row
    keypoints = (
        None if kp is None else tuple((kp[i], kp[i + 1], kp[i + 2]) for i in range(0, len(kp), 3))
    )
    return Detection(
        frame_idx, t_s, track_id, class_id, class_name, score, (x1, y1, x2, y2), keypoints
    )


def _stream(conn: psycopg.Connection, query: str, params: Sequence[Any]) -> Iterator[Detection]:
    """Detections a query selects (:data:`_COLUMNS`), through a server-side cursor."""
    for row in stream_rows(conn, query, params):
        yield _detection(row)


def iter_frames(
    conn: psycopg.Connection,
    video_id: str,
    analysis_id: int | None,
    *,
    first_frame: int = 0,
    last_frame: int | None = None,
    people_only: bool = False,
) -> Iterator[tuple[int, list[Detection]]]:
    """``(frame_idx, detections)`` of each frame with detections, in frame order.

    Args:
        conn: The application database.
        video_id: The video.
        analysis_id: Its analysis.
        first_frame: The first frame number read.
        last_frame: The last frame number read; None reads to the end.
        people_only: Only tracked people (what occupancy and the people count are made of).
    """
    where = [_OF_ANALYSIS, "frame_idx >= %s"]
    params: list[Any] = [video_id, analysis_id, first_frame]
    if last_frame is not None:
        where.append("frame_idx <= %s")
        params.append(last_frame)
    if people_only:
        where.append("class_name = 'person' AND track_id IS NOT NULL")
    query = (
        f"SELECT {_COLUMNS} FROM detections WHERE {' AND '.join(where)} "
        "ORDER BY frame_idx, track_id"
    )
    rows = _stream(conn, query, params)
    for frame_idx, found in itertools.groupby(rows, key=lambda d: d.frame_idx):
        yield frame_idx, list(found)


def iter_tracks(
    conn: psycopg.Connection, video_id: str, analysis_id: int | None
) -> Iterator[list[Detection]]:
    """Each confirmed track's detections, one track at a time, in track id then frame order."""
    query = (
        f"SELECT {_COLUMNS} FROM detections WHERE {_OF_ANALYSIS} AND track_id IS NOT NULL "
        "ORDER BY track_id, frame_idx"
    )
    rows = _stream(conn, query, (video_id, analysis_id))
    for _, found in itertools.groupby(rows, key=lambda d: d.track_id):
        yield list(found)


def track_count(conn: psycopg.Connection, video_id: str, analysis_id: int | None) -> int:
    """How many tracks the analysis has (as summarised at the end of its detections)."""
    (count,) = conn.execute(
        f"SELECT count(*) FROM tracks WHERE {_OF_ANALYSIS}",  # type: ignore[arg-type]
        (video_id, analysis_id),
    ).fetchone()
    return int(count)


def frame_times(
    conn: psycopg.Connection, video_id: str, analysis_id: int | None
) -> list[tuple[int, float]]:
    """``(frame_idx, t_s)`` of every frame with any detection (tracked or not), in order."""
    rows = conn.execute(
        f"""SELECT frame_idx, min(t_s) FROM detections WHERE {_OF_ANALYSIS}
            GROUP BY frame_idx ORDER BY frame_idx""",  # type: ignore[arg-type]
        (video_id, analysis_id),
    )
    return [(int(f), float(t)) for f, t in rows]


def detections_at(
    conn: psycopg.Connection, video_id: str, analysis_id: int | None, frames: Iterable[int]
) -> dict[int, list[Detection]]:
    """The detections of some frames by frame number (a frame without any maps to ``[]``)."""
    wanted = sorted(set(frames))
    found: dict[int, list[Detection]] = {f: [] for f in wanted}
    rows = conn.execute(
        f"""SELECT {_COLUMNS} FROM detections WHERE {_OF_ANALYSIS} AND frame_idx = ANY(%s)
            ORDER BY frame_idx, track_id""",  # type: ignore[arg-type]
        (video_id, analysis_id, wanted),
    )
    for row in rows:
        d = _detection(row)
        found[d.frame_idx].append(d)
    return found
