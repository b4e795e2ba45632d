"""Alert rules: which events raise an alert, read from the ``alerts`` list of the camera file.

No Dagster here: the ``event_alerts`` asset loads the rules, matches a video's events, records
each match in ``event_alerts`` and posts it with alerts/delivery.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from deepsentinel_pipelines.db.video_rows import StoredEvent
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
