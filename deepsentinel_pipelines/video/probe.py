"""Check that a file is a decodable video and read its vital statistics, without decoding it all."""

from __future__ import annotations

import hashlib
import os
from fractions import Fraction
from pathlib import Path

import av
import av.error
from av.container import InputContainer
from av.stream import Disposition
from av.video.stream import VideoStream

from deepsentinel_pipelines.video.types import VideoInfo

#: Frames decoded at the start to prove the stream decodes at all.
HEAD_FRAMES = 3
#: The tail check seeks this far before the end (retrying further back) and decodes to EOF.
TAIL_WINDOWS_S = (2.0, 12.0, 60.0)
#: Upper bound on frames decoded by the tail check (one long GOP at most).
TAIL_MAX_FRAMES = 600
#: Demuxers that read single still images; FFmpeg happily opens a JPEG as a 1-frame "video".
IMAGE_FORMAT_SUFFIXES = ("_pipe",)
IMAGE_FORMATS = frozenset({"image2", "image2pipe", "webp_pipe", "apng"})


class VideoProbeError(ValueError):
    """The file is not a usable video; ``str(err)`` names the cause.

    Attributes:
        reason: A short machine-readable cause: ``missing``, ``empty``, ``not_a_video``,
            ``image``, ``no_video_stream``, ``unknown_codec``, ``corrupt`` or ``truncated``.
    """

    def __init__(self, message: str, reason: str = "corrupt") -> None:
        super().__init__(message)
        self.reason = reason


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _container_name(format_name: str, path: Path) -> str:
    """Pick one short name from FFmpeg's alias list ('mov,mp4,m4a,...'), preferring the suffix."""
    names = format_name.split(",")
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in names else names[0]


def _seconds(value: int | None, time_base: Fraction | None) -> float | None:
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Probe a video file: container, codec, rate, length, size, rotation and checksum.

    Reads the header, decodes the first :data:`HEAD_FRAMES` frames and the last
    :data:`TAIL_WINDOWS_S` seconds (after a seek), so a truncated or corrupt file fails here rather
    than halfway through analysis. ``width``/``height`` are the display size, i.e. after the
    ``rotation`` (clockwise degrees, one of 0/90/180/270) that decoding applies.

    Args:
        path: The video file.

    Returns:
        The probe result.

    Raises:
        VideoProbeError: The file is missing, empty, not a video, has no video stream, uses a
            codec FFmpeg cannot decode, or is truncated/corrupt.
    """
    path = Path(path)
    if not path.is_file():
        raise VideoProbeError(f"{path}: file not found", "missing")
    size_bytes = path.stat().st_size
    if size_bytes == 0:
        raise VideoProbeError(f"{path}: empty file (0 bytes)", "empty")

    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError as e:
        raise VideoProbeError(
            f"{path}: not a video, or an unreadable container ({e.strerror}); "
            "FFmpeg found no known format, or the header/index is missing (truncated upload?)",
            "not_a_video",
        ) from e
    with container:
        fmt = container.format.name
        if fmt in IMAGE_FORMATS or fmt.endswith(IMAGE_FORMAT_SUFFIXES):
            raise VideoProbeError(f"{path}: a still image ({fmt}), not a video", "image")
        videos = [
            s for s in container.streams.video if not s.disposition & Disposition.attached_pic
        ]
        if not videos:
            kinds = sorted({s.type for s in container.streams}) or ["none"]
            raise VideoProbeError(
                f"{path}: no video stream (container {fmt} holds: {', '.join(kinds)})",
                "no_video_stream",
            )
        stream = videos[0]
        if stream.codec_context is None:
            raise VideoProbeError(
                f"{path}: unknown video codec, FFmpeg has no decoder for this stream",
                "unknown_codec",
            )
        codec = stream.codec_context.name
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        start = stream.start_time or 0
        frame_count = stream.frames or 0
        duration_s = _seconds(stream.duration, stream.time_base)
        if frame_count <= 0:
            frame_count, last_end_s = _count_packets(container, stream, path)
            if last_end_s is not None:
                duration_s = last_end_s - (_seconds(start, stream.time_base) or 0.0)
        if not duration_s and container.duration:
            duration_s = container.duration / av.time_base
        if fps <= 0 and duration_s:
            fps = frame_count / duration_s
        if not duration_s and fps > 0:
            duration_s = frame_count / fps
        if fps <= 0 or not duration_s:
            raise VideoProbeError(f"{path}: cannot determine frame rate or duration", "corrupt")

        rotation, width, height = _check_head(container, stream, path)
        if stream.frames and abs(stream.frames / fps - duration_s) > max(1.0, 0.05 * duration_s):
            raise VideoProbeError(
                f"{path}: truncated, the header promises {stream.frames} frames "
                f"({stream.frames / fps:.1f} s) but the stream holds {duration_s:.1f} s",
                "truncated",
            )
        _check_tail(container, stream, path, duration_s, fps)
        created = container.metadata.get("creation_time") or stream.metadata.get("creation_time")

    if rotation in (90, 270):
        width, height = height, width
    return VideoInfo(
        container=_container_name(fmt, path),
        codec=codec,
        fps=round(fps, 6),
        frame_count=int(frame_count),
        duration_s=round(float(duration_s), 6),
        width=width,
        height=height,
        rotation=rotation,
        size_bytes=size_bytes,
        sha256=_sha256(path),
        creation_time=created or None,
    )


def _count_packets(
    container: InputContainer, stream: VideoStream, path: Path
) -> tuple[int, float | None]:
    """Count the stream's packets (no decoding) for containers whose header has no frame count."""
    count, last_end = 0, None
    try:
        for packet in container.demux(stream):
            if packet.size == 0:
                continue
            count += 1
            if packet.pts is not None and packet.time_base is not None:
                end = packet.pts + (packet.duration or 0)
                last_end = max(last_end or end, end)
    except av.error.FFmpegError as e:
        raise VideoProbeError(f"{path}: corrupt while reading packets ({e.strerror})") from e
    container.seek(0)
    if count == 0:
        raise VideoProbeError(f"{path}: the video stream has no packets", "truncated")
    return count, _seconds(last_end, stream.time_base)


