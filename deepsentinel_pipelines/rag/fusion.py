"""Reciprocal rank fusion of several rankings (for example full-text and vector search)."""

from __future__ import annotations

import math
from collections.abc import Sequence


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[int]], k: int = 60
) -> list[tuple[int, float]]:
    """Fuse rankings with reciprocal rank fusion (Cormack et al., 2009).

    Each id scores ``sum(1 / (k + rank))`` over the rankings it appears in, with ``rank``
    starting at 1. An id repeated within one ranking counts only at its best (first) position.

    Args:
        rankings: Lists of ids, best first.
        k: Damping constant; larger values flatten the difference between top and lower ranks.

    Returns:
        ``(id, score)`` pairs, best first. Ties keep the order in which the ids were first
        seen (ranking by ranking, position by position), so the result is deterministic.

    Raises:
        ValueError: If ``k`` is negative.
    """
    if k < 0:
        raise ValueError(f"k must be non-negative, got {k}")
    contributions: dict[int, list[float]] = {}
    for ranking in rankings:
        seen: set[int] = set()
        for rank, item in enumerate(ranking, start=1):
            if item in seen:
                continue
            seen.add(item)
            contributions.setdefault(item, []).append(1.0 / (k + rank))
    # fsum is exactly rounded, so equal sets of contributions give equal scores in any order.
    scored = [(item, math.fsum(parts)) for item, parts in contributions.items()]
    scored.sort(key=lambda pair: -pair[1])  # stable: ties stay in first-seen order
    return scored
