"""`queue_health_sensor`: warns about a non-empty DLQ, old job messages and parked alerts.

The seed's CloudWatch alarms, as a sensor: counts and the oldest message's age (and the alerts
on events waiting for a retry or parked) are recorded as an observation of the external asset
`video_jobs_queue` (declared in assets/sources.py), a warning is logged while unhealthy, and the
alert webhook (if set) hears about each change to unhealthy.
"""

import json
import time
from datetime import UTC, datetime
from typing import Any

import requests
from dagster import (
    AssetObservation,
    DefaultSensorStatus,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from deepsentinel_pipelines.alerts.webhook import post_webhook
from deepsentinel_pipelines.assets.sources import video_jobs_queue
from deepsentinel_pipelines.db.alert_rows import alert_counts
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.job_queue import JobQueueResource
from deepsentinel_pipelines.settings import Settings
from deepsentinel_pipelines.text.escaping import chat_text
from deepsentinel_pipelines.text.redaction import redact

QUEUE_ASSET_KEY = video_jobs_queue.key.to_user_string()
#: Record an unchanged state at most this often.
OBSERVE_EVERY_S = 600


def assess(
    counts: dict[str, int],
    oldest_age_s: float,
    limit_s: float,
    dlq_name: str,
    failed_alerts: int = 0,
) -> list[str]:
    """The problems, in words; empty when healthy."""
    problems = []
    in_dlq = counts["dead_letter"] + counts["dead_letter_in_flight"]
    if in_dlq:
        problems.append(f"{in_dlq} message(s) in the dead-letter queue {dlq_name}")
    if oldest_age_s > limit_s:
        problems.append(f"oldest job message is ~{oldest_age_s:.0f} s old (limit {limit_s:.0f} s)")
    if failed_alerts:
        problems.append(
            f"{failed_alerts} alert(s) on events parked as failed (event_alerts.failed_at)"
        )
    return problems


def _oldest_age(
    job_queue: JobQueueResource, busy_since: float | None, now: float
) -> tuple[float, str]:
    # SQS has no API for the oldest message's age but CloudWatch's metric; receiving messages to
    # look would count towards their redrive. Elsewhere: how long the queue has not been empty.
    if job_queue.endpoint_url is None:
        try:
            age = job_queue.oldest_message_age_s(datetime.fromtimestamp(now, tz=UTC))
            if age is not None:
                return age, "cloudwatch"
        except Exception:  # noqa: BLE001 - no CloudWatch permission: fall back
            pass
    return (now - busy_since if busy_since else 0.0), "backlog"


def build_queue_health_sensor(settings: Settings) -> SensorDefinition:
    """`queue_health_sensor`, with the interval, age limit and alert webhook of the settings."""
    limit, webhook = settings.queue_max_age_s, settings.alerts.webhook_url

    @sensor(
        name="queue_health_sensor",
        minimum_interval_seconds=settings.queue_health_interval_s,
        default_status=DefaultSensorStatus.RUNNING,
        description="Warns when the video jobs DLQ is not empty or job messages wait too long.",
    )
    def queue_health_sensor(
        context: SensorEvaluationContext, job_queue: JobQueueResource, database: PostgresResource
    ) -> SensorResult:
        """Check both queues and the alerts on events; observe the counts, warn while unhealthy."""
        return queue_health_tick(context, job_queue, limit, webhook, database)

    return queue_health_sensor


def queue_health_tick(
    context: SensorEvaluationContext,
    job_queue: JobQueueResource,
    limit: float,
    webhook: str | None,
    database: PostgresResource,
) -> SensorResult:
    """One tick of `queue_health_sensor`; ``limit`` is the oldest healthy age (s)."""
    state = json.loads(context.cursor) if context.cursor else {}
    now = time.time()
    counts = job_queue.depth()
    backlog = counts["jobs"] + counts["jobs_in_flight"]
    busy_since = (state.get("busy_since") or now) if backlog else None
    age, source = _oldest_age(job_queue, busy_since, now)
    with database.connection() as conn:
        alerts = alert_counts(conn)
    problems = assess(counts, age, limit, job_queue.dead_letter_queue_name, alerts["failed"])
    status = "warn" if problems else "ok"
    metadata: dict[str, Any] = dict(counts) | {
        "alerts_pending": alerts["pending"],
        "alerts_failed": alerts["failed"],
        "oldest_age_s": round(age, 1),
        "oldest_age_source": source,
        "max_age_s": limit,
        "status": status,
        "problems": "; ".join(problems) or "none",
    }
    changed = status != state.get("status")
    events = []
    if changed or now - state.get("observed_at", 0) >= OBSERVE_EVERY_S:
        events.append(AssetObservation(asset_key=QUEUE_ASSET_KEY, metadata=metadata))
    if problems:
        context.log.warning(f"video jobs queue unhealthy: {'; '.join(problems)} ({counts})")
        if changed and webhook:
            title = f"[DeepSentinel] video jobs queue unhealthy: {'; '.join(problems)}"
            try:
                post_webhook(webhook, {"title": title, "text": chat_text(title), **metadata})
            except requests.RequestException as err:
                context.log.warning(f"queue health webhook failed: {redact(err, [webhook])}")
    cursor = {
        "busy_since": busy_since,
        "status": status,
        "observed_at": now if events else state.get("observed_at", 0),
    }
    summary = (
        f"{status}: jobs {counts['jobs']} (+{counts['jobs_in_flight']} in flight), "
        f"DLQ {counts['dead_letter']}, oldest ~{age:.0f} s ({source})"
    )
    return SensorResult(skip_reason=summary, cursor=json.dumps(cursor), asset_events=events)
