"""Recall@5 and answer accuracy of ``ask`` (local backend) on the fixture corpus.

The corpus (tests/rag/corpus.py: four videos, 22 events, 20 questions with known answers) is
loaded under fresh video ids, every question is asked with the videos scoped to the corpus, and
the rows are removed again::

    python bench/rag_eval.py            # starts the services like the CLI does

Questions come in kinds: ``search`` (a filtered list or count of events), ``people`` (people
counts: the filtered count beside the people tracked), ``summary`` (the stored summary),
``track`` (one track's events in time order), ``direction`` (orientation and line-crossing
directions counted) and ``busiest`` (the peak time); accuracy is reported per kind too.

recall@5   for questions that have answering events: |cited ∩ expected| / min(|expected|, 5)
accuracy   the answer is right: it cites only expected events, as many as it can (up to 5),
           states the database's count where one is known, and contains the expected words
           (for "nothing matches" questions: cites nothing and says so)
The same recall is shown for the raw retrievers (vector search and full-text search alone,
unfiltered, top 5), to show what parsing, filters, fusion and reranking add.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import psycopg
from pgvector.psycopg import register_vector

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # for tests.rag.corpus when run as a script

from deepsentinel_pipelines.cli.services import bring_up  # noqa: E402
from deepsentinel_pipelines.rag.pipeline import ask  # noqa: E402
from deepsentinel_pipelines.rag.retrieval import (  # noqa: E402
    EventFilters,
    fulltext_search,
    vector_search,
)
from deepsentinel_pipelines.resources.embedder import LocalEmbedder  # noqa: E402
from deepsentinel_pipelines.resources.llm import LocalLanguageModel  # noqa: E402
from deepsentinel_pipelines.resources.reranker import LocalReranker  # noqa: E402
from deepsentinel_pipelines.settings import load_settings  # noqa: E402
from tests.rag.corpus import QUESTIONS, delete_corpus, load_corpus  # noqa: E402


def recall(cited: set[int], expected: set[int], k: int = 5) -> float:
    return len(cited & expected) / min(len(expected), k)


def correct(question, cited: set[int], expected: set[int], result) -> bool:
    if not cited <= expected or len(cited) != min(len(expected), 5):
        return False
    if question.count is not None and result.count != question.count:
        return False
    return all(phrase in result.answer for phrase in question.answer_contains)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every answer")
    args = parser.parse_args()

    settings = bring_up(load_settings())
    embedder = LocalEmbedder()
    embedder.dim()
    conn = psycopg.connect(settings.database_url)
    register_vector(conn)
    corpus = load_corpus(conn, embedder, f"eval-{uuid.uuid4().hex[:6]}")
    key_of = {event_id: key for key, event_id in corpus.event_ids.items()}

    reader = psycopg.connect(settings.reader_database_url)

    @contextmanager
    def connect():
        yield conn

    @contextmanager
    def connect_reader():
        yield reader

    recalls, vector_recalls, text_recalls, hits = [], [], [], []
    by_kind: dict[str, list[bool]] = {}
    try:
        print(f"{'ok':3} {'recall':>6}  question")
        for question in QUESTIONS:
            expected = corpus.ids(sorted(question.expected))
            result = ask(
                question.text,
                connect=connect,
                connect_reader=connect_reader,
                embedder=embedder,
                llm=LocalLanguageModel(),
                reranker=LocalReranker(),
                presign=lambda key: key,
                video_ids=corpus.videos(question.videos),
                source="bench-eval",
            )
            cited = {e.event_id for e in result.events}
            ok = correct(question, cited, expected, result)
            hits.append(ok)
            by_kind.setdefault(question.kind, []).append(ok)
            shown = "-"
            if expected:
                recalls.append(recall(cited, expected))
                shown = f"{recalls[-1]:.2f}"
                scope = EventFilters(video_ids=tuple(corpus.videos(question.videos)))
                query = embedder.embed([question.text])[0]
                vector_ids = {i for i, _ in vector_search(conn, query, scope, limit=5)}
                text_ids = {i for i, _ in fulltext_search(conn, question.text, scope, limit=5)}
                vector_recalls.append(recall(vector_ids, expected))
                text_recalls.append(recall(text_ids, expected))
            note = f"   [{question.known_limit}]" if question.known_limit and not ok else ""
            print(f"{'yes' if ok else 'NO':3} {shown:>6}  {question.text}{note}")
            if args.verbose or not ok:
                print(f"           cited {sorted(key_of.get(i, str(i)) for i in cited)}")
                print(f"           {result.answer[:300]}")
    finally:
        delete_corpus(conn, corpus)
        with conn.transaction():
            conn.execute("DELETE FROM qa_sessions WHERE source = 'bench-eval'")
        conn.close()
        reader.close()

    print()
    print(f"questions            {len(QUESTIONS)} ({len(recalls)} with answering events)")
    print(f"recall@5 (ask)       {statistics.fmean(recalls):.3f}")
    print(f"answer accuracy      {sum(hits) / len(hits):.3f} ({sum(hits)}/{len(hits)})")
    for kind, oks in by_kind.items():
        print(f"  {kind:18} {sum(oks) / len(oks):.3f} ({sum(oks)}/{len(oks)})")
    print(f"recall@5 vector only {statistics.fmean(vector_recalls):.3f}  (unfiltered, top 5)")
    print(f"recall@5 text only   {statistics.fmean(text_recalls):.3f}  (unfiltered, top 5)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
