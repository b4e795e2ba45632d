"""The evaluation's two processed videos, loaded from ``tests/rag/data/eval_videos.json``.

The file holds the current analysis of the bundled sample (camera ``plaza``: the entrance zone,
the path line) and of ``walkway_cam2.mp4`` (seconds 35-75 of it, mirrored; camera ``walkway``,
no zones or lines), written by ``scripts/export_eval_videos.py``. They are loaded under video ids
that keep the file names (``eval-<tag>/sample_plaza.mp4``), so questions name them as an operator
would, with the events embedded by the real MiniLM like the pipeline does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from deepsentinel_pipelines.rag.documents import event_text
from deepsentinel_pipelines.rag.retrieval import vector_literal

DATA = Path(__file__).parent / "data" / "eval_videos.json"
#: When each camera's video was recorded: the sample at 14:00 in Paris on Tuesday 1 December 2026
#: (as ``deepsentinel process --recorded-at`` would store it); the walkway's time is unknown.
RECORDED_AT = {"plaza": datetime(2026, 12, 1, 13, 0, tzinfo=UTC)}


@dataclass(frozen=True)
class EvalVideos:
    """The loaded videos: camera (``plaza``, ``walkway``) -> video id; old -> new event ids."""

    tag: str
    video_ids: dict[str, str]
    event_ids: dict[int, int] = field(default_factory=dict)

    def ids(self) -> list[str]:
        """Every loaded video id."""
        return list(self.video_ids.values())


def load_eval_videos(conn: psycopg.Connection, embedder, tag: str) -> EvalVideos:
    """Insert the videos, tracks, events (embedded) and occupancy under ids holding ``tag``."""
    data = json.loads(DATA.read_text())
    video_ids: dict[str, str] = {}
    event_ids: dict[int, int] = {}
    with conn.transaction():
        for record in data["videos"]:
            original = record["video_id"]
            base = original.rsplit("/", 1)[-1]
            video_id = f"eval-{tag}/{base}"
            camera, duration, fps, width, height, people, summary = record["videos"][1:]
            video_ids[camera] = video_id
            summary = summary.replace(original, video_id) if summary else summary
            conn.execute(
                """INSERT INTO videos (video_id, s3_bucket, s3_key, camera, container, codec, fps,
                       frame_count, duration_s, width, height, size_bytes, sha256, summary,
                       people_count, recorded_at)
                   VALUES (%s, 'raw-videos', %s, %s, 'mp4', 'h264', %s, %s, %s, %s, %s, 1, 'x',
                           %s, %s, %s)""",
                (video_id, video_id, camera, fps, int(duration * fps), duration, width, height,
                 summary, people, RECORDED_AT.get(camera)),
            )  # fmt: skip
            with conn.cursor() as cur:
                cur.executemany(
                    """INSERT INTO tracks (video_id, track_id, class_name, first_s, last_s,
                           n_frames, mean_score) VALUES (%s, %s, %s, %s, %s, %s, %s)""",
                    [(video_id, *row) for row in record["tracks"]],
                )
                cur.executemany(
                    """INSERT INTO occupancy (video_id, zone, second, people, mean_people)
                       VALUES (%s, %s, %s, %s, %s)""",
                    [(video_id, *row) for row in record["occupancy"]],
                )
            events = record["events"]
            vectors = embedder.embed(
                [event_text(e[1], e[2], e[3], e[5], video_id, e[8], camera=camera) for e in events]
            )
            clipped = {row[0] for row in record["clips"]}
            for event, vector in zip(events, vectors, strict=True):
                old_id, kind, start, end, track, zone, conf, attributes, text, lit = event
                key = f"{video_id}/highlights/{old_id}.jpg" if lit else None
                new_id = conn.execute(
                    """INSERT INTO events (video_id, event_type, start_s, end_s, track_id, zone,
                           confidence, attributes, description, highlight_key, embedding)
                       VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s, %s, %s::vector)
                       RETURNING event_id""",
                    (video_id, kind, start, end, track, zone, conf, json.dumps(attributes), text,
                     key, vector_literal(vector)),
                ).fetchone()[0]  # fmt: skip
                event_ids[old_id] = int(new_id)
                if old_id in clipped:
                    conn.execute(
                        """INSERT INTO event_clips (event_id, video_id, clip_key, start_s, end_s,
                               frames, width, height) VALUES (%s, %s, %s, %s, %s, 10, %s, %s)""",
                        (new_id, video_id, f"clips/{video_id}/{old_id}.mp4", start, end, width,
                         height),
                    )  # fmt: skip
    return EvalVideos(tag, video_ids, event_ids)


def delete_eval_videos(conn: psycopg.Connection, videos: EvalVideos) -> None:
    """Remove the loaded videos (their rows go with them)."""
    with conn.transaction():
        conn.execute("DELETE FROM videos WHERE video_id = ANY(%s)", (videos.ids(),))
