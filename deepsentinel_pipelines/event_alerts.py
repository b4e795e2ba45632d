"""Alerts on events: rules from the camera file, the webhook payload, and delivery with retries.

No Dagster here: the ``event_alerts`` asset loads the rules, matches a video's events, records
each match in ``event_alerts`` and posts it with :func:`deliver` (the same webhook POST as the
run-failure alerts).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
import yaml

from deepsentinel_pipelines.db.video_rows import StoredEvent
from deepsentinel_pipelines.text.escaping import chat_text
from deepsentinel_pipelines.text.redaction import redact
from deepsentinel_pipelines.text.timefmt import format_timestamp
from deepsentinel_pipelines.upkeep.incidents import post_webhook
from deepsentinel_pipelines.video.types import EVENT_TYPES

_RULE_KEYS = {"name", "event_types", "cameras", "zones", "min_duration_s"}


@dataclass(frozen=True)
class AlertRule:
    """Which events raise an alert; an empty set means "any"."""

    name: str
    event_types: frozenset[str] = frozenset()
    cameras: frozenset[str] = frozenset()
    zones: frozenset[str] = frozenset()
    min_duration_s: float = 0.0

    def matches(self, event: StoredEvent, camera: str) -> bool:
        """Whether ``event``, seen by ``camera``, raises this alert."""
        return (
            (not self.event_types or event.event_type in self.event_types)
            and (not self.cameras or camera in self.cameras)
            and (not self.zones or event.zone in self.zones)
            and event.end_s - event.start_s >= self.min_duration_s
        )


@dataclass(frozen=True)
class Delivery:
    """What posting one alert did."""

    delivered: bool
    attempts: int
    http_status: int | None = None
    error: str | None = None


def load_alert_rules(path: str | Path) -> tuple[AlertRule, ...]:
    """The ``alerts`` list of the camera file (none when the file has no such list).

    Raises:
        ValueError: A rule with unknown keys, an unknown event type, or no name.
    """
    with Path(path).open(encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    entries = (doc.get("alerts") or []) if isinstance(doc, dict) else []
    if not isinstance(entries, list):
        raise ValueError(f"{path}: 'alerts' must be a list of rules")
    rules = [_rule(entry, f"{path}: alert rule {i + 1}") for i, entry in enumerate(entries)]
    names = [r.name for r in rules]
    if len(names) != len(set(names)):
        raise ValueError(f"{path}: duplicate alert rule names {names}")
    return tuple(rules)


def _rule(entry: Any, where: str) -> AlertRule:
    if not isinstance(entry, dict) or not entry.get("name"):
        raise ValueError(f"{where}: a rule is a mapping with a name, got {entry!r}")
    unknown = set(entry) - _RULE_KEYS
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; allowed {sorted(_RULE_KEYS)}")
    types = frozenset(_names(entry.get("event_types"), where))
    if types - set(EVENT_TYPES):
        raise ValueError(f"{where}: unknown event types {sorted(types - set(EVENT_TYPES))}")
    return AlertRule(
        name=str(entry["name"]),
        event_types=types,
        cameras=frozenset(_names(entry.get("cameras"), where)),
        zones=frozenset(_names(entry.get("zones"), where)),
        min_duration_s=float(entry.get("min_duration_s") or 0.0),
    )


def _names(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list):
        raise ValueError(f"{where}: expected a name or a list of names, got {value!r}")
    return [str(v) for v in value]


def first_match(rules: Sequence[AlertRule], event: StoredEvent, camera: str) -> AlertRule | None:
    """The first rule the event meets (one alert per event however many rules match)."""
    return next((rule for rule in rules if rule.matches(event, camera)), None)


def alert_key(video_id: str, event: StoredEvent) -> str:
    """What identifies an event across re-runs (its id changes when the events are replaced)."""
    track = "-" if event.track_id is None else event.track_id
    return f"{video_id}|{event.event_type}|{event.start_s:.1f}|{track}|{event.zone or '-'}"


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
    where = f" in zone {event.zone}" if event.zone else ""
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
