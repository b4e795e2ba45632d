"""Alerts (no Dagster): the rules on events, their payload and delivery, and the webhook POST.

The ``event_alerts`` asset (assets/event_alerts.py) and the retry sensor (sensors/event_alerts.py)
are thin wrappers over these; the rows live in db/alert_rows.py, the webhook's settings in
resources/event_webhook.py. Run-failure incidents (upkeep/incidents.py) and the queue-health
sensor post through the same :func:`~deepsentinel_pipelines.alerts.webhook.post_webhook`.
"""