def _check_head(container: InputContainer, stream: VideoStream, path: Path) -> tuple[int, int, int]:
    """Decode the first frames; return (clockwise rotation, coded width, coded height)."""
    first = None
    try:
        for i, frame in enumerate(container.decode(stream)):
            first = first or frame
            if i + 1 >= HEAD_FRAMES:
                break
    except av.error.FFmpegError as e:
        raise VideoProbeError(
            f"{path}: corrupt, the first frames do not decode ({e.strerror})", "corrupt"
        ) from e
    if first is None:
        raise VideoProbeError(f"{path}: truncated or corrupt, no frame decodes", "truncated")
    # frame.rotation is the counter-clockwise angle of the display matrix side data.
    rotation = (-round(first.rotation / 90) * 90) % 360
    return rotation, first.width, first.height


def _decode_from(
    container: InputContainer, stream: VideoStream, target_pts: int, start_s: float
) -> tuple[float | None, int]:
    """Seek to the keyframe before ``target_pts`` and decode on; return (last time, frames)."""
    last_t, decoded = None, 0
    container.seek(target_pts, stream=stream, backward=True, any_frame=False)
    for frame in container.decode(stream):
        decoded += 1
        if frame.pts is not None:
            last_t = float(frame.pts * stream.time_base) - start_s
        if decoded >= TAIL_MAX_FRAMES:
            break
    return last_t, decoded


def _check_tail(
    container: InputContainer,
    stream: VideoStream,
    path: Path,
    duration_s: float,
    fps: float,
) -> None:
    """Seek near the end and decode to EOF; the last frame must be close to the stated end."""
    tb = stream.time_base
    start_s = _seconds(stream.start_time or 0, tb) or 0.0
    last_t, decoded = None, 0
    # Index-less containers (MPEG-TS) may land on a non-keyframe, after which nothing decodes
    # until the next keyframe; seeking further back finds one.
    for window_s in TAIL_WINDOWS_S:
        target = int((start_s + max(0.0, duration_s - window_s)) / tb)
        try:
            last_t, decoded = _decode_from(container, stream, target, start_s)
        except av.error.FFmpegError as e:
            raise VideoProbeError(
                f"{path}: truncated or corrupt, decoding fails near the end ({e.strerror})",
                "truncated",
            ) from e
        if last_t is not None or window_s >= duration_s:
            break
    if last_t is None:
        raise VideoProbeError(
            f"{path}: truncated or corrupt, no frame decodes in the last "
            f"{min(TAIL_WINDOWS_S[-1], duration_s):g} s of the stated {duration_s:.1f} s",
            "truncated",
        )
    # A capped decode (very long GOP) proves the data is there but not where it ends.
    tolerance = max(1.0, 3.0 / fps)
    if decoded < TAIL_MAX_FRAMES and last_t + 1.0 / fps < duration_s - tolerance:
        raise VideoProbeError(
            f"{path}: truncated, frames stop at {last_t:.1f} s but the header says "
            f"{duration_s:.1f} s",
            "truncated",
        )
