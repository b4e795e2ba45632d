"""Reading and writing one video's rows.

Each replace runs in one transaction, so a re-run swaps a partition's rows whole and never
duplicates them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import psycopg
from psycopg.types.json import Jsonb

from deepsentinel_pipelines.video.events import TrackSummary
from deepsentinel_pipelines.video.types import Detection, Event, VideoInfo


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


def get_video(conn: psycopg.Connection, video_id: str) -> dict | None:
    """The ``videos`` row as a dict, or None."""
    cur = conn.execute("SELECT * FROM videos WHERE video_id = %s", (video_id,))
    row = cur.fetchone()
    if row is None:
        return None
    return dict(zip([c.name for c in cur.description], row, strict=True))


def set_video_fields(conn: psycopg.Connection, video_id: str, **fields: object) -> None:
    """Update named columns of a ``videos`` row (column names are code, not input)."""
    assignments = ", ".join(f"{name} = %s" for name in fields)
    conn.execute(
        f"UPDATE videos SET {assignments}, updated_at = now() WHERE video_id = %s",  # type: ignore[arg-type]
        (*fields.values(), video_id),
    )


def replace_detections(
    conn: psycopg.Connection,
    video_id: str,
    detections: Iterable[Detection],
    tracks: Sequence[TrackSummary],
) -> int:
    """Swap a video's detections and tracks (COPY); return the number of detections."""
    count = 0
    with conn.transaction():
        conn.execute("DELETE FROM detections WHERE video_id = %s", (video_id,))
        conn.execute("DELETE FROM tracks WHERE video_id = %s", (video_id,))
        with conn.cursor().copy(
            "COPY detections (video_id, frame_idx, t_s, track_id, class_id, class_name, score,"
            " x1, y1, x2, y2, keypoints) FROM STDIN"
        ) as copy:
            for d in detections:
                keypoints = (
                    None if d.keypoints is None else [v for point in d.keypoints for v in point]
                )
                copy.write_row(
                    (
                        video_id,
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
            "COPY tracks (video_id, track_id, class_name, first_s, last_s, n_frames, mean_score)"
            " FROM STDIN"
        ) as copy:
            for t in tracks:
                copy.write_row(
                    (
                        video_id,
                        t.track_id,
                        t.class_name,
                        t.first_s,
                        t.last_s,
                        t.n_frames,
                        t.mean_score,
                    )
                )
        conn.execute(
            "UPDATE videos SET people_count = %s, updated_at = now() WHERE video_id = %s",
            (sum(1 for t in tracks if t.class_name == "person"), video_id),
        )
    return count


def set_track_attributes(
    conn: psycopg.Connection, video_id: str, attributes: dict[int, dict]
) -> None:
    """Replace the attributes of a video's tracks (tracks not named get none)."""
    with conn.transaction():
        conn.execute("UPDATE tracks SET attributes = '{}' WHERE video_id = %s", (video_id,))
        for track_id, values in attributes.items():
            conn.execute(
                "UPDATE tracks SET attributes = %s WHERE video_id = %s AND track_id = %s",
                (Jsonb(values), video_id, track_id),
            )


def load_detections(conn: psycopg.Connection, video_id: str) -> list[Detection]:
    """A video's detections in frame order."""
    rows = conn.execute(
        """SELECT frame_idx, t_s, track_id, class_id, class_name, score, x1, y1, x2, y2, keypoints
           FROM detections WHERE video_id = %s ORDER BY frame_idx, track_id""",
        (video_id,),
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
    conn: psycopg.Connection, video_id: str, events: Sequence[Event]
) -> list[StoredEvent]:
    """Swap a video's events; return them with their new ids, in start order."""
    stored = []
    with conn.transaction():
        conn.execute("DELETE FROM events WHERE video_id = %s", (video_id,))
        for e in events:
            (event_id,) = conn.execute(
                """INSERT INTO events (video_id, event_type, start_s, end_s, track_id, zone,
                                       confidence, attributes, description)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING event_id""",
                (
                    video_id,
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


def load_events(conn: psycopg.Connection, video_id: str) -> list[StoredEvent]:
    """A video's stored events in start order."""
    rows = conn.execute(
        """SELECT event_id, event_type, start_s, end_s, track_id, zone, description,
                  (attributes->>'key_frame_idx')::int
           FROM events WHERE video_id = %s ORDER BY start_s, event_id""",
        (video_id,),
    )
    return [StoredEvent(*row) for row in rows]


def set_highlight_keys(conn: psycopg.Connection, video_id: str, keys: dict[int, str]) -> None:
    """Record highlight object keys by event id; events not named lose theirs."""
    with conn.transaction():
        conn.execute("UPDATE events SET highlight_key = NULL WHERE video_id = %s", (video_id,))
        for event_id, key in keys.items():
            conn.execute(
                "UPDATE events SET highlight_key = %s WHERE event_id = %s AND video_id = %s",
                (key, event_id, video_id),
            )


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
