"""How times in a video are written everywhere: answers, event descriptions, pages, metadata."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


def format_timestamp(seconds: float) -> str:
    """Format seconds as ``mm:ss``, or ``h:mm:ss`` from one hour on (fractions are dropped).

    Args:
        seconds: Non-negative time in seconds.

    Returns:
        For example ``"01:05"`` for 65.7 or ``"1:02:03"`` for 3723.

    Raises:
        ValueError: If ``seconds`` is negative, NaN or infinite.
    """
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cannot format {seconds!r} as a timestamp")
    total = int(math.floor(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class VideoClock:
    """Offsets into one video as its camera's clock reads them (or as offsets, when unknown)."""

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

    def stamp(self, offset_s: float = 0.0) -> str | None:
        """``2026-12-01 14:00:15 CET`` (by default when the recording started), or None."""
        moment = self.at(offset_s)
        return None if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S %Z")

    def day(self) -> str | None:
        """The local date the recording started on (``2026-12-01``), or None."""
        moment = self.at(0.0)
        return None if moment is None else moment.strftime("%Y-%m-%d")

    def label(self, offset_s: float) -> str:
        """A tick or an event's time: the clock time when known, else the offset."""
        return self.clock(offset_s) or format_timestamp(max(offset_s, 0.0))

    def with_offset(self, offset_s: float) -> str:
        """``2026-12-01 14:00:15 CET (00:15 in the video)``, or the offset, saying why alone."""
        offset = format_timestamp(offset_s)
        stamp = self.stamp(offset_s)
        if stamp is None:
            return f"{offset} in the video (recording time unknown)"
        return f"{stamp} ({offset} in the video)"
