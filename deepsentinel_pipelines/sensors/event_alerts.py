"""`event_alert_retry_sensor`: posts again the alerts on events whose delivery failed.

The ``event_alerts`` asset tries each alert a few times within its run; this sensor keeps
trying afterwards, so a receiver that was down hears every alert once it is back, without a
re-run of the video.
"""

from dagster import (
    DefaultSensorStatus,
    SensorDefinition,
    SensorEvaluationContext,
    SkipReason,
    sensor,
)

from deepsentinel_pipelines.db.alert_rows import record_delivery, undelivered
from deepsentinel_pipelines.event_alerts import deliver
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.event_webhook import EventWebhookResource
from deepsentinel_pipelines.settings import Settings

#: Alerts tried per tick (one POST each: the waits between tries are the ticks).
MAX_PER_TICK = 20


def build_event_alert_retry_sensor(settings: Settings) -> SensorDefinition:
    """`event_alert_retry_sensor`, ticking at the settings' retry interval."""

    @sensor(
        minimum_interval_seconds=settings.event_alert_retry_interval_s,
        default_status=DefaultSensorStatus.RUNNING,
    )
    def event_alert_retry_sensor(
        context: SensorEvaluationContext,
        database: PostgresResource,
        event_webhook: EventWebhookResource,
    ) -> SkipReason:
        """Re-post undelivered alerts on events; it starts no runs."""
        return retry_undelivered(context, database, event_webhook)

    return event_alert_retry_sensor


def retry_undelivered(
    context: SensorEvaluationContext,
    database: PostgresResource,
    event_webhook: EventWebhookResource,
) -> SkipReason:
    """One tick of `event_alert_retry_sensor`."""
    if not event_webhook.url:
        return SkipReason("no event webhook is set")
    with database.connection() as conn:
        pending = undelivered(conn, MAX_PER_TICK)
        delivered = 0
        for alert in pending:
            result = deliver(event_webhook.url, alert.payload, 1, 0.0, event_webhook.timeout_s)
            record_delivery(
                conn,
                alert.alert_key,
                result.delivered,
                result.attempts,
                result.http_status,
                result.error,
            )
            delivered += result.delivered
    if pending:
        context.log.info(f"re-posted {len(pending)} alert(s); {delivered} delivered")
    return SkipReason(f"{delivered} of {len(pending)} undelivered alert(s) delivered")
