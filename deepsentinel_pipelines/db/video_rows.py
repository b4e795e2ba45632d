"""Reading and writing one video's rows.

Rows belong to an analysis (``analysis_id``; None for rows written without one). Each replace
runs in one transaction on one analysis, so a re-run of a step swaps its rows whole and never
duplicates them; the video switches to a finished analysis in ``db/analyses.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import psycopg
from psycopg.types.json import Jsonb

from deepsentinel_pipelines.db.cursors import stream_rows
from deepsentinel_pipelines.video.types import Event, VideoInfo


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored, with its id."""

    event_id: int
    event_type: str
    start_s: float
    end_s: float
    track_id: int | None
    zone: str | None
    description: str
    key_frame_idx: int | None


def video_columns(
    bucket: str,
    key: str,
    camera: str,
    info: VideoInfo,
    *,
    recorded_at: datetime | None = None,
    recorded_at_source: str | None = None,
) -> dict[str, object]:
    """The ``videos`` columns a probe of one object version sets.

    ``recorded_at`` travels as ISO text: the analysis keeps these columns as JSON until it is
    published, and PostgreSQL reads the text back as a ``timestamptz``.
    """
    return {
        "s3_bucket": bucket,
        "s3_key": key,
        "camera": camera,
        "container": info.container,
        "codec": info.codec,
        "fps": info.fps,
        "frame_count": info.frame_count,
        "duration_s": info.duration_s,
        "width": info.width,
        "height": info.height,
        "rotation": info.rotation,
        "size_bytes": info.size_bytes,
        "sha256": info.sha256,
        "recorded_at": None if recorded_at is None else recorded_at.isoformat(),
        "recorded_at_source": recorded_at_source,
    }


def upsert_video(
    conn: psycopg.Connection, video_id: str, bucket: str, key: str, camera: str, info: VideoInfo
) -> None:
    """Insert or refresh a ``videos`` row from a probe."""
    conn.execute(
        """INSERT INTO videos (video_id, s3_bucket, s3_key, camera, container, codec, fps,
                               frame_count, duration_s, width, height, rotation, size_bytes, sha256)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (video_id) DO UPDATE SET
               s3_bucket = EXCLUDED.s3_bucket, s3_key = EXCLUDED.s3_key,
               camera = EXCLUDED.camera, container = EXCLUDED.container,
               codec = EXCLUDED.codec, fps = EXCLUDED.fps, frame_count = EXCLUDED.frame_count,
               duration_s = EXCLUDED.duration_s, width = EXCLUDED.width,
               height = EXCLUDED.height, rotation = EXCLUDED.rotation,
               size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256, updated_at = now()""",
        (
            video_id,
            bucket,
            key,
            camera,
            info.container,
            info.codec,
            info.fps,
            info.frame_count,
            info.duration_s,
            info.width,
            info.height,
            info.rotation,
            info.size_bytes,
            info.sha256,
        ),
    )


#: Rows of one analysis of one video (parameters: video id, analysis id or None).
_OF_ANALYSIS = "video_id = %s AND analysis_id IS NOT DISTINCT FROM %s"
#: The columns of a :class:`StoredEvent`.
_EVENT_COLUMNS = """event_id, event_type, start_s, end_s, track_id, zone, description,
                   (attributes->>'key_frame_idx')::int"""


