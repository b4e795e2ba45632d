"""`event_alert_retry_sensor`: posts again the alerts on events whose delivery failed.

The ``event_alerts`` asset tries each alert a few times within its run; this sensor keeps
trying afterwards, so a receiver that was down hears every alert once it is back, without a
re-run of the video.
"""

import os

from dagster import DefaultSensorStatus, SensorEvaluationContext, SkipReason, sensor

from deepsentinel_pipelines.db.alert_rows import record_delivery, undelivered
from deepsentinel_pipelines.event_alerts import deliver
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.event_webhook import EventWebhookResource

INTERVAL_S = int(os.environ.get("DEEPSENTINEL_EVENT_ALERT_RETRY_INTERVAL_S", 300))
#: Alerts tried per tick (one POST each: the waits between tries are the ticks).
MAX_PER_TICK = 20


@sensor(minimum_interval_seconds=INTERVAL_S, default_status=DefaultSensorStatus.RUNNING)
def event_alert_retry_sensor(
    context: SensorEvaluationContext,
    database: PostgresResource,
    event_webhook: EventWebhookResource,
) -> SkipReason:
    """Re-post undelivered alerts on events; it starts no runs."""
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
