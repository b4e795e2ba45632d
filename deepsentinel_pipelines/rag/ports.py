"""The collaborators question answering needs, as structural types (no Dagster).

The Dagster resources (``resources/``) and the plain objects ``deepsentinel ask`` uses without
Dagster both satisfy these protocols, so the RAG code names what it calls without importing
either side. Each protocol lists exactly the members the RAG code uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Protocol, runtime_checkable

import numpy as np
import psycopg

from deepsentinel_pipelines.rag.retrieval import RerankDocument


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors of one size."""

    def dim(self) -> int:
        """Size of the vectors."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row of ``dim()`` values per text."""
        ...


@runtime_checkable
class LanguageModel(Protocol):
    """Writes SQL for a question and the final answer from the evidence."""

    def write_sql(self, question: str, schema: str) -> str | None:
        """A SELECT answering ``question`` over ``schema``, or None to use the built-in parser."""
        ...

    def answer(self, question: str, evidence: str, draft: str) -> str:
        """The final answer from the evidence rows; ``draft`` is the deterministic answer."""
        ...


@runtime_checkable
class Reranker(Protocol):
    """Orders candidates by relevance to a question and keeps the best ``top_n``."""

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        top_n: int,
        *,
        query_vector: np.ndarray | None = None,
        embedder: Embedder | None = None,
    ) -> list[tuple[int, float]]:
        """``(document id, score)`` for the best ``top_n`` documents, best first.

        Args:
            query: The question.
            documents: Candidates, in the retrievers' fused order (ties keep it).
            top_n: How many to keep.
            query_vector: The question's embedding, when the caller already has it.
            embedder: Embeds the question or documents that lack a vector, for a reranker that
                compares vectors.
        """
        ...


@runtime_checkable
class Database(Protocol):
    """Opens connections as the application and as the read-only reader."""

    def connection(self) -> AbstractContextManager[psycopg.Connection]:
        """A connection with the application's role, left outside any transaction."""
        ...

    def reader_connection(self) -> AbstractContextManager[psycopg.Connection]:
        """A connection logged in as the reader; every guarded statement runs there."""
        ...


@runtime_checkable
class HighlightStore(Protocol):
    """Where highlight images live, and how to hand one out as a URL."""

    @property
    def highlights_bucket(self) -> str:
        """The bucket of highlight images and clips."""
        ...

    def presigned_get(self, bucket: str, key: str, expires_s: int = 3600) -> str:
        """A time-limited GET URL for ``bucket/key``."""
        ...
