"""Fixtures for the question-answering tests: the real MiniLM, the corpus, the real resources."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest
from pgvector.psycopg import register_vector

from deepsentinel_pipelines.rag.pipeline import ask
from deepsentinel_pipelines.rag.result import AskResult
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.embedder import LocalEmbedderResource
from deepsentinel_pipelines.resources.llm import LocalLanguageModelResource
from deepsentinel_pipelines.resources.reranker import LocalRerankerResource
from deepsentinel_pipelines.settings import Settings
from tests.rag.corpus import Corpus, delete_corpus, load_corpus

DATA_TABLES = ("videos", "events", "tracks", "detections", "incidents")


@pytest.fixture(scope="session")
def embedder() -> LocalEmbedderResource:
    """MiniLM, loaded once for the session."""
    model = LocalEmbedderResource()
    model.dim()  # load now, not inside the first timed question
    return model


@pytest.fixture(scope="session")
def database(settings: Settings) -> PostgresResource:
    """The application's database resource (plain connections outside Dagster)."""
    return PostgresResource(url=settings.database_url)


@pytest.fixture(scope="session")
def corpus(settings: Settings, embedder: LocalEmbedderResource) -> Iterator[Corpus]:
    """The fixture corpus, loaded under unique video ids for this session."""
    with psycopg.connect(settings.database_url) as conn:
        register_vector(conn)
        loaded = load_corpus(conn, embedder, uuid.uuid4().hex[:8])
    yield loaded
    with psycopg.connect(settings.database_url) as conn:
        delete_corpus(conn, loaded)


@pytest.fixture()
def ask_local(
    database: PostgresResource, embedder: LocalEmbedderResource
) -> Callable[..., AskResult]:
    """``ask`` with the local backend and the real database; keyword arguments pass through."""

    def run(question: str, **kwargs: Any) -> AskResult:
        options: dict[str, Any] = {
            "connect": database.connection,
            "connect_reader": database.reader_connection,
            "embedder": embedder,
            "llm": LocalLanguageModelResource(),
            "reranker": LocalRerankerResource(),
            "presign": lambda key: f"https://highlights.example/{key}",
            "source": "test",
        }
        options.update(kwargs)
        return ask(question, **options)

    return run


def table_counts(conn: psycopg.Connection, tables: tuple[str, ...] = DATA_TABLES) -> dict:
    """Row counts of ``tables`` (public schema)."""
    counts = {t: conn.execute(f"SELECT count(*) FROM public.{t}").fetchone()[0] for t in tables}
    conn.commit()
    return counts
