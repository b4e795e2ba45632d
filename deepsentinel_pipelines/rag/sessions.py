"""Saving question-answering sessions and their interactions."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import psycopg

if TYPE_CHECKING:
    from deepsentinel_pipelines.rag.pipeline import AskResult


def save_interaction(conn: psycopg.Connection, result: AskResult, source: str) -> int:
    """Store the session (once) and the interaction; return the interaction's id.

    The SQL column keeps the notes (e.g. why a model query was rejected) as leading comments.
    """
    sql = result.sql
    if result.notes:
        sql = "\n".join(f"-- {note}" for note in result.notes) + ("\n" + sql if sql else "")
    with conn.transaction():
        conn.execute(
            "INSERT INTO qa_sessions (session_id, source) VALUES (%s, %s) "
            "ON CONFLICT (session_id) DO NOTHING",
            (result.session_id, source),
        )
        row = conn.execute(
            """INSERT INTO qa_interactions
                   (session_id, question, sql, retrieved_ids, cited_ids, answer, refused,
                    latencies_ms)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb)
               RETURNING interaction_id""",
            (
                result.session_id,
                result.question,
                sql,
                list(result.retrieved_ids),
                [e.event_id for e in result.events],
                result.answer,
                result.refused,
                json.dumps(result.timings_ms),
            ),
        ).fetchone()
    return int(row[0])
