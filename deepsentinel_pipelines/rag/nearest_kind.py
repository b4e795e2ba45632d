"""The fallback when no kind's patterns match: the kind whose example questions are nearest.

Each kind lists example questions (``EXAMPLES``); they are embedded once per embedder with the
same MiniLM encoder as the question, and the question goes to the kind of its most similar
example when that similarity is high enough; otherwise nothing is forced and the question is
answered by retrieval alone.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from deepsentinel_pipelines.rag.kinds.base import Kind
from deepsentinel_pipelines.rag.ports import Embedder

#: Cosine similarity to the nearest example from which its kind is taken.
MIN_SIMILARITY = 0.5

_CACHE: dict[tuple[int, int], tuple[np.ndarray, list[int]]] = {}


def nearest_kind(
    query_vector: np.ndarray, embedder: Embedder, kinds: Sequence[Kind]
) -> tuple[Kind, float] | None:
    """The kind of the example nearest the question, with its similarity; None when too far."""
    key = (id(embedder), id(kinds))
    if key not in _CACHE:
        texts, owners = [], []
        for index, kind in enumerate(kinds):
            texts.extend(kind.EXAMPLES)
            owners.extend([index] * len(kind.EXAMPLES))
        matrix = _unit(np.asarray(embedder.embed(texts), dtype=np.float32))
        _CACHE[key] = (matrix, owners)
    matrix, owners = _CACHE[key]
    scores = matrix @ _unit(np.asarray(query_vector, dtype=np.float32))
    best = int(np.argmax(scores))
    similarity = float(scores[best])
    if similarity < MIN_SIMILARITY:
        return None
    return kinds[owners[best]], similarity


def _unit(array: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(array, axis=-1, keepdims=True)
    return array / np.where(norms == 0, 1.0, norms)
