"""Saving question-answering sessions and their interactions."""

from __future__ import annotations

import psycopg

from deepsentinel_pipelines.db.qa_rows import Interaction, insert_interaction
from deepsentinel_pipelines.rag.result import AskResult


def save_interaction(conn: psycopg.Connection, result: AskResult, source: str) -> int:
    """Store the session (once) and the interaction; return the interaction's id.

    The SQL column keeps the notes (e.g. why a model query was rejected) as leading comments.
    """
    sql = result.sql
    if result.notes:
        sql = "\n".join(f"-- {note}" for note in result.notes) + ("\n" + sql if sql else "")
    return insert_interaction(
        conn,
        Interaction(
            session_id=result.session_id,
            source=source,
            question=result.question,
            sql=sql,
            retrieved_ids=result.retrieved_ids,
            cited_ids=[e.event_id for e in result.events],
            answer=result.answer,
            refused=result.refused,
            latencies_ms=result.timings_ms,
        ),
    )
