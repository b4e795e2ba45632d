"""How the review pages write times: the camera's clock where the recording time is known."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from deepsentinel_pipelines.text.timefmt import format_timestamp
from deepsentinel_pipelines.video.camera_config import load_camera_clocks


@dataclass(frozen=True)
class CameraClocks:
    """Each camera's IANA zone (``timezone`` in cameras.yaml; unlisted cameras: ``default``'s)."""

    zones: Mapping[str, str]
    default: str = "UTC"

    def zone(self, camera: str) -> ZoneInfo:
        """The zone a camera's times are shown in."""
        return ZoneInfo(self.zones.get(camera, self.default))


def load_clocks(cameras_config: str | Path | None) -> CameraClocks:
    """The cameras file's zones."""
    clocks = load_camera_clocks(cameras_config)
    return CameraClocks({n: c.timezone for n, c in clocks.items()}, clocks["default"].timezone)


@dataclass(frozen=True)
class VideoClock:
    """Offsets into one video as the camera's clock reads them (or as offsets, when unknown)."""

    recorded_at: datetime | None
    zone: ZoneInfo

    def at(self, offset_s: float) -> datetime | None:
        """The instant ``offset_s`` into the video, in the camera's zone."""
        if self.recorded_at is None:
            return None
        return (self.recorded_at + timedelta(seconds=offset_s)).astimezone(self.zone)

    def clock(self, offset_s: float) -> str | None:
        """``14:00:15`` (the camera's time of day), or None when the recording time is unknown."""
        moment = self.at(offset_s)
        return None if moment is None else moment.strftime("%H:%M:%S")

    def started(self) -> str | None:
        """``2026-12-01 14:00:00 CET``: when the recording started, or None."""
        moment = self.at(0.0)
        return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S %Z")

    def day(self) -> str | None:
        """The local date the recording started on (``2026-12-01``), or None."""
        moment = self.at(0.0)
        return None if moment is None else moment.strftime("%Y-%m-%d")

    def label(self, offset_s: float) -> str:
        """A tick or an event's time: the clock time when known, else the offset."""
        return self.clock(offset_s) or format_timestamp(max(offset_s, 0.0))
