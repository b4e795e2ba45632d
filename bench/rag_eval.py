"""Answer accuracy of ``ask`` (local backend) on operator questions about two processed videos.

The videos (``tests/rag/eval_videos.py``: the sample and a second processed video) are loaded
under fresh ids, every question of ``tests/rag/operator_questions.py`` is asked with the search
scoped to them, each answer is graded against its truth (one hand-written SELECT on the base
tables, never the code under test), and the rows are removed again::

    python bench/rag_eval.py             # starts the services like the CLI does
    python bench/rag_eval.py -v          # every answer, not only the wrong ones
    python bench/rag_eval.py --fast      # only the subset `make test` runs

Prints one line per question (ok, category, question), the wrong answers with their truth and
plan, then the accuracy overall and per category.
"""

from __future__ import annotations

import argparse
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.rag when run as a script

from deepsentinel_pipelines.cli.services import bring_up  # noqa: E402
from deepsentinel_pipelines.rag.pipeline import ask  # noqa: E402
from deepsentinel_pipelines.rag.site import LineBook  # noqa: E402
from deepsentinel_pipelines.rag.time_scope import TimeScope, camera_zones  # noqa: E402
from deepsentinel_pipelines.resources.embedder import LocalEmbedderResource  # noqa: E402
from deepsentinel_pipelines.resources.llm import LocalLanguageModelResource  # noqa: E402
from deepsentinel_pipelines.resources.reranker import LocalRerankerResource  # noqa: E402
from deepsentinel_pipelines.settings import load_settings  # noqa: E402
from tests.rag.eval_videos import delete_eval_videos, load_eval_videos  # noqa: E402
from tests.rag.operator_questions import NOW, QUESTIONS, grade, truth_of  # noqa: E402

SOURCE = "bench-eval"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every answer")
    parser.add_argument("--fast", action="store_true", help="only the make-test subset")
    args = parser.parse_args()

    settings = bring_up(load_settings())
    embedder = LocalEmbedderResource()
    embedder.dim()
    conn = psycopg.connect(settings.database_url)
    reader = psycopg.connect(settings.reader_database_url)
    videos = load_eval_videos(conn, embedder, uuid.uuid4().hex[:6])
    lines = LineBook.from_file(settings.cameras_config)
    zones = camera_zones(settings.cameras_config)

    @contextmanager
    def connect():
        yield conn

    @contextmanager
    def connect_reader():
        yield reader

    questions = [q for q in QUESTIONS if q.fast or not args.fast]
    by_category: dict[str, list[bool]] = {}
    started = time.perf_counter()
    try:
        for question in questions:
            result = ask(
                question.text,
                connect=connect,
                connect_reader=connect_reader,
                embedder=embedder,
                llm=LocalLanguageModelResource(),
                reranker=LocalRerankerResource(),
                presign=lambda key: key,
                video_ids=videos.ids(),
                source=SOURCE,
                lines=lines,
                time_scope=TimeScope(zones=zones, now=NOW),
            )
            truth = truth_of(conn, question, videos)
            ok = grade(question, result.answer, truth)
            by_category.setdefault(question.category, []).append(ok)
            print(f"{'yes' if ok else 'NO':3} {question.category:11} {question.text}")
            if args.verbose or not ok:
                plan = result.plan.describe() if result.plan else "-"
                print(f"      truth {truth!r} ({question.rule}); plan: {plan}")
                print(f"      {result.answer[:300]}")
    finally:
        delete_eval_videos(conn, videos)
        with conn.transaction():
            conn.execute("DELETE FROM qa_sessions WHERE source = %s", (SOURCE,))
        conn.close()
        reader.close()

    hits = [ok for oks in by_category.values() for ok in oks]
    print()
    print(f"questions        {len(hits)} ({time.perf_counter() - started:.1f} s)")
    print(f"accuracy         {sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})")
    for category, oks in sorted(by_category.items()):
        print(f"  {category:14} {sum(oks) / len(oks):.3f} ({sum(oks)}/{len(oks)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
