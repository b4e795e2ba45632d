"""The automation sensors target the assets a user expects them to run."""

from dagster import AssetKey

from deepsentinel_pipelines.definitions import defs
from deepsentinel_pipelines.sensors.automation import (
    camera_day_reports_sensor,
    rules_rederivation_sensor,
)


def _targets(sensor) -> set[str]:
    graph = defs.resolve_asset_graph()
    return {key.to_user_string() for key in sensor.asset_selection.resolve(graph)}


def test_a_rules_edit_rederives_the_rules_readers_and_everything_below_them():
    # Written by hand: the list the sensor named before it selected `.downstream()`.
    assert _targets(rules_rederivation_sensor) == {
        "events",
        "highlights",
        "embeddings",
        "video_summary",
        "event_clips",
        "occupancy",
        "current_analysis",
        "event_alerts",
    }


def test_a_rules_edit_never_reruns_the_gpu_step_or_the_upload_steps():
    targets = _targets(rules_rederivation_sensor)
    assert not targets & {"raw_video", "thumbnail", "detections", "person_attributes"}


def test_camera_days_are_counted_by_their_own_sensor():
    assert _targets(camera_day_reports_sensor) == {"camera_day_report"}
    assert AssetKey("camera_day_report") not in rules_rederivation_sensor.asset_selection.resolve(
        defs.resolve_asset_graph()
    )
