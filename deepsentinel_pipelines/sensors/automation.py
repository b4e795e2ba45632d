"""Sensors that evaluate the assets' automation conditions (declarative automation)."""

from dagster import AssetSelection, AutomationConditionSensorDefinition, DefaultSensorStatus

#: What a camera rules edit re-derives: the two assets that read the rules and all below them.
RULES_DERIVED = AssetSelection.assets("events", "occupancy").downstream()

#: Evaluates camera_day_report's condition: a video of the day was published.
camera_day_reports_sensor = AutomationConditionSensorDefinition(
    "camera_day_reports_sensor",
    target=AssetSelection.assets("camera_day_report"),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description="A camera's day is counted again once a video recorded that day is published.",
)

#: Evaluates the automation conditions of assets/rederive.py (events and below).
rules_rederivation_sensor = AutomationConditionSensorDefinition(
    "rules_rederivation_sensor",
    target=RULES_DERIVED,
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
    description=(
        "After a camera rules edit: events, highlights, clips, embeddings, summary and "
        "occupancy again, under a new analysis carrying the current detections; published, "
        "then alerts."
    ),
)
