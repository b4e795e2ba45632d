"""Presigned clip links for cited events, read from ``qa.event_clips`` as the reader role."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import psycopg

from deepsentinel_pipelines.rag.answer import EventRow
from deepsentinel_pipelines.rag.retrieval import DEFAULT_TIMEOUT_MS, run_readonly


def with_clip_urls(
    conn: psycopg.Connection,
    rows: Sequence[EventRow],
    presign: Callable[[str], str],
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> list[EventRow]:
    """The rows with ``clip_url`` set for the events that have a clip."""
    if not rows:
        return []
    result = run_readonly(
        conn,
        "SELECT event_id, clip_key FROM qa.event_clips WHERE event_id = ANY(%(ids)s)",
        {"ids": [row.event_id for row in rows]},
        timeout_ms,
    )
    keys = {int(event_id): str(key) for event_id, key in result.rows}
    return [
        replace(row, clip_url=presign(keys[row.event_id])) if row.event_id in keys else row
        for row in rows
    ]
