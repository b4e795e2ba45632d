"""The hostile SQL corpus, on the real database: refused by the guard, harmless on the reader.

(The families that pass the guard's language rules and must be bounded after it run on the
path model SQL takes in ``test_hostile_cost.py``.)

Each statement is checked twice. The guard must refuse it (the first layer). Then it is run
*unvalidated* on the reader login, as if the guard had a hole: it must fail or return nothing
it should not (no vector, no row outside the views), within the capped ``statement_timeout``,
without changing a row, and the database must answer the next statement.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from psycopg import errors

from deepsentinel_pipelines.rag.retrieval import MAX_TIMEOUT_MS, run_readonly
from deepsentinel_pipelines.rag.sql_guard import UnsafeSQLError, validate_sql
from deepsentinel_pipelines.settings import Settings
from tests.rag.bulk import looks_forbidden
from tests.rag.conftest import table_counts
from tests.rag.corpus import Corpus
from tests.rag.hostile_sql import ALIAS_COLUMN_LISTS, CARTESIAN, HOSTILE_SQL

WATCHED = ("videos", "events", "tracks", "qa_sessions", "qa_interactions")


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(HOSTILE_SQL) >= 100
    assert len(set(HOSTILE_SQL)) == len(HOSTILE_SQL)


@pytest.mark.parametrize("sql", HOSTILE_SQL)
def test_the_guard_refuses(sql: str) -> None:
    with pytest.raises(UnsafeSQLError):
        validate_sql(sql)


def _harmless(rows: list[tuple]) -> bool:
    """No value looks like a stored vector or a tsvector (what the column grants keep out)."""
    return not any(looks_forbidden(value) for row in rows for value in row)


def test_unvalidated_on_the_reader_it_fails_or_stays_harmless(
    db: psycopg.Connection, settings: Settings, corpus: Corpus
) -> None:
    before = table_counts(db, WATCHED)
    outcomes: dict[str, str] = {}
    for sql in HOSTILE_SQL:
        # A fresh login each time: pg_terminate_backend(pg_backend_pid()) may end its own.
        with psycopg.connect(settings.reader_database_url) as reader:
            started = time.perf_counter()
            try:
                result = run_readonly(reader, sql, timeout_ms=1_000)
            except psycopg.Error as err:
                outcomes[sql] = type(err).__name__
            else:
                assert _harmless(result.rows), sql
                outcomes[sql] = "ran"
            # Generous: the cap is 1 s here, and the machine may be busy.
            assert time.perf_counter() - started < 30, sql
    with psycopg.connect(settings.reader_database_url) as reader:
        assert reader.execute("SELECT 1").fetchone() == (1,)
    assert table_counts(db, WATCHED) == before
    assert outcomes["SELECT embedding FROM events"] == "InsufficientPrivilege"
    assert outcomes[ALIAS_COLUMN_LISTS[0]] == "InsufficientPrivilege"  # c12 is embedding
    assert outcomes["SELECT set_config('role', 'postgres', false)"] == "InsufficientPrivilege"


def test_a_cartesian_product_ends_at_the_logins_own_timeout(
    reader: psycopg.Connection, corpus: Corpus
) -> None:
    """Sent as is, no timeout of ours: the role's ``statement_timeout`` stops it."""
    reader.autocommit = True
    started = time.perf_counter()
    with pytest.raises(errors.QueryCanceled):
        reader.execute(CARTESIAN[-1])  # an eight-way cross join of every event
    assert time.perf_counter() - started < 60
    assert reader.execute("SELECT 1").fetchone() == (1,)


def test_a_caller_cannot_raise_the_timeout_past_the_cap(reader: psycopg.Connection) -> None:
    result = run_readonly(reader, "SHOW statement_timeout", timeout_ms=10 * MAX_TIMEOUT_MS)
    assert result.rows == [(f"{MAX_TIMEOUT_MS // 1000}s",)]


def test_run_config_cannot_raise_the_timeout_past_the_cap() -> None:
    from pydantic import ValidationError

    from deepsentinel_pipelines.ops.rag_query import RagQueryConfig

    assert RagQueryConfig(question="x", statement_timeout_ms=500).statement_timeout_ms == 500
    with pytest.raises(ValidationError, match="less than or equal"):
        RagQueryConfig(question="x", statement_timeout_ms=MAX_TIMEOUT_MS + 1)
