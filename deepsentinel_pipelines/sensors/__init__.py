"""Sensors and schedules that start runs without an operator (automation.py: declarative)."""

from dagster import SensorDefinition

from deepsentinel_pipelines.sensors.event_alerts import build_event_alert_retry_sensor
from deepsentinel_pipelines.sensors.queue_health import build_queue_health_sensor
from deepsentinel_pipelines.sensors.raw_videos import build_raw_videos_sensor
from deepsentinel_pipelines.sensors.reconciliation import build_raw_videos_reconciliation_sensor
from deepsentinel_pipelines.sensors.retention import retention_schedule
from deepsentinel_pipelines.sensors.run_failures import build_run_failure_alert_sensor
from deepsentinel_pipelines.sensors.video_jobs import build_video_jobs_sqs_sensor
from deepsentinel_pipelines.settings import Settings

#: The retention cron is a constant of the retention rules, not a setting.
SCHEDULES: list = [retention_schedule]


def build_sensors(settings: Settings) -> list[SensorDefinition]:
    """Every sensor, with the intervals and limits of ``settings``."""
    return [
        build_raw_videos_sensor(settings),
        build_raw_videos_reconciliation_sensor(settings),
        build_video_jobs_sqs_sensor(settings),
        build_run_failure_alert_sensor(settings),
        build_queue_health_sensor(settings),
        build_event_alert_retry_sensor(settings),
    ]
