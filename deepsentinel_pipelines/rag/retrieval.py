"""Read-only retrieval over the ``qa`` views: guarded SQL, pgvector search and full-text search.

Two paths, on two connections:

* SQL a model or the question parser wrote runs through :func:`run_validated` on a connection
  that *logs in* as ``deepsentinel_reader``: no superuser and no other role behind it (nothing
  to ``SET ROLE`` to), ``SELECT`` on the ``qa`` views' listed columns only (not ``embedding`` or
  ``search_text``), and ``statement_timeout``, ``work_mem`` and ``temp_file_limit`` set on the
  role itself (see ``local_stack/bootstrap.py`` and migration 0005).
* The vector and full-text legs and :func:`fetch_events` are statements this module writes, with
  the question only as a parameter; they run on the application's own (non-superuser)
  connection, because they need the columns the reader may not see.

Both go through :func:`run_readonly`: a ``READ ONLY`` transaction with a ``statement_timeout``
that callers may lower but never raise past :data:`MAX_TIMEOUT_MS`, always rolled back, whose
rows are fetched in chunks and cut at :data:`MAX_RESULT_BYTES`. The statement is sent with the
extended query protocol, so the server itself refuses stacked statements (``SELECT 1; DROP ...``)
even if a caller skipped :func:`deepsentinel_pipelines.rag.sql_guard.validate_sql`. A model's
statement (:func:`run_model_sql`) is also explained first, over the views' tables, and refused
when its plan is far larger than those tables (``rag/plan_cost.py``); it runs without nested
loops, a few rows per round trip.
"""

from __future__ import annotations

import functools
import re
import struct
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg import pq
from psycopg import sql as pgsql

from deepsentinel_pipelines.rag.compiler import event_scope
from deepsentinel_pipelines.rag.documents import event_text
from deepsentinel_pipelines.rag.names import nameable
from deepsentinel_pipelines.rag.plan import Filters
from deepsentinel_pipelines.rag.plan_cost import (
    QA_TABLES,
    TABLE_SIZES_SQL,
    base_table_sql,
    plan_bounds,
    plan_problem,
)
from deepsentinel_pipelines.rag.rows import EVENT_COLUMNS, EventRow, QueryResult, event_row
from deepsentinel_pipelines.rag.sql_guard import UnsafeSQLError, validate_sql

#: Default ``statement_timeout`` of one statement, in milliseconds.
DEFAULT_TIMEOUT_MS = 2_000
#: The most any caller (run config included) may set; the reader login's own default is the same.
MAX_TIMEOUT_MS = 5_000
#: Candidates each retriever returns (and the reranker's input size).
DEFAULT_CANDIDATES = 30
#: ``hnsw.ef_search`` for filtered vector search: the candidate list per scan step.
DEFAULT_EF_SEARCH = 100
#: ``hnsw.max_scan_tuples``: how far pgvector's iterative scan may walk before it gives up (a
#: brake on very selective filters; the btree indexes usually win those plans anyway).
DEFAULT_MAX_SCAN_TUPLES = 40_000
#: Rows fetched per round trip when streaming a result.
_STREAM_ROWS = 500
#: ... and for a model's statement, whose rows may be wide: fewer rows held at once.
_MODEL_STREAM_ROWS = 10
#: Most bytes of rows a statement returns; fetching stops before the row that would pass it.
MAX_RESULT_BYTES = 1_000_000
#: Planner settings of a model's statement (and of its plan). The ``qa`` views' filter makes the
#: planner guess 1 row for joins of millions; a nested loop chosen on such a guess is quadratic,
#: so joins are hashed or merged instead (their cost grows with the rows, not their square).
MODEL_SQL_SETTINGS = {"enable_nestloop": "off"}


class CostlySQLError(UnsafeSQLError):
    """A statement the guard accepted whose plan is too large to run (``reason`` says how)."""


def _value_bytes(value: Any) -> int:
    if value is None or isinstance(value, bool | int | float):
        return 8
    if isinstance(value, str | bytes | bytearray | memoryview):
        return len(value)
    return len(str(value))


