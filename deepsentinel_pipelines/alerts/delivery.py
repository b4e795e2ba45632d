"""Alert delivery: the payload of one event's alert, its links, and the POST with retries.

No Dagster here: the ``event_alerts`` asset and the retry sensor post with :func:`deliver`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import requests

from deepsentinel_pipelines.alerts.rules import AlertRule
from deepsentinel_pipelines.alerts.webhook import post_webhook
from deepsentinel_pipelines.db.video_rows import StoredEvent
from deepsentinel_pipelines.rag.documents import in_zone
from deepsentinel_pipelines.text.escaping import chat_text
from deepsentinel_pipelines.text.redaction import redact
from deepsentinel_pipelines.text.timefmt import format_timestamp


@dataclass(frozen=True)
class Delivery:
    """What posting one alert did."""

    delivered: bool
    attempts: int
    http_status: int | None = None
    error: str | None = None


def alert_payload(
    video_id: str,
    camera: str,
    event: StoredEvent,
    rule: AlertRule,
    frame_url: str | None,
    clip_url: str | None,
) -> dict[str, Any]:
    """The JSON posted for one event, with a ``text`` line for chat tools (escaped for them)."""
    start, end = format_timestamp(event.start_s), format_timestamp(event.end_s)
    where = in_zone(event.zone)
    return {
        "alert": rule.name,
        "event_id": event.event_id,
        "event_type": event.event_type,
        "video_id": video_id,
        "camera": camera,
        "zone": event.zone,
        "track_id": event.track_id,
        "start_s": event.start_s,
        "end_s": event.end_s,
        "start": start,
        "end": end,
        "description": event.description,
        "frame_url": frame_url,
        "clip_url": clip_url,
        "text": chat_text(
            f"[DeepSentinel] {rule.name}: {event.event_type.replace('_', ' ')}{where} "
            f"on camera {camera}, {video_id} {start}-{end}: {event.description}"
        ),
    }


def with_links(
    payload: Mapping[str, Any],
    frame_key: str | None,
    clip_key: str | None,
    presign: Callable[[str], str],
) -> dict[str, Any]:
    """The payload with its frame and clip links signed now (a stored link would expire)."""
    return dict(payload) | {
        "frame_url": presign(frame_key) if frame_key else None,
        "clip_url": presign(clip_key) if clip_key else None,
    }


def deliver(
    url: str,
    payload: Mapping[str, Any],
    attempts: int = 3,
    backoff_s: float = 1.0,
    timeout_s: float = 5.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Delivery:
    """POST ``payload``, retrying with doubling waits; never raises on a delivery failure.

    The error kept in :class:`Delivery` is redacted: ``requests`` names the URL, and a webhook's
    path is its secret.
    """
    error = None
    status = None
    for attempt in range(1, max(1, attempts) + 1):
        try:
            return Delivery(True, attempt, post_webhook(url, dict(payload), timeout_s))
        except requests.HTTPError as err:
            status = err.response.status_code if err.response is not None else None
            error = redact(err, [url])[:500]
        except requests.RequestException as err:
            status, error = None, redact(err, [url])[:500]
        if attempt < attempts:
            sleep(backoff_s * 2 ** (attempt - 1))
    return Delivery(False, max(1, attempts), status, error)
