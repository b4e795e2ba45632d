"""Sensors and schedules that start runs without an operator."""

from deepsentinel_pipelines.sensors.event_alerts import event_alert_retry_sensor
from deepsentinel_pipelines.sensors.queue_health import queue_health_sensor
from deepsentinel_pipelines.sensors.raw_videos import raw_videos_sensor
from deepsentinel_pipelines.sensors.reconciliation import raw_videos_reconciliation_sensor
from deepsentinel_pipelines.sensors.retention import retention_schedule
from deepsentinel_pipelines.sensors.run_failures import run_failure_alert_sensor
from deepsentinel_pipelines.sensors.video_jobs import video_jobs_sqs_sensor

SENSORS: list = [
    raw_videos_sensor,
    raw_videos_reconciliation_sensor,
    video_jobs_sqs_sensor,
    run_failure_alert_sensor,
    queue_health_sensor,
    event_alert_retry_sensor,
]
SCHEDULES: list = [retention_schedule]
