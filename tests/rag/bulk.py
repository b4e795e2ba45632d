"""A data set big enough to make a costly statement costly, and how one hostile statement went.

Two videos with 10,000 events, 500 tracks and 4 x 1,200 occupancy rows each (loaded with COPY,
then ANALYZEd so the planner knows their sizes): a join on ``video_id`` alone would produce
10^8 rows, many seconds of work, so a statement that finishes within its timeout finished
because it was bounded, not because the tables were small. Used by
``tests/rag/test_hostile_cost.py`` and ``bench/hostile_sql.py``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import psycopg

from deepsentinel_pipelines.rag.model_sql import run_model_statement
from deepsentinel_pipelines.rag.sql_guard import UnsafeSQLError, validate_sql
from deepsentinel_pipelines.video.types import EVENT_TYPES

EVENTS_PER_VIDEO = 10_000
TRACKS_PER_VIDEO = 500
OCCUPANCY_SECONDS = 1_200
ZONES = ("entrance", "bench", "gate", "platform")
#: The statement timeout model SQL runs under (the pipeline's default).
TIMEOUT_MS = 2_000
_TSVECTOR = re.compile(r"'[a-z0-9]+':[0-9]")
# pgvector's text form: "[0.0123,-0.98,...]" (a stored embedding has 384 or 1024 of them).
_VECTOR = re.compile(r"\[-?[0-9.e-]+(?:,-?[0-9.e-]+){100,}\]")


def looks_forbidden(value: object) -> bool:
    """Whether a value looks like a stored vector or a tsvector (what the grants keep out)."""
    if isinstance(value, list | tuple):
        return any(looks_forbidden(v) for v in value)
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value) >= 4 * 384
    text = str(value)
    return bool(_VECTOR.search(text) or _TSVECTOR.search(text))


def load_bulk(conn: psycopg.Connection, tag: str) -> list[str]:
    """Insert the two videos and their rows under ids holding ``tag``; return the video ids."""
    video_ids = [f"hostile-{tag}-{side}" for side in ("a", "b")]
    summary = "A long stored summary of the day's footage. " * 40  # ~1,800 characters
    with conn.transaction():
        for number, video_id in enumerate(video_ids):
            conn.execute(
                """INSERT INTO videos (video_id, s3_bucket, s3_key, camera, container, codec, fps,
                       frame_count, duration_s, width, height, size_bytes, sha256, summary,
                       people_count)
                   VALUES (%s, 'raw-videos', %s, %s, 'mp4', 'h264', 10, 12000, 1200, 768, 576,
                           1, 'x', %s, %s)""",
                (video_id, f"{video_id}.mp4", f"cam-{number}", summary, TRACKS_PER_VIDEO),
            )
        with conn.cursor().copy(
            "COPY events (video_id, event_type, start_s, end_s, track_id, zone, confidence,"
            " description) FROM STDIN"
        ) as copy:
            for video_id in video_ids:
                for i in range(EVENTS_PER_VIDEO):
                    start = (i * 0.12) % OCCUPANCY_SECONDS
                    kind = EVENT_TYPES[i % len(EVENT_TYPES)]
                    zone = ZONES[i % 5] if i % 5 < len(ZONES) else None
                    track = i % TRACKS_PER_VIDEO
                    copy.write_row(
                        (
                            video_id,
                            kind,
                            start,
                            start + 2.5,
                            track,
                            zone,
                            0.9,
                            f"Person {track} {kind.replace('_', ' ')} in zone {zone or 'none'} "
                            f"at second {start:.1f}, seen by the camera for 2.5 s",
                        )
                    )
        with conn.cursor().copy(
            "COPY tracks (video_id, track_id, class_name, first_s, last_s, n_frames, mean_score)"
            " FROM STDIN"
        ) as copy:
            for video_id in video_ids:
                for track in range(TRACKS_PER_VIDEO):
                    copy.write_row((video_id, track, "person", track, track + 30.0, 300, 0.8))
        with conn.cursor().copy(
            "COPY occupancy (video_id, zone, second, people, mean_people) FROM STDIN"
        ) as copy:
            for video_id in video_ids:
                for zone in ("frame", *ZONES[:3]):
                    for second in range(OCCUPANCY_SECONDS):
                        copy.write_row((video_id, zone, second, second % 7, (second % 7) / 2))
    for table in ("videos", "events", "tracks", "occupancy"):
        conn.execute(f"ANALYZE public.{table}")
    conn.commit()
    return video_ids


def delete_bulk(conn: psycopg.Connection, video_ids: list[str]) -> None:
    """Remove the videos (their rows go with them)."""
    conn.execute("DELETE FROM videos WHERE video_id = ANY(%s)", (video_ids,))
    conn.commit()


@dataclass(frozen=True)
class Outcome:
    """What one statement did on the path model SQL takes.

    Attributes:
        kind: ``guard`` (refused by the guard), ``plan`` (refused for its plan), ``ran``,
            ``failed`` (the database refused or failed it) or ``timeout`` (it ran past its
            statement timeout: the failure this corpus exists to rule out).
        guard_ms: Milliseconds the guard took to judge the text.
        seconds: Wall time of the whole path (guard, plan, run).
        result_bytes: About how many bytes of rows came back.
        truncated: Fetching stopped at the byte cap.
        forbidden: A value looks like a stored vector or a tsvector.
        note: The pipeline's note (why it was refused, or what failed).
    """

    kind: str
    guard_ms: float
    seconds: float
    result_bytes: int
    truncated: bool
    forbidden: bool
    note: str


def run_hostile(reader: psycopg.Connection, app: psycopg.Connection, sql: str) -> Outcome:
    """Judge ``sql`` with the guard alone (timed), then send it down ``run_model_statement``.

    ``reader`` runs it, ``app`` (the application's login) only plans it, as in ``ask``.
    """
    started = time.perf_counter()
    try:
        validate_sql(sql)
    except UnsafeSQLError:
        pass
    guard_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    validated, rows, note = run_model_statement(reader, sql, TIMEOUT_MS, app)
    seconds = time.perf_counter() - started
    note = note or ""
    if rows is not None:
        kind = "ran"
    elif "statement timeout" in note:
        kind = "timeout"
    elif note.startswith("The model's SQL was rejected (its plan"):
        kind = "plan"
    elif note.startswith("The model's SQL was rejected"):
        kind = "guard"
    else:
        kind = "failed"
    forbidden = any(looks_forbidden(v) for row in (rows.rows if rows else []) for v in row)
    return Outcome(
        kind=kind,
        guard_ms=guard_ms,
        seconds=seconds,
        result_bytes=rows.size_bytes if rows else 0,
        truncated=bool(rows and rows.truncated),
        forbidden=forbidden,
        note=note,
    )


def table_counts(conn: psycopg.Connection) -> dict[str, int]:
    """Rows of every application table and of ``pg_largeobject_metadata`` (to see any write)."""
    tables = [
        t for (t,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    ]
    counts = {t: conn.execute(f"SELECT count(*) FROM public.{t}").fetchone()[0] for t in tables}
    counts["large objects"] = conn.execute(
        "SELECT count(*) FROM pg_catalog.pg_largeobject_metadata"
    ).fetchone()[0]
    conn.commit()
    return counts
