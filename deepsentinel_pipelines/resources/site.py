"""The operator's site: the camera rules file and where the review pages are served."""

from __future__ import annotations

from datetime import datetime

from dagster import ConfigurableResource

from deepsentinel_pipelines.alerts.rules import AlertRule, load_alert_rules
from deepsentinel_pipelines.review.links import video_page
from deepsentinel_pipelines.text.timefmt import VideoClock
from deepsentinel_pipelines.video.camera_config import (
    CameraClock,
    CameraConfig,
    load_camera_clock,
    load_camera_config,
)


class SiteResource(ConfigurableResource):
    """The camera rules file (zones, lines, thresholds, clocks, alert rules) and the review URL.

    Steps read the file when they run, so an edited rule is in force for the next run (the
    rules' code versions, computed when the definitions load, say which assets it makes stale).
    ``attributes_enabled`` says whether an age/gender model is configured, for the steps that
    report on the attribute stage without loading its model.
    """

    cameras_config: str
    review_url: str
    attributes_enabled: bool = False

    def camera(self, name: str, frame_width: int, frame_height: int) -> CameraConfig:
        """One camera's rules for frames of this size."""
        return load_camera_config(self.cameras_config, name, frame_width, frame_height)

    def clock(self, camera: str) -> CameraClock:
        """One camera's clock: its zone and how its file names give the time."""
        return load_camera_clock(self.cameras_config, camera)

    def video_clock(self, camera: str, recorded_at: datetime | None) -> VideoClock:
        """Offsets into a video of ``camera`` recorded at ``recorded_at``, on its clock."""
        return VideoClock(recorded_at, self.clock(camera).zone)

    def alert_rules(self) -> tuple[AlertRule, ...]:
        """The alert rules of the file."""
        return load_alert_rules(self.cameras_config)

    def video_page(self, video_id: str) -> str:
        """The review page of one video."""
        return video_page(self.review_url, video_id)
