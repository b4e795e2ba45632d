"""Recording a camera's stream into MP4 segments, spooled on disk, uploaded to raw-videos.

The source (``rtsp://``, HLS ``http(s)://...m3u8``, ``tcp://``, ``udp://``, or a file) is
remuxed without re-encoding: its video packets go into one segment until a keyframe arrives
``segment_s`` after the segment's first, and the next segment starts on that keyframe. A segment
is written as MPEG-TS while it grows (a crash leaves a readable file: the next start recovers it)
and becomes an MP4 when it closes. Each is named by its wall-clock start, which is the wall time
at which a live source was opened (a file's: its first packet) plus the stream's own timestamps,
so consecutive segments of one connection are exactly consecutive.

Finished segments wait in the spool (a folder) until an upload succeeds, with the ``camera`` and
``recorded-at`` metadata that the S3 sensor's runs read: an S3 outage delays uploads and loses
nothing. A dropped source is reopened with doubling waits. Plain functions and threads over PyAV
and an upload callable, no Dagster.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import av
import av.error

#: A segment being written (MPEG-TS), and its sidecar (camera, key, recording start).
PART_SUFFIX = ".ts.part"
SIDECAR_SUFFIX = ".json"
#: A live source whose timestamps run this far behind the wall clock (or ahead of it at all) is
#: re-anchored to it. Behind by less is normal: FFmpeg probes seconds of a stream at connection
#: and hands those packets over at once.
MAX_CLOCK_LAG_S = 30.0
MAX_CLOCK_LEAD_S = 1.0

Log = Callable[[str], None]


@dataclass(frozen=True)
class SegmentInfo:
    """A finished segment: where it goes, whose it is, when it starts and how long it is."""

    key: str
    camera: str
    recorded_at: datetime
    duration_s: float

    def dumps(self) -> str:
        """The sidecar's JSON."""
        return json.dumps(
            {
                "key": self.key,
                "camera": self.camera,
                "recorded_at": self.recorded_at.isoformat(),
                "duration_s": self.duration_s,
            }
        )

    @classmethod
    def loads(cls, text: str) -> SegmentInfo:
        """A sidecar read back."""
        data = json.loads(text)
        return cls(
            data["key"],
            data["camera"],
            datetime.fromisoformat(data["recorded_at"]),
            float(data.get("duration_s") or 0.0),
        )


def segment_key(prefix: str, camera: str, recorded_at: datetime) -> str:
    """The object key of a segment: ``<prefix><camera>/<UTC date>/<camera>_<UTC start>Z.mp4``.

    The file name holds the start as recorders write it, so the time survives even without the
    object's metadata.
    """
    at = recorded_at.astimezone(UTC)
    return f"{prefix}{camera}/{at:%Y-%m-%d}/{camera}_{at:%Y%m%dT%H%M%S}Z.mp4"


def _remux_to_mp4(part: Path, mp4: Path) -> float:
    """Copy a segment's packets from MPEG-TS into MP4; return its duration in seconds."""
    first_pts, last_end = None, None
    with av.open(str(part)) as inp, av.open(str(mp4), "w", format="mp4") as out:
        stream = inp.streams.video[0]
        out_stream = out.add_stream_from_template(stream)
        first_dts = None
        for packet in inp.demux(stream):
            if packet.dts is None or packet.pts is None:
                continue
            first_dts = packet.dts if first_dts is None else first_dts
            first_pts = packet.pts if first_pts is None else min(first_pts, packet.pts)
            end = packet.pts + (packet.duration or 0)
            last_end = end if last_end is None else max(last_end, end)
            packet.pts -= first_dts
            packet.dts -= first_dts
            packet.stream = out_stream
            out.mux(packet)
    if first_pts is None or last_end is None:
        return 0.0
    return float((last_end - first_pts) * stream.time_base)


