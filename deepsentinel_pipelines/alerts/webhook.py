"""The webhook POST every alert goes through: events, failed runs and queue health."""

from __future__ import annotations

from typing import Any

import requests


def post_webhook(url: str, payload: dict[str, Any], timeout_s: float = 10.0) -> int:
    """POST JSON to a webhook; return the HTTP status (raises on 4xx/5xx or no connection)."""
    response = requests.post(url, json=payload, timeout=timeout_s)
    response.raise_for_status()
    return response.status_code
