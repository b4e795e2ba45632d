"""Reading and writing one video's rows.

Rows belong to an analysis (``analysis_id``; None for rows written without one). Each replace
runs in one transaction on one analysis, so a re-run of a step swaps its rows whole and never
duplicates them; the video switches to a finished analysis in ``db/analyses.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import psycopg
from psycopg.types.json import Jsonb

from deepsentinel_pipelines.video.types import Detection, Event, TrackSummary, VideoInfo


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


def replace_detections(
    conn: psycopg.Connection,
    video_id: str,
    detections: Iterable[Detection],
    tracks: Sequence[TrackSummary],
    *,
    analysis_id: int | None,
) -> int:
    """Swap an analysis' detections and tracks (COPY); return the number of detections."""
    count = 0
    with conn.transaction():
        conn.execute(f"DELETE FROM detections WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
        conn.execute(f"DELETE FROM tracks WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
        with conn.cursor().copy(
            "COPY detections (video_id, analysis_id, frame_idx, t_s, track_id, class_id,"
            " class_name, score, x1, y1, x2, y2, keypoints) FROM STDIN"
        ) as copy:
            for d in detections:
                keypoints = (
                    None if d.keypoints is None else [v for point in d.keypoints for v in point]
                )
                copy.write_row(
                    (
                        video_id,
                        analysis_id,
                        d.frame_idx,
                        d.t_s,
                        d.track_id,
                        d.class_id,
                        d.class_name,
                        d.score,
                        *d.box,
                        keypoints,
                    )
                )
                count += 1
        with conn.cursor().copy(
            "COPY tracks (video_id, analysis_id, track_id, class_name, first_s, last_s,"
            " n_frames, mean_score) FROM STDIN"
        ) as copy:
            for t in tracks:
                copy.write_row(
                    (
                        video_id,
                        analysis_id,
                        t.track_id,
                        t.class_name,
                        t.first_s,
                        t.last_s,
                        t.n_frames,
                        t.mean_score,
                    )
                )
        set_result_fields(
            conn,
            video_id,
            analysis_id,
            people_count=sum(1 for t in tracks if t.class_name == "person"),
        )
    return count


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


def load_detections(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> list[Detection]:
    """An analysis' detections in frame order."""
    rows = conn.execute(
        f"""SELECT frame_idx, t_s, track_id, class_id, class_name, score, x1, y1, x2, y2,
                   keypoints
            FROM detections WHERE {_OF_ANALYSIS} ORDER BY frame_idx, track_id""",
        (video_id, analysis_id),
    )
    detections = []
    for frame_idx, t_s, track_id, class_id, class_name, score, x1, y1, x2, y2, kp in rows:
        keypoints = (
            None
            if kp is None
            else tuple((kp[i], kp[i + 1], kp[i + 2]) for i in range(0, len(kp), 3))
        )
        detections.append(
            Detection(
                frame_idx, t_s, track_id, class_id, class_name, score, (x1, y1, x2, y2), keypoints
            )
        )
    return detections


def replace_events(
    conn: psycopg.Connection, video_id: str, events: Sequence[Event], *, analysis_id: int | None
) -> list[StoredEvent]:
    """Swap an analysis' events; return them with their new ids, in start order."""
    stored = []
    with conn.transaction():
        conn.execute(f"DELETE FROM events WHERE {_OF_ANALYSIS}", (video_id, analysis_id))
        for e in events:
            (event_id,) = conn.execute(
                """INSERT INTO events (video_id, analysis_id, event_type, start_s, end_s,
                                       track_id, zone, confidence, attributes, description)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING event_id""",
                (
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
                ),
            ).fetchone()
            stored.append(
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
            )
    return stored


def load_events(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> list[StoredEvent]:
    """An analysis' stored events in start order."""
    rows = conn.execute(
        f"""SELECT event_id, event_type, start_s, end_s, track_id, zone, description,
                   (attributes->>'key_frame_idx')::int
            FROM events WHERE {_OF_ANALYSIS} ORDER BY start_s, event_id""",
        (video_id, analysis_id),
    )
    return [StoredEvent(*row) for row in rows]


def load_notable_material(
    conn: psycopg.Connection, video_id: str, *, analysis_id: int | None
) -> tuple[list[StoredEvent], dict[int, list[Detection]]]:
    """What highlights and clips are drawn from.

    Returns:
        The events that have a key frame, in start order, and the analysis' detections by frame
        (a frame without any maps to ``[]``).
    """
    stored = load_events(conn, video_id, analysis_id=analysis_id)
    notable = [e for e in stored if e.key_frame_idx is not None]
    by_frame: dict[int, list[Detection]] = defaultdict(list)
    for d in load_detections(conn, video_id, analysis_id=analysis_id):
        by_frame[d.frame_idx].append(d)
    return notable, by_frame


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


def set_embeddings(conn: psycopg.Connection, event_ids: Sequence[int], vectors: np.ndarray) -> None:
    """Write event embeddings in one transaction (COPY into a temporary table, one UPDATE)."""
    with conn.transaction():
        conn.execute(
            "CREATE TEMP TABLE event_vectors (event_id bigint, embedding vector) ON COMMIT DROP"
        )
        with conn.cursor().copy("COPY event_vectors (event_id, embedding) FROM STDIN") as copy:
            for event_id, vector in zip(event_ids, vectors, strict=True):
                copy.write_row((event_id, vector))
        conn.execute(
            """UPDATE events SET embedding = v.embedding::vector
               FROM event_vectors v WHERE events.event_id = v.event_id"""
        )
