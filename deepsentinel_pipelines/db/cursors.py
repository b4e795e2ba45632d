"""Server-side cursors: a long video's rows read in batches instead of all at once."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from typing import Any

import psycopg

#: Rows fetched from the server at a time.
FETCH_ROWS = 5000


def stream_rows(
    conn: psycopg.Connection, query: str, params: Sequence[Any]
) -> Iterator[tuple[Any, ...]]:
    """The rows of a query, :data:`FETCH_ROWS` at a time (in the connection's transaction)."""
    with conn.cursor(name=f"stream_{uuid.uuid4().hex}") as cur:
        cur.itersize = FETCH_ROWS
        cur.execute(query, params)  # type: ignore[arg-type]  # composed from code constants
        yield from cur
