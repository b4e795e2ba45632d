"""The ``qa_sessions`` and ``qa_interactions`` rows: each question asked and what answered it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class Interaction:
    """One question in a session: the SQL that ran, the events retrieved and cited, the answer."""

    session_id: str
    source: str
    question: str
    sql: str | None
    retrieved_ids: Sequence[int]
    cited_ids: Sequence[int]
    answer: str
    refused: bool
    latencies_ms: Mapping[str, float]


def insert_interaction(conn: psycopg.Connection, interaction: Interaction) -> int:
    """Store the session (once) and the interaction in one transaction; return the id."""
    with conn.transaction():
        conn.execute(
            "INSERT INTO qa_sessions (session_id, source) VALUES (%s, %s) "
            "ON CONFLICT (session_id) DO NOTHING",
            (interaction.session_id, interaction.source),
        )
        row = conn.execute(
            """INSERT INTO qa_interactions
                   (session_id, question, sql, retrieved_ids, cited_ids, answer, refused,
                    latencies_ms)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s::jsonb)
               RETURNING interaction_id""",
            (
                interaction.session_id,
                interaction.question,
                interaction.sql,
                list(interaction.retrieved_ids),
                list(interaction.cited_ids),
                interaction.answer,
                interaction.refused,
                json.dumps(dict(interaction.latencies_ms)),
            ),
        ).fetchone()
    return int(row[0])
