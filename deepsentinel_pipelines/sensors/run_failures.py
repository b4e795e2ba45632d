"""`run_failure_alert_sensor`: every failed run becomes an incident, and optionally a message."""

import logging
from typing import Any

from dagster import (
    DefaultSensorStatus,
    RunFailureSensorContext,
    SensorDefinition,
    run_failure_sensor,
)

from deepsentinel_pipelines.db.incident_rows import Incident, record_incident, set_notified
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.settings import AlertConfig, Settings
from deepsentinel_pipelines.text.redaction import redact
from deepsentinel_pipelines.upkeep.incidents import LogLine, log_excerpt, notify, secrets

PARTITION_TAG = "dagster/partition"


def _level(level: str | int) -> str:
    return logging.getLevelName(level) if isinstance(level, int) else str(level).upper()


def _error_text(error: Any) -> str:
    """The user's exception first (Dagster wraps it), then the chain with stacks.

    ``error`` is a SerializableErrorInfo (message, stack, cause).
    """
    root = error
    while root.cause is not None:
        root = root.cause
    return f"{root.message.strip()}\n\n{error.to_string()}"


def incident_from_context(
    context: RunFailureSensorContext, hidden: list[str | None] | None = None
) -> Incident:
    """Run id, partition, failed step, error and log excerpt of the failed run, redacted.

    ``hidden``: values (the configured webhook URL and token) redacted wherever they occur, on
    top of what :func:`~deepsentinel_pipelines.text.redaction.redact` finds by itself: the
    incident is stored, and posted to the webhook and GitHub.
    """
    run = context.dagster_run
    step_failures = context.get_step_failure_events()
    failed_step = step_failures[0].step_key if step_failures else None
    errors = [
        _error_text(e.event_specific_data.error)
        for e in step_failures
        if e.event_specific_data is not None and getattr(e.event_specific_data, "error", None)
    ]
    if not errors:
        run_error = getattr(context.failure_event.event_specific_data, "error", None)
        errors = [_error_text(run_error) if run_error else context.failure_event.message or ""]
    lines = [
        LogLine(
            entry.timestamp,
            _level(entry.level),
            entry.step_key,
            redact(entry.message, hidden or ()),
        )
        for entry in context.instance.all_logs(run.run_id)
    ]
    return Incident(
        run_id=run.run_id,
        job_name=run.job_name,
        partition_key=run.tags.get(PARTITION_TAG),
        failed_step=failed_step,
        error=redact("\n\n".join(errors).strip(), hidden or ())
        or "run failed without an error message",
        log_excerpt=log_excerpt(lines, failed_step),
    )


def build_run_failure_alert_sensor(settings: Settings) -> SensorDefinition:
    """`run_failure_alert_sensor`, at the sensors' interval, alerting where the settings say."""
    config = settings.alerts

    @run_failure_sensor(
        name="run_failure_alert_sensor",
        minimum_interval_seconds=settings.sensors.interval_s,
        default_status=DefaultSensorStatus.RUNNING,
        description="Each failed run: an incidents row, plus a webhook POST / GitHub issue if set.",
    )
    def run_failure_alert_sensor(
        context: RunFailureSensorContext, database: PostgresResource
    ) -> None:
        """Record the incident once per run, then notify (each channel's outcome is stored)."""
        report_failure(context, database, config)

    return run_failure_alert_sensor


def report_failure(
    context: RunFailureSensorContext, database: PostgresResource, config: AlertConfig
) -> None:
    """One evaluation of `run_failure_alert_sensor`."""
    incident = incident_from_context(context, secrets(config))
    with database.connection() as conn:
        incident_id = record_incident(conn, incident)
    if incident_id is None:
        context.log.info(f"run {incident.run_id} already has an incident; not notifying again")
        return
    outcome = notify(incident, config)
    with database.connection() as conn:
        set_notified(conn, incident_id, outcome)
    failed = {name: o["error"] for name, o in outcome.items() if "error" in o}
    context.log.info(
        f"incident {incident_id} for run {incident.run_id} ({incident.job_name}, "
        f"{incident.partition_key or 'no partition'}, step {incident.failed_step}); "
        f"notified: {sorted(set(outcome) - set(failed)) or 'nobody'}"
    )
    if failed:
        context.log.warning(f"notifications failed for incident {incident_id}: {failed}")
