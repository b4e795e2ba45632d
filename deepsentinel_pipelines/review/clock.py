"""Each camera's zone, for the review pages (``text.timefmt.VideoClock`` writes the times)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

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