class Spool:
    """The folder segments wait in until they are uploaded (one per camera)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def begin(self, info: SegmentInfo) -> Path:
        """A new segment's part file; its sidecar is written first, so a crash keeps its time."""
        stem = Path(info.key).stem
        part = self.folder / f"{stem}{PART_SUFFIX}"
        n = 1
        while part.exists() or (self.folder / f"{stem}.mp4").exists():
            part = self.folder / f"{stem}-{n}{PART_SUFFIX}"
            n += 1
        if n > 1:  # a second segment starting in the same second (a quick reconnect)
            info = SegmentInfo(
                info.key.removesuffix(".mp4") + f"-{n - 1}.mp4", info.camera, info.recorded_at, 0.0
            )
        self._sidecar(part).write_text(info.dumps())
        return part

    def _sidecar(self, part: Path) -> Path:
        return part.with_name(part.name.removesuffix(PART_SUFFIX) + SIDECAR_SUFFIX)

    def finish(self, part: Path) -> SegmentInfo | None:
        """Close a part into its MP4 (None, and nothing left, when it holds no frame)."""
        sidecar = self._sidecar(part)
        info = SegmentInfo.loads(sidecar.read_text())
        mp4 = part.with_name(part.name.removesuffix(PART_SUFFIX) + ".mp4")
        try:
            duration = _remux_to_mp4(part, mp4) if part.stat().st_size else 0.0
        except (av.error.FFmpegError, IndexError):
            duration = 0.0
        if duration <= 0:
            for path in (part, mp4, sidecar):
                path.unlink(missing_ok=True)
            return None
        info = SegmentInfo(info.key, info.camera, info.recorded_at, round(duration, 3))
        sidecar.write_text(info.dumps())
        part.unlink()
        return info

    def recover(self) -> list[SegmentInfo]:
        """Finish the parts a crash left behind (MPEG-TS reads up to where it stopped)."""
        return [
            info
            for part in sorted(self.folder.glob(f"*{PART_SUFFIX}"))
            if (info := self.finish(part)) is not None
        ]

    def ready(self) -> list[tuple[Path, SegmentInfo]]:
        """Finished segments waiting for upload, oldest first."""
        found = []
        for mp4 in self.folder.glob("*.mp4"):
            sidecar = mp4.with_suffix(SIDECAR_SUFFIX)
            if sidecar.exists():
                found.append((mp4, SegmentInfo.loads(sidecar.read_text())))
        return sorted(found, key=lambda item: item[1].recorded_at)

    def remove(self, mp4: Path) -> None:
        """Forget an uploaded segment."""
        mp4.unlink(missing_ok=True)
        mp4.with_suffix(SIDECAR_SUFFIX).unlink(missing_ok=True)


@dataclass(frozen=True)
class RecorderConfig:
    """What to record and how.

    Attributes:
        source: Anything FFmpeg opens (a URL or a file path).
        camera: The camera's name (the ``camera`` metadata, the key's folder).
        segment_s: A segment closes on the first keyframe this long after its start.
        prefix: Key prefix in the raw videos bucket.
        open_timeout_s: How long opening the source may take.
        read_timeout_s: A live source silent this long counts as dropped.
        reconnect_max_s: Longest wait between attempts to reopen a dropped source.
        options: FFmpeg options of the source (e.g. ``{"rtsp_transport": "tcp"}``).
    """

    source: str
    camera: str
    segment_s: float = 600.0
    prefix: str = "live/"
    open_timeout_s: float = 10.0
    read_timeout_s: float = 10.0
    reconnect_max_s: float = 30.0
    options: dict[str, str] | None = None

    @property
    def live(self) -> bool:
        """A URL is live: it is reopened when it ends; a file is recorded once."""
        return "://" in self.source


class _Segments:
    """The segment being written for one connection to the source."""

    def __init__(
        self,
        config: RecorderConfig,
        spool: Spool,
        log: Log,
        now: Callable[[], datetime],
        opened_at: datetime | None,
    ):
        self.config, self.spool, self.log, self.now = config, spool, log, now
        self.opened_at = opened_at
        self.out: Any = None
        self.out_stream: Any = None
        self.part: Path | None = None
        self.started_t = 0.0
        self.first_dts = 0
        self.anchor: tuple[datetime, float] | None = None  # (wall time, stream time) of packet 1

    def add(self, packet: Any, in_stream: Any) -> None:
        t = float(packet.pts * in_stream.time_base)
        if self.anchor is None:
            # A live source's first packet was captured about when it was opened.
            self.anchor = (self.opened_at or self.now(), t)
        if (
            self.out is not None
            and packet.is_keyframe
            and t - self.started_t >= self.config.segment_s
        ):
            self.close()
        if self.out is None:
            if not packet.is_keyframe:
                return  # a segment starts on a keyframe, or it does not decode
            self._open(t, packet.dts, in_stream)
        packet.pts -= self.first_dts
        packet.dts -= self.first_dts
        packet.stream = self.out_stream
        self.out.mux(packet)

    def _open(self, t: float, dts: int, in_stream: Any) -> None:
        wall, t0 = self.anchor or (self.now(), t)
        at = wall + timedelta(seconds=t - t0)
        lag = (self.now() - at).total_seconds()
        if self.config.live and not -MAX_CLOCK_LEAD_S <= lag <= MAX_CLOCK_LAG_S:
            at = self.now()  # the stream's clock drifted or jumped: trust the wall clock
            self.anchor = (at, t)
        info = SegmentInfo(
            segment_key(self.config.prefix, self.config.camera, at), self.config.camera, at, 0.0
        )
        self.part = self.spool.begin(info)
        self.out = av.open(str(self.part), "w", format="mpegts")
        self.out_stream = self.out.add_stream_from_template(in_stream)
        self.started_t, self.first_dts = t, dts

    def close(self) -> None:
        """Close the segment being written, however short; it joins the upload queue."""
        if self.out is None or self.part is None:
            return
        try:
            self.out.close()
        except av.error.FFmpegError as err:
            self.log(f"closing {self.part.name}: {err}")
        info = self.spool.finish(self.part)
        self.out, self.part = None, None
        if info is not None:
            self.log(f"segment {info.key} closed ({info.duration_s:.1f} s), queued for upload")


