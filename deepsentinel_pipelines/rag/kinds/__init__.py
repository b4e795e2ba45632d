"""Question kinds, one module each, tried in this order; the first that plans the question wins.

The order matters where kinds overlap: what the footage cannot tell is caught before a count
("how many cars?"), a comparison before a count ("more entries or exits?"), a superlative
before the busiest moment ("the most crowded" is a moment, "the largest crowd" a size), and a
plain listing last.
"""

from __future__ import annotations

from deepsentinel_pipelines.rag.kinds import (
    cannot_tell,
    comparisons,
    counts,
    direction,
    durations,
    existence,
    listing,
    occupancy,
    ordinals,
    per_person,
    summary,
    superlatives,
)
from deepsentinel_pipelines.rag.kinds.base import Kind

#: Every kind, in the order they are tried.
KINDS: tuple[Kind, ...] = (
    cannot_tell,
    summary,
    comparisons,
    superlatives,
    direction,
    occupancy,
    durations,
    ordinals,
    counts,
    existence,
    per_person,
    listing,
)  # type: ignore[assignment]