def run_readonly(
    conn: psycopg.Connection,
    sql: str,
    params: Mapping[str, Any] | Sequence[Any] | None = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    *,
    settings: Mapping[str, str] | None = None,
    binary: bool = False,
    max_bytes: int = MAX_RESULT_BYTES,
    stream_rows: int = _STREAM_ROWS,
) -> QueryResult:
    """Run one statement read-only, as the connection's login, with a ``statement_timeout``.

    The transaction is ``BEGIN READ ONLY``; ``statement_timeout`` (at most
    :data:`MAX_TIMEOUT_MS`), then ``settings`` (for example pgvector's ``hnsw.*``) are set with
    ``SET LOCAL`` semantics, the statement runs, and the transaction is rolled back whatever
    happened, so nothing it did survives.

    Args:
        conn: A connection outside any transaction (its ``autocommit`` setting is restored).
        sql: One statement. For model-written SQL this must be the text
            :func:`~deepsentinel_pipelines.rag.sql_guard.validate_sql` returned, with
            ``params=None`` (then ``%`` is not a placeholder).
        params: psycopg parameters for ``%(name)s``/``%s`` placeholders, or None.
        timeout_ms: ``statement_timeout`` in milliseconds (at least 1, at most
            :data:`MAX_TIMEOUT_MS`).
        settings: Extra ``name -> value`` settings for this transaction (``SET LOCAL``).
        binary: Ask for binary results (for vectors: no text parsing).
        max_bytes: Stop fetching before the row that would take the result past this many
            bytes (the result says it was ``truncated``).
        stream_rows: Rows the server sends per round trip.

    Returns:
        The columns and rows.

    Raises:
        psycopg.ProgrammingError: If ``conn`` is inside a transaction.
        psycopg.Error: What the server says: ``InsufficientPrivilege`` for anything the login
            may not read, ``ReadOnlySqlTransaction`` for writes, ``QueryCanceled`` on timeout,
            ``SyntaxError`` for several statements.
    """
    if conn.info.transaction_status != pq.TransactionStatus.IDLE:
        raise psycopg.ProgrammingError(
            "run_readonly needs a connection outside a transaction (commit or roll back first)"
        )
    timeout = min(max(1, int(timeout_ms)), MAX_TIMEOUT_MS)
    saved_autocommit = conn.autocommit
    # In autocommit mode psycopg sends no implicit BEGIN, so ours is the one that counts.
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            # One round trip (simple protocol, no parameters): BEGIN and the settings.
            cur.execute(_setup_sql(timeout, settings or {}))
            try:
                # stream() always uses the extended protocol: one statement, or a server error.
                size = stream_rows if pq.version() >= 170000 else 1
                rows, used, truncated, columns = [], 0, False, None
                for row in cur.stream(sql, params, binary=binary, size=size):
                    if columns is None:
                        columns = tuple(col.name for col in cur.description or ())
                    row_bytes = sum(_value_bytes(v) for v in row)
                    if used + row_bytes > max_bytes:
                        truncated = True  # leaving the stream cancels the statement
                        break
                    used += row_bytes
                    rows.append(tuple(row))
                if columns is None:
                    columns = tuple(col.name for col in cur.description or ())
            except BaseException:
                if not conn.closed:
                    with suppress(psycopg.Error):
                        conn.execute("ROLLBACK")
                raise
            cur.execute("ROLLBACK")
    finally:
        if not conn.closed and conn.info.transaction_status == pq.TransactionStatus.IDLE:
            conn.autocommit = saved_autocommit
    return QueryResult(columns=columns, rows=rows, truncated=truncated, size_bytes=used)


