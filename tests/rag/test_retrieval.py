"""Retrieval against the real PostgreSQL + pgvector: the read-only path, filters, completeness."""

from __future__ import annotations

import numpy as np
import psycopg
import pytest
from pgvector.psycopg import register_vector
from psycopg import pq

from deepsentinel_pipelines.rag.compiler import count_of, listing
from deepsentinel_pipelines.rag.kinds.base import filters_of
from deepsentinel_pipelines.rag.plan import Filters, Subject
from deepsentinel_pipelines.rag.question import parse_question
from deepsentinel_pipelines.rag.retrieval import (
    fetch_events,
    fulltext_search,
    mentioned_videos,
    run_readonly,
    run_validated,
    vector_literal,
    vector_search,
    vector_search_query,
    vocabulary,
    websearch_text,
)
from deepsentinel_pipelines.rag.sql_guard import UnsafeSQLError
from deepsentinel_pipelines.settings import READER_LOGIN
from tests.rag.corpus import QUESTIONS, Corpus


def test_statement_runs_read_only_as_the_reader_with_a_timeout(
    reader: psycopg.Connection,
) -> None:
    result = run_readonly(
        reader,
        "SELECT current_user, current_setting('transaction_read_only'), "
        "current_setting('statement_timeout')",
        timeout_ms=1234,
    )
    assert result.columns == ("current_user", "current_setting", "current_setting")
    assert result.rows == [(READER_LOGIN, "on", "1234ms")]


def test_connection_is_left_as_it_was(db: psycopg.Connection) -> None:
    db.commit()
    user = db.execute("SELECT current_user").fetchone()[0]
    db.commit()
    assert db.autocommit is False
    run_readonly(db, "SELECT 1")
    assert db.autocommit is False
    assert db.info.transaction_status == pq.TransactionStatus.IDLE
    assert db.execute("SELECT current_user").fetchone()[0] == user


def test_refuses_a_connection_inside_a_transaction(db: psycopg.Connection) -> None:
    db.execute("SELECT 1")
    with pytest.raises(psycopg.ProgrammingError, match="outside a transaction"):
        run_readonly(db, "SELECT 1")
    db.rollback()


def test_model_sql_with_percent_runs_without_parameters(reader: psycopg.Connection) -> None:
    text, result = run_validated(
        reader, "SELECT count(*) FROM events WHERE description LIKE '%fell%'", None
    )
    assert "qa.events" in text and "LIMIT" in text
    assert isinstance(result.rows[0][0], int)


def test_run_validated_rejects_before_running(reader: psycopg.Connection) -> None:
    with pytest.raises(UnsafeSQLError):
        run_validated(reader, "SELECT pg_sleep(10)", None)


def test_builder_sql_runs_validated_with_its_parameters(
    reader: psycopg.Connection, corpus: Corpus
) -> None:
    filters = Filters(event_types=("fall",), video_ids=tuple(corpus.videos()))
    statement = count_of(Subject.EVENTS, filters, "count")
    _, result = run_validated(reader, statement.sql, statement.params)
    assert result.rows == [(2,)]


def test_vocabulary_lists_videos_and_zones(db: psycopg.Connection, corpus: Corpus) -> None:
    known = vocabulary(db)
    assert set(corpus.videos()) <= set(known.video_ids)
    assert {"entrance", "bench", "gate"} <= set(known.zones)
    assert "crosswalk" in known.lines and {"plaza", "lobby"} <= set(known.cameras)


@pytest.mark.parametrize(
    "question", [q for q in QUESTIONS if q.known_limit is None], ids=lambda q: q.text
)
def test_filtered_vector_search_finds_exactly_the_builders_rows(
    db: psycopg.Connection, corpus: Corpus, embedder, question
) -> None:
    """With the iterative scan, a filtered vector search is complete: it returns every event
    the parameterised SQL matches (all corpus events have embeddings), and nothing else."""
    parsed = parse_question(question.text, corpus.videos(), ["entrance", "bench", "gate"])
    filters, _ = filters_of(parsed, tuple(corpus.videos(question.videos)))
    statement = listing(filters, "time", limit=200)
    _, rows = run_validated(db, statement.sql, statement.params, limit=200)
    expected = {row[0] for row in rows.rows}
    hits = vector_search(db, embedder.embed([question.text])[0], filters, limit=100)
    assert {event_id for event_id, _ in hits} == expected
    distances = [d for _, d in hits]
    assert distances == sorted(distances)


