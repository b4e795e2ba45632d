"""The hostile SQL corpus against 20,000 events: what it read, wrote, and cost.

    python bench/hostile_sql.py              # the corpus, 5 guard timings per statement
    python bench/hostile_sql.py --repeat 9

Starts the services if needed, loads the data set of ``tests/rag/bulk.py`` (2 videos, 20,000
events, 1,000 tracks, 9,600 occupancy rows, ANALYZEd) under fresh video ids, sends every
statement of ``tests/rag/hostile_sql.py`` down the path model SQL takes (``run_model_statement``
in ``rag/model_sql.py``: the guard, the plan check on the application's login, the run on the
reader login), and prints per
family and in all: how many were refused by the guard, refused for their plan, ran, failed in
the database or hit the 2 s statement timeout; forbidden reads (a value that looks like a
vector or a tsvector), writes (row counts of every application table and of large objects,
before and after), the slowest statement and the largest result. Then, in a pass of its own
(nothing else running in the process), the guard's time per statement: each judged
``--repeat`` times, the median and the slowest single call over the corpus, and the same for
inputs of up to 20,000 characters built to be slow to parse or qualify. The corpus pass runs
twice: as the process runs (a full collection of Python's cyclic garbage collector may fall inside
a call), and with the collector paused, which leaves the guard's own work. Deletes what it loaded.
"""

from __future__ import annotations

import argparse
import gc
import logging
import statistics
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from deepsentinel_pipelines.cli.services import bring_up  # noqa: E402
from deepsentinel_pipelines.db.reader_login import connect_reader  # noqa: E402
from deepsentinel_pipelines.rag.sql_guard import UnsafeSQLError, validate_sql  # noqa: E402
from deepsentinel_pipelines.settings import load_settings  # noqa: E402
from tests.rag.bulk import delete_bulk, load_bulk, run_hostile, table_counts  # noqa: E402
from tests.rag.hostile_sql import CORPUS  # noqa: E402

#: Inputs at the 20,000-character limit, each built to make the guard work hard.
SLOW_TO_JUDGE = {
    "fps+fps+... (4,990 terms)": "SELECT " + "+".join(["fps"] * 4990)[:19_950] + " FROM qa.videos",
    "IN list of 3,500": "SELECT event_id FROM qa.events WHERE event_id IN ("
    + ",".join(str(i) for i in range(3500))
    + ")",
    "2,000-deep parentheses": "SELECT " + "(" * 2000 + "1" + ")" * 2000,
    "1,100 ORs": "SELECT event_id FROM qa.events WHERE "
    + " OR ".join(f"event_id = {i}" for i in range(1100)),
    "700-way CASE": "SELECT CASE "
    + " ".join(f"WHEN start_s > {i} THEN {i}" for i in range(700))
    + " END FROM qa.events",
    "one 19,980-character literal": "SELECT '" + "x" * 19_980 + "'",
    "a comment of 10,000 words": "SELECT 1 /*" + " x" * 9_990 + " */",
    "40 output columns (accepted: near the node limit)": "SELECT "
    + ", ".join(f"e.start_s + {i} AS c{i}" for i in range(40))
    + " FROM qa.events e",
    "3 chains of 22 (accepted: near the depth limit)": "SELECT "
    + ", ".join("+".join(["v.fps"] * 22) for _ in range(3))
    + " FROM qa.videos v",
}


def guard_ms(sql: str, repeat: int, clock=time.perf_counter) -> list[float]:
    """Milliseconds of ``repeat`` judgements of ``sql`` on ``clock`` (wall, or this process's
    CPU with ``time.process_time``: on a shared machine the wall clock also counts the time
    other processes held the cores)."""
    times = []
    for _ in range(repeat):
        started = clock()
        try:
            validate_sql(sql)
        except UnsafeSQLError:
            pass
        times.append((clock() - started) * 1000)
    return times


def main() -> None:
    """Load the data, run the corpus, print the figures, delete the data."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="guard timings per statement")
    args = parser.parse_args()
    logging.getLogger("sqlglot").setLevel(logging.ERROR)  # "falling back to a Command" lines

    settings = bring_up(load_settings())
    with psycopg.connect(settings.database_url) as conn:
        video_ids = load_bulk(conn, uuid.uuid4().hex[:8])
        before = table_counts(conn)
    try:
        totals: Counter[str] = Counter()
        slowest = (0.0, "")
        largest = (0, "")
        forbidden = over_2s = 0
        print(f"{'family':30s} {'n':>4s} {'guard':>6s} {'plan':>5s} {'ran':>4s} {'failed':>6s}")
        with (
            connect_reader(settings.reader_database_url) as reader,
            psycopg.connect(settings.database_url, autocommit=True) as app,
        ):
            for family, statements in CORPUS.items():
                kinds: Counter[str] = Counter()
                for sql in statements:
                    outcome = run_hostile(reader, app, sql)
                    kinds[outcome.kind] += 1
                    forbidden += outcome.forbidden
                    over_2s += outcome.kind == "timeout" or outcome.seconds > 2.0
                    slowest = max(slowest, (outcome.seconds, sql))
                    largest = max(largest, (outcome.result_bytes, sql))
                totals.update(kinds)
                print(
                    f"{family:30s} {len(statements):4d} {kinds['guard']:6d} {kinds['plan']:5d} "
                    f"{kinds['ran']:4d} {kinds['failed'] + kinds['timeout']:6d}"
                )
        with psycopg.connect(settings.database_url) as conn:
            after = table_counts(conn)
        writes = sum(abs(after[t] - before.get(t, 0)) for t in after)
        print()
        print(f"statements {sum(totals.values())} in {len(CORPUS)} families: {dict(totals)}")
        print(f"forbidden reads {forbidden}; rows written {writes}; statements over 2 s {over_2s}")
        print(f"slowest statement {slowest[0]:.3f} s: {slowest[1][:90]}")
        print(f"largest result {largest[0]:,} bytes: {largest[1][:90]}")
        for collector, clock in (
            ("on", time.perf_counter),
            ("paused", time.perf_counter),
            ("on, CPU time", time.process_time),
        ):
            gc.collect()
            if collector == "paused":
                gc.disable()
            timings = {
                sql: guard_ms(sql, args.repeat, clock) for sqls in CORPUS.values() for sql in sqls
            }
            gc.enable()
            medians = [statistics.median(t) for t in timings.values()]
            calls = [ms for t in timings.values() for ms in t]
            worst = max(timings, key=lambda sql: statistics.median(timings[sql]))
            print(
                f"guard (garbage collector {collector}), {len(calls)} calls ({args.repeat} per "
                f"statement): median per statement p50 {statistics.median(medians):.1f} ms, max "
                f"{max(medians):.1f} ms ({worst[:40]}...); slowest single call "
                f"{max(calls):.1f} ms; calls over 50 ms: {sum(ms > 50 for ms in calls)}"
            )
        print(
            f"guard alone, inputs built to be slow (median and slowest of {args.repeat}, wall "
            "clock; then CPU time):"
        )
        for name, sql in SLOW_TO_JUDGE.items():
            wall, cpu = guard_ms(sql, args.repeat), guard_ms(sql, args.repeat, time.process_time)
            print(
                f"  {statistics.median(wall):6.1f} ms {max(wall):6.1f} ms | "
                f"{statistics.median(cpu):6.1f} ms {max(cpu):6.1f} ms  {len(sql):6d} chars  {name}"
            )
    finally:
        with psycopg.connect(settings.database_url) as conn:
            delete_bulk(conn, video_ids)


if __name__ == "__main__":
    main()
