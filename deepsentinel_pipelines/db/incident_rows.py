"""The ``incidents`` rows: one per failed run, with what its notifications did."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import psycopg


@dataclass(frozen=True)
class Incident:
    """What an operator needs to know about one failed run."""

    run_id: str
    job_name: str
    partition_key: str | None
    failed_step: str | None
    error: str
    log_excerpt: str


def record_incident(conn: psycopg.Connection, incident: Incident) -> int | None:
    """Insert the ``incidents`` row; None when this run already has one (then don't re-notify)."""
    row = conn.execute(
        """
        INSERT INTO incidents (run_id, job_name, partition_key, failed_step, error, log_excerpt)
        VALUES (%s, %s, %s, %s, %s, %s)
        ON CONFLICT (run_id) DO NOTHING
        RETURNING incident_id
        """,
        (
            incident.run_id,
            incident.job_name,
            incident.partition_key,
            incident.failed_step,
            incident.error,
            incident.log_excerpt,
        ),
    ).fetchone()
    conn.commit()
    return None if row is None else int(row[0])


def set_notified(conn: psycopg.Connection, incident_id: int, outcome: dict[str, Any]) -> None:
    """Store what the notifications did."""
    conn.execute(
        "UPDATE incidents SET notified = %s::jsonb WHERE incident_id = %s",
        (json.dumps(outcome), incident_id),
    )
    conn.commit()
