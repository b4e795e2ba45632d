"""Latency of ``ask`` (local backend) over N synthetic events: p50/p95 over 200 questions.

    python bench/rag_latency.py            # 100,000 events
    python bench/rag_latency.py 20000 --questions 100

Loads N events (100 per video, video ids ``bench-rag-NNNN``) with binary COPY into the real
``events`` table, so the HNSW, GIN and btree indexes are maintained as in production, runs
ANALYZE, asks the questions through the same resources as the CLI (``dagster.build_resources``
on ``build_resources()``: the connection pool, MiniLM, the local reranker), then deletes every
row it added (videos, events, QA sessions).

Descriptions follow the event rules' wording. Embeddings: MiniLM vectors of a sample of the
generated texts (``--sample``, default 1,500), and every event gets the vector of a sampled text
with the same event type and zone plus Gaussian noise (sigma 0.02 per dimension, cosine to the
original about 0.93), renormalised -- realistic clusters without embedding 100k texts on a CPU.

The time of one question is measured around ``ask`` (parsing, SQL, embedding the question,
vector and full-text search, fusion, reranking, presigning, the answer and the saved
interaction); process start, model loading and creating the S3 client are not included.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from psycopg.types.json import Jsonb

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from deepsentinel_pipelines.cli.question_answering import QA_RESOURCE_KEYS  # noqa: E402
from deepsentinel_pipelines.cli.services import bring_up  # noqa: E402
from deepsentinel_pipelines.rag.pipeline import ask, presigner  # noqa: E402
from deepsentinel_pipelines.resources.standalone import standalone_resources  # noqa: E402
from deepsentinel_pipelines.settings import load_settings  # noqa: E402
from deepsentinel_pipelines.text.timefmt import format_timestamp  # noqa: E402

PREFIX = "bench-rag-"
SOURCE = "bench-latency"
EVENTS_PER_VIDEO = 100
DURATION_S = 600.0
CAMERAS = ("plaza", "lobby", "parking", "platform")
ZONES = ("entrance", "bench", "gate", "platform edge", "ticket hall")
LINES = ("crosswalk", "barrier", "turnstile")
# Event types with realistic weights: movement and posture dominate, falls are rare.
TYPES = {
    "walking": 30, "standing": 15, "enter": 12, "exit": 12, "line_crossing": 8,
    "orientation": 8, "dwell": 4, "sitting": 4, "running": 3, "loitering": 2,
    "crowding": 1, "fall": 1,
}  # fmt: skip


def describe(rng: random.Random, event_type: str, t0: float, t1: float, zone: str | None) -> str:
    who = f"Person {rng.randint(1, 60)}"
    where = f"zone '{zone}'" if zone else "the frame"
    span = f"{t1 - t0:.0f} s ({format_timestamp(t0)} to {format_timestamp(t1)})"
    if event_type == "enter":
        return f"{who} entered {where} at {format_timestamp(t0)}"
    if event_type == "exit":
        return f"{who} left {where} at {format_timestamp(t0)}"
    if event_type == "dwell":
        return f"{who} stayed in {where} for {span}"
    if event_type == "loitering":
        return f"{who} stayed in {where} for {span}, past the 30 s loitering threshold"
    if event_type == "line_crossing":
        line, direction = rng.choice(LINES), rng.choice(("in", "out"))
        return f"{who} crossed line '{line}' (direction {direction}) at {format_timestamp(t0)}"
    if event_type == "fall":
        return f"{who} fell at {format_timestamp(t0)} (lying for {t1 - t0:.0f} s)"
    if event_type == "crowding":
        return f"{rng.randint(5, 12)} people at once in {where} from {format_timestamp(t0)}"
    if event_type == "orientation":
        facing = rng.choice(
            ("facing the camera", "facing away from the camera", "facing left", "facing right")
        )
        return f"{who} was {facing} from {format_timestamp(t0)} to {format_timestamp(t1)}"
    return f"{who} was {event_type} from {format_timestamp(t0)} to {format_timestamp(t1)}"


def make_events(n: int, seed: int) -> list[tuple]:
    rng = random.Random(seed)
    types, weights = list(TYPES), list(TYPES.values())
    rows = []
    for i in range(n):
        video_id = f"{PREFIX}{i // EVENTS_PER_VIDEO:04d}"
        event_type = rng.choices(types, weights)[0]
        t0 = round(rng.uniform(0, DURATION_S - 60), 1)
        t1 = t0 if event_type in ("enter", "exit", "line_crossing") else t0 + rng.uniform(2, 60)
        zone = (
            rng.choice(ZONES)
            if event_type in ("enter", "exit", "dwell", "loitering", "crowding")
            and rng.random() < 0.8
            else None
        )
        attributes = {}
        if event_type == "orientation":
            attributes["orientation"] = rng.choice(
                ("facing_camera", "facing_away", "facing_left", "facing_right")
            )
        track = None if event_type == "crowding" else rng.randint(1, 60)
        key = (
            f"{video_id}/highlights/{i}.jpg"
            if event_type in ("fall", "loitering", "crowding", "enter", "line_crossing")
            else None
        )
        rows.append(
            (
                video_id,
                event_type,
                t0,
                round(t1, 1),
                track,
                zone,
                round(rng.uniform(0.5, 1.0), 3),
                attributes,
                describe(rng, event_type, t0, t1, zone),
                key,
            )
        )
    return rows


def embedding_input(row: tuple) -> str:
    video_id, event_type, t0, t1, _, zone, _, _, description, _ = row
    camera = CAMERAS[int(video_id[len(PREFIX) :]) % len(CAMERAS)]
    where = f" in zone {zone}" if zone else ""
    return (
        f"{event_type}{where} at {format_timestamp(t0)}-{format_timestamp(t1)} "
        f"in video {video_id} (camera {camera}): {description}"
    )


def make_vectors(rows: list[tuple], embedder, sample: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, row in enumerate(rows):
        groups[(row[1], row[5])].append(i)
    picked: dict[tuple, list[int]] = {}
    for key, members in groups.items():  # every (type, zone) gets at least a few real texts
        share = max(3, round(sample * len(members) / len(rows)))
        picked[key] = list(rng.choice(members, size=min(share, len(members)), replace=False))
    order = [i for members in picked.values() for i in members]
    base = embedder.embed([embedding_input(rows[i]) for i in order])
    position = {i: k for k, i in enumerate(order)}
    vectors = np.empty((len(rows), base.shape[1]), dtype=np.float32)
    for key, members in groups.items():
        sources = np.array([position[i] for i in picked[key]])
        chosen = base[rng.choice(sources, size=len(members))]
        noisy = chosen + rng.normal(scale=0.02, size=chosen.shape).astype(np.float32)
        vectors[members] = noisy / np.linalg.norm(noisy, axis=1, keepdims=True)
    return vectors


def load(conn, rows: list[tuple], vectors: np.ndarray) -> None:
    videos = sorted({row[0] for row in rows})
    with conn.transaction():
        with conn.cursor() as cur:
            cur.executemany(
                """INSERT INTO videos (video_id, s3_bucket, s3_key, camera, container, codec, fps,
                       frame_count, duration_s, width, height, size_bytes, sha256)
                   VALUES (%s, 'raw-videos', %s, %s, 'mp4', 'h264', 10, 6000, %s, 768, 576, 1,
                           'bench')""",
                [
                    (v, f"bench/{v}.mp4", CAMERAS[int(v[len(PREFIX) :]) % len(CAMERAS)], DURATION_S)
                    for v in videos
                ],
            )
            with cur.copy(
                "COPY events (video_id, event_type, start_s, end_s, track_id, zone, confidence,"
                " attributes, description, highlight_key, embedding) FROM STDIN (FORMAT BINARY)"
            ) as copy:
                copy.set_types(
                    [
                        "text",
                        "text",
                        "float8",
                        "float8",
                        "int4",
                        "text",
                        "float4",
                        "jsonb",
                        "text",
                        "text",
                        "vector",
                    ]
                )
                for row, vector in zip(rows, vectors, strict=True):
                    copy.write_row((*row[:7], Jsonb(row[7]), *row[8:], vector))
    conn.execute("ANALYZE events")
    conn.execute("ANALYZE videos")
    conn.commit()


def cleanup(conn) -> int:
    with conn.transaction():
        deleted = conn.execute(
            "DELETE FROM videos WHERE video_id LIKE %s", (PREFIX + "%",)
        ).rowcount
        conn.execute("DELETE FROM qa_sessions WHERE source = %s", (SOURCE,))
    return deleted


def questions(count: int, n_videos: int, seed: int) -> list[str]:
    rng = random.Random(seed)

    def video() -> str:
        return f"{PREFIX}{rng.randrange(n_videos):04d}"

    def clock() -> str:
        return f"{rng.randint(0, 8)}:{rng.randint(0, 59):02d}"

    templates = [
        lambda: f"did anyone fall between minute {(a := rng.randint(0, 7))} and {a + 1}?",
        lambda: (
            f"how many people crossed the line in the first {rng.choice((30, 60, 90))} seconds?"
        ),
        lambda: f"which videos show loitering near the {rng.choice(ZONES)}?",
        lambda: f"how many falls in {video()}?",
        lambda: f"was anyone running after {clock()}?",
        lambda: f"who sat down in {video()}?",
        lambda: "anyone facing away from the camera before 2 minutes?",
        lambda: f"how many people entered the {rng.choice(ZONES)}?",
        lambda: f"what happened around {clock()} in {video()}?",
        lambda: "a person lying on the ground",
        lambda: "someone wearing a red jacket",
        lambda: "how many crowding events in the last 30 seconds?",
        lambda: f"did anyone linger at the {rng.choice(ZONES)} in {video()}?",
        lambda: "how many times did someone enter after 5:00?",
        lambda: f"list all events in {video()} between 1:00 and 2:00",
        lambda: "DROP TABLE events",
    ]
    return [templates[i % len(templates)]() for i in range(count)]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=100_000, help="events to load")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--sample", type=int, default=1_500, help="texts embedded with MiniLM")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="leave the rows in place")
    parser.add_argument(
        "--reuse", action="store_true", help="use rows a --keep run left, when there are exactly N"
    )
    args = parser.parse_args()

    bring_up(load_settings())
    with standalone_resources(*QA_RESOURCE_KEYS) as resources:
        with resources.database.connection() as conn:
            present = conn.execute(
                "SELECT count(*) FROM events WHERE video_id LIKE %s", (PREFIX + "%",)
            ).fetchone()[0]
            conn.commit()
            if args.reuse and present == args.n:
                print(f"reusing the {present} bench events already loaded (--reuse)")
            else:
                stale = cleanup(conn)
                if stale:
                    print(f"removed {stale} videos left by an earlier run")
                started = time.perf_counter()
                rows = make_events(args.n, args.seed)
                vectors = make_vectors(rows, resources.embedder, args.sample, args.seed)
                print(
                    f"generated {len(rows)} events, embedded {args.sample} sample texts "
                    f"in {time.perf_counter() - started:.1f} s"
                )
                started = time.perf_counter()
                load(conn, rows, vectors)
                print(f"loaded with COPY in {time.perf_counter() - started:.1f} s")
            total = conn.execute("SELECT count(*) FROM events").fetchone()[0]
            conn.commit()
            print(f"events table: {total} rows")
        try:
            presign = presigner(resources.object_store)
            n_videos = (args.n + EVENTS_PER_VIDEO - 1) // EVENTS_PER_VIDEO
            asked = questions(args.questions, n_videos, args.seed)
            options = dict(
                connect=resources.database.connection,
                connect_reader=resources.database.reader_connection,
                embedder=resources.embedder,
                llm=resources.llm,
                reranker=resources.reranker,
                presign=presign,
                source=SOURCE,
            )
            for question in asked[:5]:  # warm-up: plans, caches, the model's first calls
                ask(question, **options)
            wall: list[float] = []
            stages: dict[str, list[float]] = defaultdict(list)
            refused = 0
            for question in asked:
                started = time.perf_counter()
                result = ask(question, **options)
                wall.append((time.perf_counter() - started) * 1000)
                refused += result.refused
                for stage, ms in result.timings_ms.items():
                    stages[stage].append(ms)
        finally:
            if not args.keep:
                with resources.database.connection() as conn:
                    print(f"cleaned up {cleanup(conn)} bench videos and their events")

    print()
    print(
        f"events {args.n}, questions {len(wall)} ({refused} refused), local backend "
        "(MiniLM on OpenVINO, 1 thread)"
    )
    print(
        f"ask latency ms   p50 {percentile(wall, 50):7.1f}   p95 {percentile(wall, 95):7.1f}   "
        f"mean {statistics.fmean(wall):7.1f}   max {max(wall):7.1f}"
    )
    print("per stage (ms, over the questions that ran the stage):")
    for stage, values in stages.items():
        print(
            f"  {stage:10s} p50 {percentile(values, 50):7.1f}   p95 {percentile(values, 95):7.1f}"
            f"   n {len(values)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