def _setup_sql(timeout_ms: int, settings: Mapping[str, str]) -> pgsql.Composed:
    parts = [
        pgsql.SQL("BEGIN READ ONLY"),
        pgsql.SQL("SET LOCAL statement_timeout = {}").format(pgsql.Literal(int(timeout_ms))),
        # SET LOCAL, not set_config(): the reader may not execute set_config.
        *(
            pgsql.SQL("SET LOCAL {} = {}").format(
                pgsql.Identifier(*str(name).split(".")), pgsql.Literal(str(value))
            )
            for name, value in settings.items()
        ),
    ]
    return pgsql.SQL("; ").join(parts)


@functools.lru_cache(maxsize=512)
def cached_validate(text: str, limit: int) -> str:
    """Memoised :func:`validate_sql`.

    The guard is pure, and the builder's SQL text repeats (the values travel as parameters), so
    parsing and qualifying the same text again would only cost time.
    """
    return validate_sql(text, limit=limit)


def run_validated(
    conn: psycopg.Connection,
    sql_text: str,
    params: Mapping[str, Any] | None = None,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    *,
    limit: int = 200,
) -> tuple[str, QueryResult]:
    """Validate ``sql`` with the guard, then run the text the guard returned read-only.

    Args:
        conn: A connection logged in as the reader, outside any transaction.
        sql_text: A SELECT over the ``qa`` views (built by the parser's builder, or
            model-written).
        params: The builder's parameters, or None for model-written SQL.
        timeout_ms: ``statement_timeout`` in milliseconds.
        limit: Most rows (the guard adds or lowers ``LIMIT``).

    Returns:
        The validated text that ran, and its rows.

    Raises:
        deepsentinel_pipelines.rag.sql_guard.UnsafeSQLError: If the guard rejects the SQL.
        psycopg.Error: If the database refuses or fails the statement.
    """
    validated = cached_validate(sql_text, limit)
    return validated, run_readonly(conn, validated, params, timeout_ms)


def run_model_sql(
    conn: psycopg.Connection,
    sql_text: str,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    limit: int = 200,
    *,
    planner: psycopg.Connection,
) -> tuple[str, QueryResult]:
    """Validate a model's statement, explain it, and run it only if its plan is small enough.

    The plan is judged against the sizes of the tables behind the views
    (:func:`~deepsentinel_pipelines.rag.plan_cost.plan_problem`); then the statement runs on
    the reader login, its rows fetched a few at a time and cut at :data:`MAX_RESULT_BYTES`.

    Args:
        conn: The reader's connection (outside a transaction): the statement runs there.
        sql_text: The model's statement.
        timeout_ms: ``statement_timeout`` of the plan and of the statement.
        limit: Most rows (the guard adds or lowers ``LIMIT``).
        planner: The application's connection (outside a transaction). It only plans the
            statement over the views' tables (``EXPLAIN`` without ``ANALYZE`` runs nothing) in
            a read-only transaction: the planner cannot estimate the views' own filter, and the
            reader may not read the tables.

    Raises:
        deepsentinel_pipelines.rag.sql_guard.UnsafeSQLError: The guard refused it, or
            (:class:`CostlySQLError`) its plan is too large.
        psycopg.Error: The database refused or failed it.
    """
    validated = cached_validate(sql_text, limit)
    sizes = run_readonly(planner, TABLE_SIZES_SQL, {"tables": list(QA_TABLES)}, timeout_ms)
    # No parameters: the text is the guard's single statement (over the tables), sent as is.
    explained = run_readonly(
        planner,
        f"EXPLAIN (FORMAT JSON) {base_table_sql(validated)}",
        None,
        timeout_ms,
        settings=MODEL_SQL_SETTINGS,
    )
    problem = plan_problem(explained.rows[0][0], plan_bounds(*sizes.rows[0]))
    if problem is not None:
        raise CostlySQLError(problem)
    result = run_readonly(
        conn,
        validated,
        None,
        timeout_ms,
        settings=MODEL_SQL_SETTINGS,
        stream_rows=_MODEL_STREAM_ROWS,
    )
    return validated, result


@dataclass(frozen=True)
class RerankDocument:
    """One candidate for a reranker.

    Attributes:
        id: The event id.
        text: What the event says (:func:`document_text`), for text rerankers.
        vector: Its stored unit-length embedding, if any, for the local reranker.
    """

    id: int
    text: str
    vector: np.ndarray | None = None