def test_vector_search_ranks_by_meaning(db: psycopg.Connection, corpus: Corpus, embedder) -> None:
    filters = Filters(video_ids=tuple(corpus.videos()))
    hits = vector_search(db, embedder.embed(["a person fell down"])[0], filters, limit=5)
    assert {hits[0][0], hits[1][0]} == corpus.ids(["plaza.fall5", "lobby.fall2"])


def test_fulltext_search_ors_the_words_and_applies_filters(
    db: psycopg.Connection, corpus: Corpus
) -> None:
    assert websearch_text('Did "anyone" -fall or sit after 1:20?') == "fall or sit"
    everywhere = Filters(video_ids=tuple(corpus.videos()))
    hits = fulltext_search(db, "who fell near the bench?", everywhere)
    ids = [event_id for event_id, _ in hits]
    assert set(ids) >= corpus.ids(["plaza.fall5", "lobby.fall2", "lobby.sit1"])
    lobby = Filters(video_ids=(corpus.video_ids["lobby"],), event_types=("fall",))
    assert [i for i, _ in fulltext_search(db, "who fell?", lobby)] == [
        corpus.event_ids["lobby.fall2"]
    ]
    assert fulltext_search(db, "?!", everywhere) == []


def test_relative_window_filters_against_each_videos_duration(
    db: psycopg.Connection, corpus: Corpus, embedder
) -> None:
    parsed = parse_question("any exits in the last minute?")
    filters, _ = filters_of(parsed, tuple(corpus.videos()))
    assert filters.relative_to_end
    hits = vector_search(db, embedder.embed(["exit"])[0], filters, limit=50)
    assert [i for i, _ in hits] == [corpus.event_ids["lobby.exit3"]]


def test_fetch_events_returns_rows_and_stored_vectors(
    db: psycopg.Connection, corpus: Corpus
) -> None:
    wanted = corpus.ids(["plaza.fall5", "street.walk1"])
    found = fetch_events(db, [*wanted, -1])
    assert set(found) == wanted
    row, vector = found[corpus.event_ids["plaza.fall5"]]
    assert (row.event_type, row.start_s, row.end_s) == ("fall", 75.0, 77.0)
    assert row.highlight_key and row.highlight_key.endswith("plaza.fall5.jpg")
    assert vector.shape == (384,) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


@pytest.fixture()
def haystack(settings, unique_id: str):
    """1,500 events close to a query vector in zone 'hall', 5 far from it in zone 'needle'."""
    rng = np.random.default_rng(7)
    query = rng.normal(size=384).astype(np.float32)
    query /= np.linalg.norm(query)
    video_id = f"rag-haystack-{unique_id}"
    zone = f"needle-{unique_id}"
    with psycopg.connect(settings.database_url) as conn:
        conn.execute(
            """INSERT INTO videos (video_id, s3_bucket, s3_key, container, codec, fps,
                   frame_count, duration_s, width, height, size_bytes, sha256)
               VALUES (%s, 'b', 'k', 'mp4', 'h264', 10, 10, 1, 1, 1, 1, 'x')""",
            (video_id,),
        )
        rows = []
        for i in range(1505):
            near = i < 1500
            vector = query + rng.normal(scale=0.3 if near else 3.0, size=384)
            vector /= np.linalg.norm(vector)
            rows.append(
                (
                    video_id,
                    "walking",
                    float(i),
                    float(i),
                    "hall" if near else zone,
                    f"synthetic {i}",
                    vector_literal(vector),
                )
            )
        with conn.cursor() as cur:
            cur.executemany(
                """INSERT INTO events (video_id, event_type, start_s, end_s, zone, confidence,
                       description, embedding) VALUES (%s, %s, %s, %s, %s, 1, %s, %s::vector)""",
                rows,
            )
    yield query, zone
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("DELETE FROM videos WHERE video_id = %s", (video_id,))


