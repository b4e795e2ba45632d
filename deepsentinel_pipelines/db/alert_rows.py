"""The ``event_alerts`` rows: one per alert-worthy event, recording its webhook delivery."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb


@dataclass(frozen=True)
class PendingAlert:
    """An alert to post: its key, the event it is about, the rule and the payload."""

    alert_key: str
    event_id: int | None
    rule: str
    payload: dict[str, Any]


def undelivered_alerts(
    conn: psycopg.Connection, video_id: str, alerts: Sequence[PendingAlert]
) -> list[PendingAlert]:
    """Record a video's current alerts; return those not yet delivered (to post now).

    Delivered rows are left as they are, so a re-run never posts an event twice; undelivered
    rows get the fresh payload (new event id, new URLs), and rows of events a re-run no longer
    finds are dropped unless they were delivered.
    """
    with conn.transaction():
        conn.execute(
            "DELETE FROM event_alerts WHERE video_id = %s AND NOT delivered"
            " AND NOT (alert_key = ANY(%s))",
            (video_id, [a.alert_key for a in alerts]),
        )
        pending = []
        for a in alerts:
            row = conn.execute(
                """INSERT INTO event_alerts (alert_key, video_id, event_id, rule, payload)
                   VALUES (%s, %s, %s, %s, %s)
                   ON CONFLICT (alert_key) DO UPDATE SET
                       event_id = EXCLUDED.event_id, rule = EXCLUDED.rule,
                       payload = EXCLUDED.payload
                   WHERE NOT event_alerts.delivered
                   RETURNING alert_key""",
                (a.alert_key, video_id, a.event_id, a.rule, Jsonb(a.payload)),
            ).fetchone()
            if row is not None:
                pending.append(a)
    return pending


def record_delivery(
    conn: psycopg.Connection,
    alert_key: str,
    delivered: bool,
    attempts: int,
    http_status: int | None,
    error: str | None,
) -> None:
    """Store what posting an alert did (attempts add up across runs)."""
    conn.execute(
        """UPDATE event_alerts SET delivered = %s, attempts = attempts + %s, http_status = %s,
                  error = %s, delivered_at = CASE WHEN %s THEN now() END
           WHERE alert_key = %s""",
        (delivered, attempts, http_status, error, delivered, alert_key),
    )
    conn.commit()


def load_alerts(conn: psycopg.Connection, video_id: str) -> list[dict[str, Any]]:
    """A video's alert rows (key, rule, delivered, status, error, attempts), by key."""
    cur = conn.execute(
        """SELECT alert_key, event_id, rule, delivered, http_status, error, attempts, payload
           FROM event_alerts WHERE video_id = %s ORDER BY alert_key""",
        (video_id,),
    )
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def event_media_keys(
    conn: psycopg.Connection, video_id: str
) -> dict[int, tuple[str | None, str | None]]:
    """``{event_id: (highlight_key, clip_key)}`` of the events of a video's current analysis."""
    rows = conn.execute(
        """SELECT e.event_id, e.highlight_key, c.clip_key
           FROM qa.events e LEFT JOIN event_clips c USING (event_id) WHERE e.video_id = %s""",
        (video_id,),
    )
    return {event_id: (frame, clip) for event_id, frame, clip in rows}


def undelivered(conn: psycopg.Connection, limit: int = 20) -> list[PendingAlert]:
    """Alerts of any video not delivered yet, oldest first."""
    rows = conn.execute(
        """SELECT alert_key, event_id, rule, payload FROM event_alerts WHERE NOT delivered
           ORDER BY created_at, alert_key LIMIT %s""",
        (limit,),
    )
    return [PendingAlert(key, event_id, rule, payload) for key, event_id, rule, payload in rows]
