"""The ``event_alerts`` rows: one per alert-worthy event, recording its webhook delivery.

An alert is pending until delivered; each failed attempt pushes its next try further out
(doubling waits, capped), and after the last allowed attempt it is parked (``failed_at``):
kept, counted and shown, never tried again by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb


@dataclass(frozen=True)
class PendingAlert:
    """An alert to post: its key, the event, the rule, the payload and its media keys.

    The stored payload carries no links; :func:`deepsentinel_pipelines.alerts.delivery.with_links`
    signs ``frame_key`` and ``clip_key`` afresh for every attempt.
    """

    alert_key: str
    event_id: int | None
    rule: str
    payload: dict[str, Any]
    frame_key: str | None = None
    clip_key: str | None = None
    attempts: int = 0
    video_id: str | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long an alert is tried.

    Attributes:
        max_attempts: Attempts in all (the run's own and the retry sensor's) before it is parked.
        backoff_s: Wait after the first failed attempt; doubled after each further one.
        max_backoff_s: The longest wait between two attempts.
    """

    max_attempts: int = 8
    backoff_s: float = 300.0
    max_backoff_s: float = 6 * 3600.0


def undelivered_alerts(
    conn: psycopg.Connection, video_id: str, alerts: Sequence[PendingAlert]
) -> list[PendingAlert]:
    """Record a video's current alerts; return those to post now (not delivered, not parked).

    Delivered rows are left as they are, so a re-run never posts an event twice; pending rows get
    the fresh payload and media keys (new event id), parked rows stay parked, and rows of events a
    re-run no longer finds are dropped unless they were delivered.
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
                """INSERT INTO event_alerts
                       (alert_key, video_id, event_id, rule, payload, frame_key, clip_key)
                   VALUES (%s, %s, %s, %s, %s, %s, %s)
                   ON CONFLICT (alert_key) DO UPDATE SET
                       event_id = EXCLUDED.event_id, rule = EXCLUDED.rule,
                       payload = EXCLUDED.payload, frame_key = EXCLUDED.frame_key,
                       clip_key = EXCLUDED.clip_key
                   WHERE NOT event_alerts.delivered
                   RETURNING failed_at IS NULL""",
                (
                    a.alert_key,
                    video_id,
                    a.event_id,
                    a.rule,
                    Jsonb(a.payload),
                    a.frame_key,
                    a.clip_key,
                ),
            ).fetchone()
            if row is not None and row[0]:
                pending.append(a)
    return pending


def record_delivery(
    conn: psycopg.Connection,
    alert_key: str,
    delivered: bool,
    attempts: int,
    http_status: int | None,
    error: str | None,
    policy: RetryPolicy | None = None,
) -> bool:
    """Store what posting an alert did; True when this parked it (its last attempt failed).

    Attempts add up across runs and ticks. A failure sets the next attempt
    ``backoff_s * 2^(attempts - 1)`` seconds ahead (at most ``max_backoff_s``), or parks the
    alert once ``max_attempts`` are spent.
    """
    policy = policy or RetryPolicy()
    row = conn.execute(
        """UPDATE event_alerts SET
               delivered = %(delivered)s,
               attempts = attempts + %(n)s,
               http_status = %(status)s,
               error = %(error)s,
               delivered_at = CASE WHEN %(delivered)s THEN now() END,
               next_attempt_at = now() + make_interval(secs => least(
                   %(cap)s, %(base)s * power(2, greatest(attempts + %(n)s - 1, 0)))),
               failed_at = CASE WHEN NOT %(delivered)s AND attempts + %(n)s >= %(max)s
                                THEN now() END
           WHERE alert_key = %(key)s
           RETURNING failed_at IS NOT NULL""",
        {
            "delivered": delivered,
            "n": attempts,
            "status": http_status,
            "error": error,
            "cap": float(policy.max_backoff_s),
            "base": float(policy.backoff_s),
            "max": policy.max_attempts,
            "key": alert_key,
        },
    ).fetchone()
    conn.commit()
    return bool(row and row[0])


def load_alerts(conn: psycopg.Connection, video_id: str) -> list[dict[str, Any]]:
    """A video's alert rows (key, rule, delivered, status, error, attempts, parked), by key."""
    cur = conn.execute(
        """SELECT alert_key, event_id, rule, delivered, http_status, error, attempts, payload,
                  frame_key, clip_key, failed_at IS NOT NULL AS failed
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


def due_alerts(conn: psycopg.Connection, limit: int = 20) -> list[PendingAlert]:
    """Alerts of any video to try now: not delivered, not parked, due; fewest attempts first.

    Alerts that keep failing wait longer and longer and end up parked, so however many there
    are, an alert that has been tried less (a new one) comes before them.
    """
    rows = conn.execute(
        """SELECT alert_key, event_id, rule, payload, frame_key, clip_key, attempts, video_id
           FROM event_alerts
           WHERE NOT delivered AND failed_at IS NULL AND next_attempt_at <= now()
           ORDER BY attempts, next_attempt_at, alert_key LIMIT %s""",
        (limit,),
    )
    return [PendingAlert(*row) for row in rows]


def alert_counts(conn: psycopg.Connection) -> dict[str, int]:
    """``{"pending": ..., "failed": ...}``: alerts waiting for a retry, and parked ones."""
    pending, failed = conn.execute(
        """SELECT count(*) FILTER (WHERE failed_at IS NULL),
                  count(*) FILTER (WHERE failed_at IS NOT NULL)
           FROM event_alerts WHERE NOT delivered"""
    ).fetchone()
    conn.commit()
    return {"pending": int(pending), "failed": int(failed)}