def record(
    config: RecorderConfig,
    spool: Spool,
    stop: threading.Event,
    log: Log,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> None:
    """Record until ``stop`` is set (a live source) or the file ends; close the last segment.

    A live source that ends, fails or stays silent for ``read_timeout_s`` is reopened after
    0.5 s, then doubling waits up to ``reconnect_max_s`` while it stays down.
    """
    wait = 0.5
    while not stop.is_set():
        opened_at = now() if config.live else None
        try:
            container = av.open(
                config.source,
                options=config.options or {},
                timeout=(config.open_timeout_s, config.read_timeout_s),
            )
        except (av.error.FFmpegError, OSError) as err:
            if not config.live:
                raise
            log(f"cannot open {config.source} ({err}); trying again in {wait:.1f} s")
            stop.wait(wait)
            wait = min(wait * 2, config.reconnect_max_s)
            continue
        segments = _Segments(config, spool, log, now, opened_at)
        received = False
        try:
            with container:
                stream = container.streams.video[0]
                for packet in container.demux(stream):
                    if stop.is_set():
                        break
                    if packet.dts is None or packet.pts is None:
                        continue
                    if not received:
                        received, wait = True, 0.5
                        log(f"recording {config.source} as camera {config.camera}")
                    segments.add(packet, stream)
        except (av.error.FFmpegError, OSError, IndexError) as err:
            if not config.live:
                raise
            log(f"{config.source} dropped ({err})")
        finally:
            segments.close()
        if not config.live:
            return
        if not stop.is_set():
            log(f"{config.source} ended; reopening in {wait:.1f} s")
            stop.wait(wait)
            wait = min(wait * 2, config.reconnect_max_s)


class Uploader(threading.Thread):
    """Uploads the spool's segments, oldest first, retrying with doubling waits while S3 fails.

    ``upload(path, info)`` raises on failure; the segment then stays spooled, nothing is lost.
    """

    def __init__(
        self,
        spool: Spool,
        upload: Callable[[Path, SegmentInfo], None],
        log: Log,
        uploaded: Callable[[SegmentInfo], None],
        retry_max_s: float = 30.0,
        failures: tuple[type[BaseException], ...] = (Exception,),
    ) -> None:
        super().__init__(name="segment-uploader", daemon=True)
        self.spool, self.upload, self.log, self.uploaded = spool, upload, log, uploaded
        self.retry_max_s, self.failures = retry_max_s, failures
        self.finishing = threading.Event()
        self.wake = threading.Event()

    def run(self) -> None:
        """Upload until asked to finish and the spool is empty."""
        wait, failing = 0.5, False
        while True:
            waiting = self.spool.ready()
            if not waiting:
                if self.finishing.is_set():
                    return
                self.wake.wait(0.5)
                self.wake.clear()
                continue
            path, info = waiting[0]
            try:
                self.upload(path, info)
            except self.failures as err:
                if not failing:
                    self.log(f"upload of {info.key} failed ({err}); {len(waiting)} segment(s) wait")
                failing = True
                self.wake.wait(wait)
                self.wake.clear()
                wait = min(wait * 2, self.retry_max_s)
                continue
            if failing:
                self.log(f"S3 answers again; {len(waiting) - 1} more segment(s) to upload")
            wait, failing = 0.5, False
            self.spool.remove(path)
            self.uploaded(info)

    def drain(self, timeout_s: float) -> bool:
        """Finish: upload what is spooled (trying for ``timeout_s``); True when nothing is left."""
        self.finishing.set()
        self.wake.set()
        deadline = time.monotonic() + timeout_s
        while self.is_alive() and time.monotonic() < deadline:
            self.join(0.2)
            self.wake.set()
        return not self.spool.ready()
