"""Where alerts on events are posted, and how hard delivery tries."""

from __future__ import annotations

from dagster import ConfigurableResource


class EventWebhookResource(ConfigurableResource):
    """A webhook for alerts on events (none: matches are recorded but not posted)."""

    url: str | None = None
    attempts: int = 3
    backoff_s: float = 1.0
    timeout_s: float = 5.0
    #: Lifetime of the frame and clip links in a payload (7 days, the most S3 signs for).
    link_expires_s: int = 7 * 24 * 3600