#: Every event (the default of the retrievers).
NO_FILTERS = Filters()


# --- the retrievers -----------------------------------------------------------------------------


def vector_search(
    conn: psycopg.Connection,
    query_vector: np.ndarray,
    filters: Filters = NO_FILTERS,
    *,
    limit: int = DEFAULT_CANDIDATES,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    ef_search: int = DEFAULT_EF_SEARCH,
    max_scan_tuples: int = DEFAULT_MAX_SCAN_TUPLES,
    iterative_scan: str = "relaxed_order",
    settings: Mapping[str, str] | None = None,
) -> list[tuple[int, float]]:
    """Nearest events by cosine distance, filtered, through the HNSW index.

    With a filter, a plain HNSW scan returns ``ef_search`` neighbours and *then* filters them, so
    a selective filter silently leaves fewer than ``limit`` rows, often none. pgvector 0.8's
    iterative scan (``hnsw.iterative_scan = relaxed_order``) keeps scanning until ``limit`` rows
    pass the filter; relaxed order may swap near-equal neighbours, so the outer query re-sorts.

    Args:
        conn: A connection outside any transaction.
        query_vector: The question's embedding (unit length, the column's dimension).
        filters: Restrictions on the events.
        limit: Most events returned.
        timeout_ms: ``statement_timeout`` in milliseconds.
        ef_search: ``hnsw.ef_search``.
        max_scan_tuples: ``hnsw.max_scan_tuples``.
        iterative_scan: ``hnsw.iterative_scan``: ``relaxed_order``, ``strict_order`` or ``off``.
        settings: More settings for the statement (planner switches when measuring).

    Returns:
        ``(event_id, cosine distance)``, nearest first.
    """
    sql, params = vector_search_query(query_vector, filters, limit)
    if iterative_scan not in ("relaxed_order", "strict_order", "off"):
        raise ValueError(f"iterative_scan is relaxed_order, strict_order or off: {iterative_scan}")
    hnsw = {
        "hnsw.iterative_scan": iterative_scan,
        "hnsw.ef_search": str(int(ef_search)),
        "hnsw.max_scan_tuples": str(int(max_scan_tuples)),
        **(settings or {}),
    }
    result = run_readonly(conn, sql, params, timeout_ms, settings=hnsw, binary=True)
    return [(int(event_id), float(distance)) for event_id, distance in result.rows]