def get_video(conn: psycopg.Connection, video_id: str) -> dict | None:
    """The ``videos`` row as a dict, or None."""
    cur = conn.execute("SELECT * FROM videos WHERE video_id = %s", (video_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([c.name for c in cur.description], row, strict=True))


def published_etags(conn: psycopg.Connection, video_ids: Sequence[str]) -> dict[str, str]:
    """The object version (ETag) of each video's current analysis, for those that have one."""
    rows = conn.execute(
        "SELECT video_id, s3_etag FROM videos WHERE video_id = ANY(%s) AND s3_etag IS NOT NULL",
        (list(video_ids),),
    )
    return dict(rows.fetchall())


def set_video_fields(conn: psycopg.Connection, video_id: str, **fields: object) -> None:
    """Update named columns of a ``videos`` row (column names are code, not input)."""
    assignments = ", ".join(f"{name} = %s" for name in fields)
    conn.execute(
        f"UPDATE videos SET {assignments}, updated_at = now() WHERE video_id = %s",  # type: ignore[arg-type]
        (*fields.values(), video_id),
    )


def clear_thumbnail_keys(conn: psycopg.Connection, keys: Sequence[str]) -> None:
    """Unset the thumbnail of the videos whose thumbnail object was deleted."""
    conn.execute(
        "UPDATE videos SET thumbnail_key = NULL, updated_at = now() WHERE thumbnail_key = ANY(%s)",
        (list(keys),),
    )


def set_result_fields(
    conn: psycopg.Connection, video_id: str, analysis_id: int | None, **fields: object
) -> None:
    """Video-level results of an analysis (people count, summary, ...), published with it.

    Without an analysis they go straight onto the ``videos`` row.
    """
    if analysis_id is None:
        set_video_fields(conn, video_id, **fields)
        return
    conn.execute(
        "UPDATE analyses SET video = video || %s WHERE analysis_id = %s",
        (Jsonb(fields), analysis_id),
    )


def set_track_attributes(
    conn: psycopg.Connection,
    video_id: str,
    attributes: dict[int, dict],
    *,
    analysis_id: int | None,
) -> None:
    """Replace the attributes of an analysis' tracks (tracks not named get none)."""
    with conn.transaction():
        conn.execute(
            f"UPDATE tracks SET attributes = '{{}}' WHERE {_OF_ANALYSIS}", (video_id, analysis_id)
        )
        for track_id, values in attributes.items():
            conn.execute(
                f"UPDATE tracks SET attributes = %s WHERE {_OF_ANALYSIS} AND track_id = %s",
                (Jsonb(values), video_id, analysis_id, track_id),
            )


def replace_events(
    conn: psycopg.Connection, video_id: str, events: Sequence[Event], *, analysis_id: int | None
) -> list[StoredEvent]:
    """Swap an analysis' events (COPY, one transaction); return them with their ids, in order.

    Ids are drawn from the events sequence up front, in the order given, so they follow it.
    """
    with conn.transaction():
        conn.execute(f"DELETE FROM events WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
        ids = sorted(
            r[0]
            for r in conn.execute(
                """SELECT nextval(pg_get_serial_sequence('events', 'event_id'))
                   FROM generate_series(1, %s)""",
                (len(events),),
            )
        )
        with conn.cursor().copy(
            "COPY events (event_id, video_id, analysis_id, event_type, start_s, end_s, track_id,"
            " zone, confidence, attributes, description) FROM STDIN"
        ) as copy:
            for event_id, e in zip(ids, events, strict=True):
                copy.write_row(
                    (
                        event_id,
                        video_id,
                        analysis_id,
                        e.event_type,
                        e.start_s,
                        e.end_s,
                        e.track_id,
                        e.zone,
                        e.confidence,
                        Jsonb({**e.attributes, "key_frame_idx": e.key_frame_idx}),
                        e.description,
                    )
                )
    return [
        StoredEvent(
            event_id,
            e.event_type,
            e.start_s,
            e.end_s,
            e.track_id,
            e.zone,
            e.description,
            e.key_frame_idx,
        )
        for event_id, e in zip(ids, events, strict=True)
    ]


def iter_events(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> Iterator[StoredEvent]:
    """An analysis' stored events in start order, read through a server-side cursor."""
    rows = stream_rows(
        conn,
        f"SELECT {_EVENT_COLUMNS} FROM events WHERE {_OF_ANALYSIS} ORDER BY start_s, event_id",
        (video_id, analysis_id),
    )
    for row in rows:
        yield StoredEvent(*row)


def event_counts(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> dict[str, int]:
    """How many events of each type an analysis has."""
    rows = conn.execute(
        f"""SELECT event_type, count(*) FROM events WHERE {_OF_ANALYSIS}
            GROUP BY event_type ORDER BY event_type""",  # type: ignore[arg-type]
        (video_id, analysis_id),
    )
    return {event_type: int(n) for event_type, n in rows}


def load_events(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> list[StoredEvent]:
    """An analysis' stored events in start order."""
    rows = conn.execute(
        f"""SELECT {_EVENT_COLUMNS} FROM events WHERE {_OF_ANALYSIS}
            ORDER BY start_s, event_id""",  # type: ignore[arg-type]
        (video_id, analysis_id),
    )
    return [StoredEvent(*row) for row in rows]


def load_notable_events(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None, limit: int | None = None
) -> list[StoredEvent]:
    """The analysis' events that have a key frame (highlights and clips), in start order.

    Args:
        conn: The application database.
        video_id: The video.
        analysis_id: Its analysis.
        limit: Only the first this many; None: all.
    """
    rows = conn.execute(
        f"""SELECT {_EVENT_COLUMNS} FROM events
            WHERE {_OF_ANALYSIS} AND attributes->>'key_frame_idx' IS NOT NULL
            ORDER BY start_s, event_id LIMIT %s""",  # type: ignore[arg-type]
        (video_id, analysis_id, limit),
    )
    return [StoredEvent(*row) for row in rows]


def set_highlight_keys(
    conn: psycopg.Connection, video_id: str, keys: dict[int, str], *, analysis_id: int | None
) -> None:
    """Record highlight object keys by event id; the analysis' events not named lose theirs."""
    with conn.transaction():
        conn.execute(
            f"UPDATE events SET highlight_key = NULL WHERE {_OF_ANALYSIS}", (video_id, analysis_id)
        )
        for event_id, key in keys.items():
            conn.execute(
                "UPDATE events SET highlight_key = %s WHERE event_id = %s AND video_id = %s",
                (key, event_id, video_id),
            )


def load_person_spans(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> list[tuple[float, float]]:
    """(first seen, last seen) in seconds of each person tracked in an analysis."""
    rows = conn.execute(
        f"SELECT first_s, last_s FROM tracks WHERE {_OF_ANALYSIS} AND class_name = 'person'",
        (video_id, analysis_id),
    )
    return [(float(a), float(b)) for a, b in rows]


@contextmanager
def embeddings_writer(
    conn: psycopg.Connection,
) -> Iterator[Callable[[Sequence[int], np.ndarray], None]]:
    """A function that stores event embeddings batch by batch, in the caller's transaction.

    Vectors are COPYed into a temporary table as they come; one UPDATE sets them all on exit.
    """
    conn.execute(
        "CREATE TEMP TABLE event_vectors (event_id bigint, embedding vector) ON COMMIT DROP"
    )
    with conn.cursor().copy("COPY event_vectors (event_id, embedding) FROM STDIN") as copy:

        def write(event_ids: Sequence[int], vectors: np.ndarray) -> None:
            for event_id, vector in zip(event_ids, vectors, strict=True):
                copy.write_row((event_id, vector))

        yield write
    conn.execute(
        """UPDATE events SET embedding = v.embedding::vector
           FROM event_vectors v WHERE events.event_id = v.event_id"""
    )
