"""Where alerts on events are posted, and how hard delivery tries."""

from __future__ import annotations

from dagster import ConfigurableResource

from deepsentinel_pipelines.db.alert_rows import RetryPolicy


class EventWebhookResource(ConfigurableResource):
    """A webhook for alerts on events (none: matches are recorded but not posted).

    A run tries each alert ``attempts`` times with ``backoff_s`` doubling waits; then the retry
    sensor tries it again after ``retry_backoff_s`` (doubling, at most ``max_retry_backoff_s``)
    until ``max_attempts`` in all, after which the alert is parked as failed.
    """

    url: str | None = None
    attempts: int = 3
    backoff_s: float = 1.0
    timeout_s: float = 5.0
    max_attempts: int = 8
    retry_backoff_s: float = 300.0
    max_retry_backoff_s: float = 6 * 3600.0
    #: Lifetime of the frame and clip links in a payload (7 days, the most S3 signs for); they
    #: are signed again for every attempt.
    link_expires_s: int = 7 * 24 * 3600

    def retry_policy(self) -> RetryPolicy:
        """The attempts cap and the waits between the retry sensor's attempts."""
        return RetryPolicy(self.max_attempts, self.retry_backoff_s, self.max_retry_backoff_s)
