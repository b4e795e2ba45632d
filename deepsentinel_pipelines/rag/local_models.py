"""The local backend's answering model and reranker as plain objects (no Dagster).

``deepsentinel ask`` uses these directly so that a question never imports Dagster; the
``LocalLanguageModel`` and ``LocalReranker`` resources wrap the same code for Dagster runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from deepsentinel_pipelines.rag.ports import Embedder
from deepsentinel_pipelines.rag.retrieval import RerankDocument


class DraftAnswers:
    """The deterministic composer's side of a language model: no SQL, the draft as the answer."""

    def write_sql(self, question: str, schema: str) -> str | None:
        """None: the deterministic question parser builds the SQL."""
        del question, schema
        return None

    def answer(self, question: str, evidence: str, draft: str) -> str:
        """The draft, which cites only retrieved rows."""
        del question, evidence
        return draft


class CosineReranker:
    """Cosine similarity between the question's and the events' embeddings.

    Stored event vectors are reused, so a question costs one embedding (which the vector search
    already computed) plus a small matrix product; only documents without a stored vector are
    embedded, through the ``embedder`` the caller passes.
    """

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        top_n: int,
        *,
        query_vector: np.ndarray | None = None,
        embedder: Embedder | None = None,
    ) -> list[tuple[int, float]]:
        """``(document id, score)`` of the best ``top_n``, best first; ties keep the input order."""
        if not documents or top_n <= 0:
            return []
        missing = [i for i, doc in enumerate(documents) if doc.vector is None]
        if (query_vector is None or missing) and embedder is None:
            raise ValueError("LocalReranker needs an embedder for the question or the documents")
        if query_vector is None:
            query_vector = embedder.embed([query])[0]
        vectors: list[np.ndarray | None] = [doc.vector for doc in documents]
        if missing:
            embedded = embedder.embed([documents[i].text for i in missing])
            for i, vector in zip(missing, embedded, strict=True):
                vectors[i] = vector
        matrix = np.stack([np.asarray(v, dtype=np.float32) for v in vectors])
        scores = _unit(matrix) @ _unit(np.asarray(query_vector, dtype=np.float32))
        order = sorted(range(len(documents)), key=lambda i: (-float(scores[i]), i))
        return [(documents[i].id, float(scores[i])) for i in order[:top_n]]


def _unit(array: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(array, axis=-1, keepdims=True)
    return array / np.where(norms == 0, 1.0, norms)
