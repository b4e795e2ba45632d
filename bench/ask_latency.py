"""How long a question takes: the whole `deepsentinel ask` command, in-process, and from the UI.

    python bench/ask_latency.py            # services are started if needed
    python bench/ask_latency.py --no-ui    # skip the Dagster UI run

1. cold CLI: 20 questions of the fixture corpus (tests/rag/corpus.py, loaded under fresh video
   ids and removed afterwards), each a new `deepsentinel ask ... --json` process, wall time
   measured from outside (interpreter start, imports, model load, connections, answer, exit);
   the package's bytecode is written first, as `make` and any regular install write it;
2. in-process: the same questions through the same objects in one warm process (what a long
   running service or the rag_query op pays per question);
3. UI: `deepsentinel dev` is started, one `rag_query_job` run is launched through the webserver's
   GraphQL API as the UI launches it, and its start-to-success time is read from the run record
   (the run's own process start, the op, the run's end) beside the wall time from launch to
   success.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import numpy as np
import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.rag.corpus when run as a script

from deepsentinel_pipelines.cli.question_answering import (  # noqa: E402
    local_backend,
    running_database_urls,
)
from deepsentinel_pipelines.cli.services import bring_up  # noqa: E402
from deepsentinel_pipelines.rag.background_encoder import BackgroundEncoder  # noqa: E402
from deepsentinel_pipelines.rag.pipeline import ask  # noqa: E402
from deepsentinel_pipelines.resources.embedder import LocalEmbedderResource  # noqa: E402
from deepsentinel_pipelines.settings import load_settings  # noqa: E402
from tests.rag.corpus import QUESTIONS, delete_corpus, load_corpus  # noqa: E402

CLI = REPO / ".venv" / "bin" / "deepsentinel"
N_QUESTIONS = 20
UI_PORT = 3099
SOURCE = "bench-ask-latency"


def pick_questions(n: int) -> list:
    """``n`` questions spread evenly over the corpus (every kind is represented)."""
    step = len(QUESTIONS) / n
    return [QUESTIONS[int(i * step)] for i in range(n)]


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold_cli(questions: list, corpus) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of each command (CPU does not grow when other work loads the box)."""
    walls, cpus = [], []
    for question in questions:
        args = [str(CLI), "ask", question.text, "--json"]
        for video in corpus.videos(question.videos):
            args += ["--video", video]
        cpu = _children_cpu()
        started = time.perf_counter()
        done = subprocess.run(args, capture_output=True, text=True, check=False, cwd=REPO)
        walls.append(time.perf_counter() - started)
        cpus.append(_children_cpu() - cpu)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"ask failed: {done.stderr[-2000:]}")
    return walls, cpus


def in_process(questions: list, corpus, settings) -> list[float]:
    """The CLI's objects, built once: only the per-question work is timed."""
    urls = running_database_urls(settings)
    if urls is None:
        raise RuntimeError("the database is not running with the current schema")
    backend = local_backend(settings, urls, BackgroundEncoder())
    ask("warm up", **backend, video_ids=corpus.videos(), source=SOURCE)
    walls = []
    for question in questions:
        started = time.perf_counter()
        ask(question.text, **backend, video_ids=corpus.videos(question.videos), source=SOURCE)
        walls.append(time.perf_counter() - started)
    return walls


def ui_run(corpus, log_path: Path) -> tuple[float, float]:
    """(launch-to-success wall seconds, the run record's start-to-end seconds)."""
    from dagster import DagsterInstance
    from dagster_graphql import DagsterGraphQLClient, DagsterGraphQLClientError

    log = log_path.open("w")
    dev = subprocess.Popen(
        [str(CLI), "dev", "--port", str(UI_PORT)],
        cwd=REPO,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        client = DagsterGraphQLClient("127.0.0.1", port_number=UI_PORT)
        config = {
            "ops": {
                "rag_query": {
                    "config": {"question": "did anyone fall?", "video_ids": corpus.videos()}
                }
            }
        }
        deadline = time.monotonic() + 300
        run_id = None
        while run_id is None:
            try:
                started = time.perf_counter()
                run_id = client.submit_job_execution("rag_query_job", run_config=config)
            except (DagsterGraphQLClientError, OSError) as err:
                if time.monotonic() > deadline or dev.poll() is not None:
                    raise RuntimeError(f"the UI did not take the run: {err}") from err
                time.sleep(2)
        while True:
            status = client.get_run_status(run_id).value
            if status in ("SUCCESS", "FAILURE", "CANCELED"):
                wall = time.perf_counter() - started
                break
            if time.monotonic() > deadline + 300:
                raise RuntimeError(f"run {run_id} still {status}")
            time.sleep(0.2)
        if status != "SUCCESS":
            raise RuntimeError(f"run {run_id} ended {status}; see {log_path}")
        stats = DagsterInstance.get().get_run_stats(run_id)
        return wall, float(stats.end_time - stats.start_time)
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        dev.wait(timeout=60)
        log.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-ui", action="store_true", help="skip the Dagster UI run")
    args = parser.parse_args()

    compileall.compile_dir(REPO / "deepsentinel_pipelines", quiet=1)
    settings = bring_up(load_settings())
    embedder = LocalEmbedderResource()
    conn = psycopg.connect(settings.database_url)
    corpus = load_corpus(conn, embedder, f"latency-{uuid.uuid4().hex[:6]}")
    questions = pick_questions(N_QUESTIONS)
    since = conn.execute("SELECT now()").fetchone()[0]
    conn.commit()
    try:
        cli, cli_cpu = cold_cli(questions, corpus)
        warm = in_process(questions, corpus, settings)
        ui = None if args.no_ui else ui_run(corpus, settings.home / "bench-ask-latency-dev.log")
    finally:
        delete_corpus(conn, corpus)
        with conn.transaction():
            # The sessions this run's questions saved (the CLI's, the run's and our own).
            conn.execute(
                "DELETE FROM qa_sessions WHERE created_at >= %s AND source = ANY(%s)",
                (since, ["cli", "dagster", SOURCE]),
            )
        conn.close()

    load = os.getloadavg()[0]
    print(
        f"questions {len(questions)}, corpus events {len(corpus.event_ids)}, "
        f"load average {load:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'':22}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    rows = (("cold CLI (wall)", cli), ("cold CLI (CPU)", cli_cpu), ("in-process (wall)", warm))
    for name, values in rows:
        ms = [v * 1000 for v in values]
        print(
            f"{name:22}{percentile(ms, 50):10.0f}{percentile(ms, 95):10.0f}"
            f"{statistics.fmean(ms):10.0f}"
        )
    print(
        f"cold / in-process     p50 x{percentile(cli, 50) / percentile(warm, 50):.1f}, "
        f"p95 x{percentile(cli, 95) / percentile(warm, 95):.1f}"
    )
    if ui is not None:
        print(
            f"UI rag_query_job      launch to success {ui[0]:.1f} s, run start to end {ui[1]:.1f} s"
        )
    print(
        json.dumps(
            {
                "cli_ms": [round(v * 1000) for v in cli],
                "in_process_ms": [round(v * 1000) for v in warm],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
