"""Questions no kind could plan: the events closest to the question, or nothing.

pgvector HNSW search and full-text search over the events in scope, fused with reciprocal rank
fusion (with the model's own rows, when a model wrote SQL), then reranked; only candidates whose
embedding is close enough to the question are kept, so an unrelated question gets "nothing
matches" rather than five random events.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import psycopg

from deepsentinel_pipelines.rag.fusion import reciprocal_rank_fusion
from deepsentinel_pipelines.rag.plan import Filters
from deepsentinel_pipelines.rag.ports import Embedder, Reranker
from deepsentinel_pipelines.rag.retrieval import (
    RerankDocument,
    document_text,
    fetch_events,
    fulltext_search,
    vector_search,
)
from deepsentinel_pipelines.rag.rows import EventRow

#: Without a recognised filter, a candidate is relevant from this cosine similarity to the
#: question on (tuned on the MiniLM fixture corpus; Titan vectors may want another value) ...
DEFAULT_MIN_SIMILARITY = 0.35
#: ... and only within this margin of the best candidate, so one clear match is not padded with
#: whatever else is barely above the floor.
RELATIVE_SIMILARITY_MARGIN = 0.1


def closest_events(
    conn: psycopg.Connection,
    question: str,
    query_vector: np.ndarray,
    filters: Filters,
    *,
    embedder: Embedder,
    reranker: Reranker,
    model_ids: Sequence[int] = (),
    candidates: int,
    top_k: int,
    timeout_ms: int,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> tuple[list[EventRow], list[int]]:
    """The events closest to the question, best first, and every candidate retrieved."""
    vector_hits = vector_search(
        conn, query_vector, filters, limit=candidates, timeout_ms=timeout_ms
    )
    text_hits = fulltext_search(conn, question, filters, limit=candidates, timeout_ms=timeout_ms)
    fused = reciprocal_rank_fusion(
        [[i for i, _ in vector_hits], [i for i, _ in text_hits], list(model_ids)]
    )
    retrieved = [event_id for event_id, _ in fused[:candidates]]
    found = fetch_events(conn, retrieved, timeout_ms=timeout_ms)
    retrieved = [i for i in retrieved if i in found]
    # Rows the model selected, and word matches that have no vector to judge, stay.
    unembedded = {i for i, _ in text_hits if i in found and found[i][1] is None}
    kept = _relevant(
        retrieved, found, query_vector, min_similarity, always={*model_ids, *unembedded}
    )
    documents = [
        RerankDocument(id=i, text=document_text(found[i][0]), vector=found[i][1]) for i in kept
    ]
    ranked = reranker.rerank(
        question, documents, top_k, query_vector=query_vector, embedder=embedder
    )
    return [found[event_id][0] for event_id, _ in ranked], retrieved


def _relevant(
    ids: Sequence[int],
    found: Mapping[int, tuple[EventRow, np.ndarray | None]],
    query_vector: np.ndarray,
    min_similarity: float,
    always: set[int],
) -> list[int]:
    """Candidates close enough to the question: above the floor and near the best one."""
    similarity = {
        i: _cosine(vector, query_vector) for i in ids if (vector := found[i][1]) is not None
    }
    best = max(similarity.values(), default=0.0)
    floor = max(min_similarity, best - RELATIVE_SIMILARITY_MARGIN)
    return [i for i in ids if i in always or similarity.get(i, -1.0) >= floor]


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / denominator if denominator else 0.0
