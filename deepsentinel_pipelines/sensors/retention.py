"""`retention_schedule`: `retention_job` (ops/retention.py) once a week."""

from dagster import DefaultScheduleStatus, ScheduleDefinition

from deepsentinel_pipelines.jobs import retention_job

retention_schedule = ScheduleDefinition(
    name="retention_schedule",
    job=retention_job,
    cron_schedule="0 3 * * 0",  # Sundays 03:00 UTC
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.RUNNING,
    description="Weekly: old thumbnails deleted, old raw videos archived or marked.",
)
