"""`event_alert_retry_sensor`: posts again the alerts on events whose delivery failed.

The ``event_alerts`` asset tries each alert a few times within its run; this sensor keeps
trying afterwards, so a receiver that was down hears every alert once it is back, without a
re-run of the video. Each tick takes the alerts that are due, fewest attempts first, and signs
their links afresh; an alert whose attempts are spent is parked as failed, recorded as an
observation of its ``event_alerts`` partition and counted by `queue_health_sensor`, so alerts a
receiver keeps rejecting never hold back newer ones.
"""

from dagster import (
    AssetObservation,
    DefaultSensorStatus,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from deepsentinel_pipelines.alerts.delivery import deliver, with_links
from deepsentinel_pipelines.db.alert_rows import due_alerts, record_delivery
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.event_webhook import EventWebhookResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.settings import Settings

#: Alerts tried per tick (one POST each: the waits between tries are the ticks).
MAX_PER_TICK = 20
#: The asset whose partitions show a parked alert.
ALERTS_ASSET_KEY = "event_alerts"


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
        object_store: ObjectStoreResource,
    ) -> SensorResult:
        """Re-post alerts on events that are due; it starts no runs."""
        return retry_undelivered(context, database, event_webhook, object_store)

    return event_alert_retry_sensor


def retry_undelivered(
    context: SensorEvaluationContext,
    database: PostgresResource,
    event_webhook: EventWebhookResource,
    object_store: ObjectStoreResource,
) -> SensorResult:
    """One tick of `event_alert_retry_sensor`."""
    if not event_webhook.url:
        return SensorResult(skip_reason="no event webhook is set")
    bucket = object_store.highlights_bucket

    def presign(key: str) -> str:
        return object_store.presigned_get(bucket, key, event_webhook.link_expires_s)

    delivered, parked = 0, []
    with database.connection() as conn:
        due = due_alerts(conn, MAX_PER_TICK)
        for alert in due:
            payload = with_links(alert.payload, alert.frame_key, alert.clip_key, presign)
            result = deliver(event_webhook.url, payload, 1, 0.0, event_webhook.timeout_s)
            delivered += result.delivered
            if record_delivery(
                conn,
                alert.alert_key,
                result.delivered,
                result.attempts,
                result.http_status,
                result.error,
                event_webhook.retry_policy(),
            ):
                parked.append((alert, result.error))
    for alert, error in parked:
        context.log.warning(
            f"alert {alert.alert_key} parked as failed after {alert.attempts + 1} attempt(s): "
            f"{error}"
        )
    if due:
        context.log.info(f"re-posted {len(due)} alert(s); {delivered} delivered")
    observations = [
        AssetObservation(
            asset_key=ALERTS_ASSET_KEY,
            partition=alert.video_id,
            metadata={
                "parked_alert": alert.alert_key,
                "attempts": alert.attempts + 1,
                "error": error or "",
            },
        )
        for alert, error in parked
        if alert.video_id
    ]
    return SensorResult(
        skip_reason=f"{delivered} of {len(due)} due alert(s) delivered, {len(parked)} parked",
        asset_events=observations,
    )
