"""The hostile corpus on the path model SQL takes, against 20,000 events: nothing costs much.

Every statement of every family (``tests/rag/hostile_sql.py``, over 500 in all) goes through
``run_model_statement`` on the real reader login, as a model's statement would, with the data set of
``tests/rag/bulk.py`` loaded. Each is refused (by the guard, or for its plan), or runs to the end
within its statement timeout and returns at most 1 MB; none reads a forbidden value, none writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from deepsentinel_pipelines.db.reader_login import connect_reader
from deepsentinel_pipelines.rag.retrieval import MAX_RESULT_BYTES
from deepsentinel_pipelines.settings import Settings
from tests.rag.bulk import Outcome, delete_bulk, load_bulk, run_hostile, table_counts
from tests.rag.hostile_sql import CORPUS, LOW_CARDINALITY_JOINS, REFUSED_FAMILIES, WIDE_RESULTS


@pytest.fixture(scope="module")
def bulk(settings: Settings) -> Iterator[dict[str, int]]:
    """The bulk data set, loaded for this module; the tables' counts once it is in."""
    with psycopg.connect(settings.database_url) as conn:
        video_ids = load_bulk(conn, uuid.uuid4().hex[:8])
        before = table_counts(conn)
    yield before
    with psycopg.connect(settings.database_url) as conn:
        delete_bulk(conn, video_ids)


@pytest.fixture(scope="module")
def outcomes(settings: Settings, bulk: dict[str, int]) -> dict[str, list[Outcome]]:
    """Every statement's outcome, by family (one reader login, as a question has)."""
    found: dict[str, list[Outcome]] = {}
    with (
        connect_reader(settings.reader_database_url) as reader,
        psycopg.connect(settings.database_url, autocommit=True) as app,
    ):
        for family, statements in CORPUS.items():
            found[family] = [run_hostile(reader, app, sql) for sql in statements]
    return found


def test_the_corpus_covers_every_family() -> None:
    statements = [sql for family in CORPUS.values() for sql in family]
    assert len(statements) >= 500 and len(set(statements)) == len(statements)
    assert len(CORPUS) >= 22


@pytest.mark.parametrize("family", list(CORPUS))
def test_each_statement_is_refused_or_bounded(
    family: str, outcomes: dict[str, list[Outcome]]
) -> None:
    for sql, outcome in zip(CORPUS[family], outcomes[family], strict=True):
        assert outcome.kind in {"guard", "plan", "ran", "failed"}, (sql[:200], outcome)
        assert "statement timeout" not in outcome.note, sql[:200]
        assert outcome.result_bytes <= MAX_RESULT_BYTES, sql[:200]
        assert not outcome.forbidden, sql[:200]
        if family in REFUSED_FAMILIES:
            assert outcome.kind == "guard", (sql[:200], outcome)


def test_near_cartesian_joins_are_refused_for_their_plan(
    outcomes: dict[str, list[Outcome]],
) -> None:
    kinds = {outcome.kind for outcome in outcomes["low-cardinality joins"]}
    assert kinds == {"plan"}, [
        (sql[:100], o.kind)
        for sql, o in zip(LOW_CARDINALITY_JOINS, outcomes["low-cardinality joins"], strict=True)
        if o.kind != "plan"
    ]
    [first] = outcomes["low-cardinality joins"][:1]
    assert "its plan expects about" in first.note and "rows in one step" in first.note


def test_megabytes_of_rows_are_cut_at_the_cap(outcomes: dict[str, list[Outcome]]) -> None:
    wide = dict(zip(WIDE_RESULTS, outcomes["wide results"], strict=True))
    # Six columns of a 1,800-character summary repeated 8 times: ~86 KB a row, 20,000 rows.
    joined = wide[WIDE_RESULTS[2]]
    assert joined.kind == "ran" and joined.truncated
    assert 0.8 * MAX_RESULT_BYTES < joined.result_bytes <= MAX_RESULT_BYTES
    assert "only its first" in joined.note


def test_capped_aggregates_run_and_stay_small(outcomes: dict[str, list[Outcome]]) -> None:
    for outcome in outcomes["top-level aggregates"]:
        assert outcome.kind == "ran", outcome
        assert outcome.result_bytes < 200 * 4_000 * 4  # at most LIMIT rows of capped columns


def test_nothing_was_written(settings: Settings, bulk, outcomes) -> None:
    del outcomes  # every statement has run
    with psycopg.connect(settings.database_url) as conn:
        assert table_counts(conn) == bulk