def vector_search_query(
    query_vector: np.ndarray, filters: Filters, limit: int
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of :func:`vector_search` (for ``EXPLAIN``)."""
    scope = event_scope(filters)
    # Sent as text and cast, so the connection needs no pgvector adapters registered.
    params = {**scope.params, "qv": vector_literal(query_vector), "k": int(limit)}
    sql = (
        "WITH hits AS MATERIALIZED ("
        "SELECT e.event_id, e.embedding <=> %(qv)s::vector AS distance "
        f"FROM qa.events AS e{scope.join}{scope.where('e.embedding IS NOT NULL')} "
        "ORDER BY e.embedding <=> %(qv)s::vector LIMIT %(k)s) "
        "SELECT event_id, distance FROM hits ORDER BY distance, event_id"
    )
    return sql, params


#: Words left out of full-text queries: besides English stop words (the ``english`` config
#: drops those), words that every event description has ("Person 3 ... zone ... at 01:15") or
#: that only frame a question. They carry no signal, and one of them OR-ed into the query
#: would make PostgreSQL rank every event.
FULLTEXT_SKIP_WORDS: frozenset[str] = frozenset(
    {
        "or", "and", "person", "persons", "people", "someone", "somebody", "anyone", "anybody",
        "everyone", "everybody", "who", "man", "woman", "men", "women", "frame", "zone", "zones",
        "video", "videos", "clip", "clips", "camera", "cameras", "footage", "event", "events",
        "happen", "happened", "happening", "show", "shows", "see", "seen", "time", "times",
        "minute", "minutes", "min", "mins", "second", "seconds", "sec", "secs", "hour", "hours",
        "many", "much", "count", "number", "last", "first", "start", "end", "did", "does",
        "was", "were", "there", "any", "near", "around", "after", "before", "between",
    }
)  # fmt: skip


def websearch_text(question: str) -> str:
    """The question as an OR of its informative words for ``websearch_to_tsquery``.

    ``websearch_to_tsquery`` ANDs words, and a whole question ("did anyone fall between minute 1
    and 2?") never matches one event's text; OR-ing them lets ``ts_rank`` prefer events that share
    more words. Numbers (times, track numbers) and :data:`FULLTEXT_SKIP_WORDS` are left out; the
    parser turns times into filters. Quotes and ``-`` (phrase and NOT in websearch syntax) go
    with the rest of the punctuation.
    """
    words = [
        w
        for w in re.findall(r"[a-z0-9]+", question.lower())
        if w not in FULLTEXT_SKIP_WORDS and not w.isdigit()
    ]
    return " or ".join(dict.fromkeys(words))


def fulltext_search(
    conn: psycopg.Connection,
    question: str,
    filters: Filters = NO_FILTERS,
    *,
    limit: int = DEFAULT_CANDIDATES,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> list[tuple[int, float]]:
    """Events whose ``search_text`` matches words of the question, best ``ts_rank`` first.

    Args:
        conn: A connection outside any transaction.
        question: The operator's question.
        filters: Restrictions on the events.
        limit: Most events returned.
        timeout_ms: ``statement_timeout`` in milliseconds.

    Returns:
        ``(event_id, rank)``, best first; empty when the question has no searchable word.
    """
    text = websearch_text(question)
    if not text:
        return []
    scope = event_scope(filters)
    params = {**scope.params, "text": text, "k": int(limit)}
    sql = (
        "SELECT e.event_id, ts_rank(e.search_text, q.query) AS rank "
        f"FROM websearch_to_tsquery('english', %(text)s) AS q(query), qa.events AS e{scope.join}"
        f"{scope.where('e.search_text @@ q.query')} ORDER BY rank DESC, e.event_id LIMIT %(k)s"
    )
    result = run_readonly(conn, sql, params, timeout_ms)
    return [(int(event_id), float(rank)) for event_id, rank in result.rows]


def fetch_events(
    conn: psycopg.Connection,
    event_ids: Sequence[int],
    *,
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
) -> dict[int, tuple[EventRow, np.ndarray | None]]:
    """The rows (and stored embeddings) of the given events.

    Args:
        conn: A connection outside any transaction.
        event_ids: Events to fetch; unknown ids are left out.
        timeout_ms: ``statement_timeout`` in milliseconds.

    Returns:
        ``event_id -> (EventRow, embedding or None)``.
    """
    if not event_ids:
        return {}
    columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
    sql = f"SELECT {columns}, e.embedding FROM qa.events AS e WHERE e.event_id = ANY(%(ids)s)"
    result = run_readonly(conn, sql, {"ids": [int(i) for i in event_ids]}, timeout_ms, binary=True)
    found: dict[int, tuple[EventRow, np.ndarray | None]] = {}
    for row in result.rows:
        event = event_row(row[:-1])
        found[event.event_id] = (event, _as_array(row[-1]))
    return found


def vector_literal(vector: np.ndarray | Sequence[float]) -> str:
    """A pgvector text literal (``[0.1,0.2,...]``)."""
    values = np.asarray(vector, dtype=np.float32).ravel()
    return "[" + ",".join(repr(float(v)) for v in values) + "]"


def _as_array(value: Any) -> np.ndarray | None:
    """A binary-loaded vector as float32: a pgvector ``Vector``, or raw bytes without adapters."""
    if value is None:
        return None
    if hasattr(value, "to_numpy"):
        return np.asarray(value.to_numpy(), dtype=np.float32)
    data = bytes(value)
    (dim,) = struct.unpack_from(">H", data)
    return np.frombuffer(data, dtype=">f4", count=dim, offset=4).astype(np.float32)


@dataclass(frozen=True)
class Vocabulary:
    """The names questions may use, as the database knows them."""

    video_ids: tuple[str, ...]
    zones: tuple[str, ...]
    lines: tuple[str, ...]
    cameras: tuple[str, ...]


_VOCABULARY: dict[str, tuple[tuple[Any, ...], Vocabulary]] = {}


def vocabulary(conn: psycopg.Connection, *, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> Vocabulary:
    """Known video ids, zones, counting lines and cameras, for the question parser.

    Listing the zones reads every event (there is no index on ``zone``), so the lists are kept
    per database and read again only when a cheap version check (``qa.catalog_version``: the
    newest event id by primary key, the number of videos and the newest video) changes. A deleted
    zone or video may linger until then, which is harmless: the parser then filters on a name
    that matches nothing.
    """
    version = tuple(
        run_readonly(
            conn,
            "SELECT newest_event_id, videos, newest_video FROM qa.catalog_version",
            None,
            timeout_ms,
        ).rows[0]
    )
    key = f"{conn.info.host}:{conn.info.port}/{conn.info.dbname}"
    cached = _VOCABULARY.get(key)
    if cached is not None and cached[0] == version:
        return cached[1]
    result = run_readonly(
        conn,
        "SELECT 'v' AS kind, video_id AS name FROM qa.videos "
        "UNION ALL SELECT DISTINCT 'c', camera FROM qa.videos "
        "UNION ALL SELECT DISTINCT 'z', e.zone FROM qa.events AS e WHERE e.zone IS NOT NULL "
        "UNION ALL SELECT DISTINCT 'l', e.attributes ->> 'line' FROM qa.events AS e "
        "WHERE e.event_type = 'line_crossing'",
        None,
        timeout_ms,
    )

    def names(kind: str) -> tuple[str, ...]:
        found = [str(n) for k, n in result.rows if k == kind and n]
        return tuple(found if kind == "v" else sorted(set(found)))

    known = Vocabulary(names("v"), names("z"), names("l"), names("c"))
    _VOCABULARY[key] = (version, known)
    return known


#: Up to this many videos, every name is tried on every question (typos included).
ALL_VIDEOS_NAMEABLE = 200


def mentioned_videos(question: str, video_ids: Sequence[str]) -> list[str]:
    """The video ids the question could name, a superset of what the parser will find.

    The parser tries one regular expression per known video; with a thousand videos that is
    most of a question's parsing time. A name it can match (spaces, ``_`` and ``-``
    interchangeable, with or without the extension) is also a substring of the question once
    both are reduced to lowercase words, which is cheap to test.
    """
    if len(video_ids) <= ALL_VIDEOS_NAMEABLE:
        return list(video_ids)  # few enough to try every name, misspelt ones included
    text = " " + _words(question) + " "
    words = set(text.split())
    tokens = {
        v: {t for t in _words(v.rsplit("/", 1)[-1]).split() if len(t) >= 4} for v in video_ids
    }
    # One word of the file name ("the sample" for sample_plaza.mp4) names it, if no other has it.
    shared = Counter(t for found in tokens.values() for t in found & words)
    found = []
    for video_id in video_ids:
        if any(shared[t] == 1 for t in tokens[video_id] & words):
            found.append(video_id)
            continue
        stem, dot, ext = video_id.rpartition(".")
        names = {_words(video_id)}
        if dot and stem:
            names.add(_words(stem))
        # The parser ignores names without two letters or digits (an empty name is "in" every
        # question); the names kept here must be a superset of what it can match.
        if any(nameable(name) and name in text for name in names):
            found.append(video_id)
    return found


def _words(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def document_text(event: EventRow) -> str:
    """How an event reads to a reranker: type, zone, time, video and description."""
    end_s = max(event.end_s, event.start_s)
    return event_text(
        event.event_type, event.start_s, end_s, event.zone, event.video_id, event.description
    )