def test_iterative_scan_keeps_a_selective_filter_complete(db: psycopg.Connection, haystack) -> None:
    """Through the HNSW index, a plain scan sees ef_search neighbours and filters them away;
    pgvector 0.8's iterative scan keeps going until the filtered rows are found."""
    query, zone = haystack
    filters = Filters(zones=(zone,))
    # qa.events joins videos (current analyses only): without sorts the planner cannot start
    # from videos and sort afterwards, so it walks the HNSW index in distance order.
    use_hnsw = {
        "enable_seqscan": "off",
        "enable_bitmapscan": "off",
        "enable_sort": "off",
        "enable_incremental_sort": "off",
    }
    sql, params = vector_search_query(query, filters, 30)
    plan = run_readonly(db, "EXPLAIN " + sql, params, settings=use_hnsw)
    assert "events_embedding_hnsw" in "\n".join(row[0] for row in plan.rows)

    plain = vector_search(db, query, filters, iterative_scan="off", ef_search=40, settings=use_hnsw)
    iterative = vector_search(db, query, filters, ef_search=40, settings=use_hnsw)
    assert len(plain) < 5  # the failure the seed had: silently (almost) nothing
    assert len(iterative) == 5
    strict = vector_search(db, query, filters, iterative_scan="strict_order", settings=use_hnsw)
    assert [i for i, _ in strict] == [i for i, _ in iterative]


def test_vector_search_rejects_an_unknown_scan_mode(db: psycopg.Connection) -> None:
    with pytest.raises(ValueError, match="iterative_scan"):
        vector_search(db, np.ones(384, dtype=np.float32), iterative_scan="fast")


def test_run_readonly_works_without_pgvector_adapters(settings, corpus: Corpus) -> None:
    with psycopg.connect(settings.database_url) as conn:  # no register_vector
        found = fetch_events(conn, [corpus.event_ids["lobby.sit1"]])
        vector = found[corpus.event_ids["lobby.sit1"]][1]
        assert vector.shape == (384,)
    with psycopg.connect(settings.database_url) as conn:
        register_vector(conn)
        registered = fetch_events(conn, [corpus.event_ids["lobby.sit1"]])
    assert np.allclose(registered[corpus.event_ids["lobby.sit1"]][1], vector)


VIDEO_NAMES = ["plaza_north.mp4", "plaza", "cam-01", "Lobby.MP4", "lobby2", "x.y.z", "a"]


@pytest.mark.parametrize(
    "question",
    [
        "how many falls in plaza north?",
        "did anyone fall in PLAZA?",
        "anything on cam 01 or cam_01 or cam–01?",
        "what happened in 'lobby.mp4' after 1:00",
        "show lobby events",
        "compare x.y.z and lobby2",
        "was a person there",
        "nothing named here",
    ],
)
def test_video_prefilter_never_changes_what_the_parser_finds(question: str) -> None:
    candidates = mentioned_videos(question, VIDEO_NAMES)
    assert set(candidates) <= set(VIDEO_NAMES)
    assert parse_question(question, candidates) == parse_question(question, VIDEO_NAMES)


def test_vocabulary_is_cached_until_the_data_changes(settings, unique_id: str) -> None:
    video_id = f"rag-vocab-{unique_id}"
    with psycopg.connect(settings.database_url) as conn:
        assert video_id not in vocabulary(conn).video_ids
        conn.execute(
            """INSERT INTO videos (video_id, s3_bucket, s3_key, container, codec, fps,
                   frame_count, duration_s, width, height, size_bytes, sha256)
               VALUES (%s, 'b', 'k', 'mp4', 'h264', 10, 10, 1, 1, 1, 1, 'x')""",
            (video_id,),
        )
        conn.execute(
            """INSERT INTO events (video_id, event_type, start_s, end_s, zone, confidence,
                   description) VALUES (%s, 'enter', 0, 0, %s, 1, 'x')""",
            (video_id, f"zone-{unique_id}"),
        )
        conn.commit()
        try:
            known = vocabulary(conn)
            assert video_id in known.video_ids and f"zone-{unique_id}" in known.zones
        finally:
            conn.execute("DELETE FROM videos WHERE video_id = %s", (video_id,))
            conn.commit()
