"""Asset: post each event that meets an alert rule to the webhook, once per event."""

from collections import Counter

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from deepsentinel_pipelines.alerts.delivery import alert_payload, deliver, with_links
from deepsentinel_pipelines.alerts.rules import alert_key, first_match
from deepsentinel_pipelines.assets.analysis import run_video
from deepsentinel_pipelines.assets.publication import current_analysis
from deepsentinel_pipelines.assets.rederive import INPUTS_REDERIVED
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.db.alert_rows import (
    PendingAlert,
    event_media_keys,
    record_delivery,
    undelivered_alerts,
)
from deepsentinel_pipelines.db.video_rows import load_events
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.event_webhook import EventWebhookResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.site import SiteResource


@video_asset(
    kinds={"python", "postgres"},
    deps=[current_analysis],
    # Alert rules live in the camera rules file. Re-derived events are posted only when new:
    # delivered alerts are keyed by the event's content, not its id (event_alerts.alert_key).
    automation_condition=INPUTS_REDERIVED,
)
def event_alerts(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    event_webhook: EventWebhookResource,
    site: SiteResource,
) -> MaterializeResult:
    """Webhook alerts for events meeting the camera file's rules; failures never fail the run."""
    video_id = context.partition_key
    rules = site.alert_rules()
    # After current_analysis: this run's analysis is the published one.
    video = run_video(context, database)
    with database.connection() as conn:
        stored = load_events(conn, video_id, analysis_id=video.analysis_id)
        media = event_media_keys(conn, video_id)
    bucket = object_store.highlights_bucket

    def presign(key: str) -> str:
        return object_store.presigned_get(bucket, key, event_webhook.link_expires_s)

    alerts = []
    for e in stored:
        rule = first_match(rules, e, video.camera)
        if rule is None:
            continue
        frame, clip = media.get(e.event_id, (None, None))
        # Stored without links: every attempt signs its own (see with_links).
        payload = alert_payload(video_id, video.camera, e, rule, None, None)
        key = alert_key(video_id, e)
        alerts.append(PendingAlert(key, e.event_id, rule.name, payload, frame, clip))
    with database.connection() as conn:
        pending = undelivered_alerts(conn, video_id, alerts)
    outcome: Counter[str] = Counter()
    if not event_webhook.url:
        if pending:
            context.log.warning(f"{len(pending)} alert(s) recorded but not posted: no webhook set")
    else:
        for a in pending:
            result = deliver(
                event_webhook.url,
                with_links(a.payload, a.frame_key, a.clip_key, presign),
                event_webhook.attempts,
                event_webhook.backoff_s,
                event_webhook.timeout_s,
            )
            outcome["delivered" if result.delivered else "failed"] += 1
            if not result.delivered:
                # Redacted by deliver: the error text names the webhook's URL.
                context.log.warning(f"alert {a.alert_key} not delivered: {result.error}")
            with database.connection() as conn:
                parked = record_delivery(
                    conn,
                    a.alert_key,
                    result.delivered,
                    result.attempts,
                    result.http_status,
                    result.error,
                    event_webhook.retry_policy(),
                )
            outcome["parked"] += parked
    return MaterializeResult(
        metadata={
            "dagster/row_count": len(alerts),
            "rules": len(rules),
            "matched": len(alerts),
            "already_delivered": len(alerts) - len(pending),
            "delivered": outcome["delivered"],
            "failed": outcome["failed"],
            "parked_as_failed": outcome["parked"],
            "webhook": MetadataValue.text("set" if event_webhook.url else "not set"),
            "alerts": MetadataValue.json([a.payload["text"] for a in alerts[:20]]),
        }
    )
