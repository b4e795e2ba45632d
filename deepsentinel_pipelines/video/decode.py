"""Decode a video once and hand out sampled BGR frames in batches, plus single-frame reads."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

import av
import av.error
import cv2
import numpy as np
from av.container import InputContainer
from av.video.stream import VideoStream

from deepsentinel_pipelines.video.defaults import DEFAULT_ANALYSIS_FPS

#: Frames per batch handed to the detector (16 BGR 1080p frames are ~100 MB).
DEFAULT_BATCH_SIZE = 16
#: A seek that lands after its target is retried this much further back (s); the last try
#: decodes from the start of the file.
SEEK_BACKOFFS_S = (0.0, 2.0, 12.0, 60.0, float("inf"))
#: read_frames_at seeks instead of decoding through gaps longer than this.
SEEK_GAP_S = 10.0
#: Length of the stretches parallel decoding hands to each worker (each costs one seek).
SEGMENT_S = 5.0
#: Frames sampled across the video by :func:`representative_frame`.
REPRESENTATIVE_SAMPLES = 8

_ROTATE = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


class FrameBatch(NamedTuple):
    """Consecutive sampled frames: source frame numbers, seconds from the start, BGR images."""

    frame_indices: list[int]
    timestamps_s: list[float]
    frames: list[np.ndarray]


def analysis_stride(source_fps: float, fps_analysed: float | None) -> int:
    """Return k such that keeping every k-th source frame gives about ``fps_analysed``.

    Args:
        source_fps: Frame rate of the video.
        fps_analysed: Wanted analysis rate; ``None`` or ``>= source_fps`` keeps every frame.

    Returns:
        The stride, at least 1.
    """
    if not fps_analysed or fps_analysed <= 0 or source_fps <= 0:
        return 1
    return max(1, round(source_fps / fps_analysed))


def rotate_frame(frame: np.ndarray, rotation: int) -> np.ndarray:
    """Rotate an image clockwise by 0, 90, 180 or 270 degrees."""
    code = _ROTATE.get(rotation % 360)
    return frame if code is None else cv2.rotate(frame, code)


def _rotation_of(frame: av.VideoFrame) -> int:
    """Clockwise rotation that displays the frame upright (from the display-matrix side data)."""
    return (-round(frame.rotation / 90) * 90) % 360


def _open(path: str | os.PathLike[str], threads: int = 0) -> tuple[InputContainer, VideoStream]:
    container = av.open(str(Path(path)), mode="r")
    if not container.streams.video:
        container.close()
        raise ValueError(f"{path}: no video stream")
    stream = container.streams.video[0]
    # Frame+slice threads: decoding is the CPU hot spot before the model on small GPUs; beside
    # a CPU model, the model's runtime owns the cores and the decoder takes one.
    stream.thread_type = "AUTO"
    stream.thread_count = threads
    return container, stream


def _fps_of(stream: VideoStream) -> float:
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return float(rate) if rate else 0.0


def _frames_from(
    container: InputContainer, stream: VideoStream, t_s: float
) -> Iterator[av.VideoFrame]:
    """Decode from the keyframe before ``t_s`` (seconds from the start) onwards.

    Index-less containers (MPEG-TS) can land past the target or on a non-keyframe, so a seek
    that overshoots is retried further back, and the start of the file needs no seek at all.
    """
    tb = stream.time_base
    t0 = float((stream.start_time or 0) * tb) if tb else 0.0
    fps = _fps_of(stream) or 25.0
    for backoff_s in SEEK_BACKOFFS_S:
        target = t_s - backoff_s
        if target > 0 and tb:
            container.seek(int((t0 + target) / tb), stream=stream, backward=True)
        elif backoff_s:  # an earlier seek moved the demuxer; rewind to the very start
            container.seek(0, backward=True)
        frames = container.decode(stream)
        first = next(frames, None)
        if first is None:
            if target <= 0:
                return
            continue
        first_t = float(first.pts * tb) - t0 if first.pts is not None and tb else 0.0
        if target > 0 and first_t > t_s + 0.5 / fps:
            continue  # overshot: the seek landed after the wanted frame
        yield first
        yield from frames
        return


class FrameBatches:
    """Iterable of :class:`FrameBatch` for one pass over a video (see :func:`iter_frame_batches`).

    Attributes:
        path: The video file.
        source_fps: The stream's frame rate.
        stride: Every ``stride``-th source frame is kept.
        fps_analysed: The effective analysis rate, ``source_fps / stride``.
        batch_size: Frames per batch (the last batch may be shorter).
        frames_total_estimate: Expected number of sampled frames (from the header; exact for
            constant-rate video).
        threads: Decoder threads; 0 lets FFmpeg use every core.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        fps_analysed: float | None = DEFAULT_ANALYSIS_FPS,
        batch_size: int = DEFAULT_BATCH_SIZE,
        *,
        start_s: float = 0.0,
        start_frame: int = 0,
        end_s: float | None = None,
        rotation: int | None = None,
        threads: int = 0,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        self.path = Path(path)
        self.batch_size = batch_size
        self.start_s = max(0.0, start_s)
        self.end_s = end_s
        self.rotation = rotation
        self.threads = threads
        container, stream = _open(self.path)
        with container:
            self.source_fps = _fps_of(stream) or 25.0
            tb = stream.time_base
            if stream.duration and tb:
                duration = float(stream.duration * tb)
            elif container.duration:
                duration = container.duration / av.time_base
            else:
                duration = (stream.frames or 0) / self.source_fps
        if start_frame > 0:
            self.start_s = max(self.start_s, start_frame / self.source_fps)
        self.stride = analysis_stride(self.source_fps, fps_analysed)
        self.fps_analysed = self.source_fps / self.stride
        stop = duration if end_s is None else min(duration, end_s)
        self.stop_s = stop
        span_frames = max(0, round((stop - self.start_s) * self.source_fps))
        self.frames_total_estimate = -(-span_frames // self.stride)

    def __iter__(self) -> Iterator[FrameBatch]:
        container, stream = _open(self.path, self.threads)
        with container:
            yield from self._batches(container, stream)

    def _batches(self, container: InputContainer, stream: VideoStream) -> Iterator[FrameBatch]:
        tb = stream.time_base
        t0 = float((stream.start_time or 0) * tb) if tb else 0.0
        rotation = self.rotation
        indices: list[int] = []
        times: list[float] = []
        images: list[np.ndarray] = []
        last_idx, counter = -1, 0
        for frame in _frames_from(container, stream, self.start_s):
            if frame.pts is not None and tb:
                t = float(frame.pts * tb) - t0
                idx = round(t * self.source_fps)
            else:  # no timestamps (rare raw streams): count frames instead
                idx = counter
                t = idx / self.source_fps
            counter += 1
            # "Every k-th frame" is decided on the timestamp-derived index, so dropped or
            # duplicated frames in the source do not shift the sampling grid.
            if idx <= last_idx or t < self.start_s - 0.5 / self.source_fps:
                continue
            if self.end_s is not None and t >= self.end_s:
                break
            if idx % self.stride:
                continue
            last_idx = idx
            if rotation is None:
                rotation = _rotation_of(frame)
            indices.append(idx)
            times.append(round(t, 6))
            images.append(rotate_frame(frame.to_ndarray(format="bgr24"), rotation))
            if len(images) == self.batch_size:
                yield FrameBatch(indices, times, images)
                indices, times, images = [], [], []
        if images:
            yield FrameBatch(indices, times, images)


class ParallelFrameBatches(FrameBatches):
    """:class:`FrameBatches` decoded by several workers, stretch by stretch, yielded in order.

    A GPU analyses frames several times faster than one decoder thread produces them; the
    video is cut into :data:`SEGMENT_S` stretches (each starting with a seek), ``workers``
    threads decode them (PyAV releases the GIL while decoding), and the frames are re-batched
    in time order. The frames are the same as a single pass's.
    """

    def __init__(self, *args, workers: int, segment_s: float = SEGMENT_S, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workers = workers
        self.segment_s = segment_s

    def __iter__(self) -> Iterator[FrameBatch]:
        starts = [self.start_s]
        while starts[-1] + self.segment_s < self.stop_s:
            starts.append(starts[-1] + self.segment_s)
        # The last stretch reads to the real end: a header's duration can be short.
        ends = [*starts[1:], self.end_s]
        indices: list[int] = []
        times: list[float] = []
        images: list[np.ndarray] = []
        with ThreadPoolExecutor(self.workers, thread_name_prefix="decode") as pool:
            pending: deque[Future[list[FrameBatch]]] = deque()
            spans = iter(zip(starts, ends, strict=True))
            for _ in range(self.workers + 1):
                self._submit(pool, pending, spans)
            while pending:
                stretch = pending.popleft().result()
                self._submit(pool, pending, spans)
                for batch in stretch:
                    indices += batch.frame_indices
                    times += batch.timestamps_s
                    images += batch.frames
                    while len(images) >= self.batch_size:
                        n = self.batch_size
                        yield FrameBatch(indices[:n], times[:n], images[:n])
                        indices, times, images = indices[n:], times[n:], images[n:]
        if images:
            yield FrameBatch(indices, times, images)

    def _submit(
        self,
        pool: ThreadPoolExecutor,
        pending: deque[Future[list[FrameBatch]]],
        spans: Iterator[tuple[float, float | None]],
    ) -> None:
        span = next(spans, None)
        if span is None:
            return
        stretch = FrameBatches(
            self.path,
            self.fps_analysed,
            self.batch_size,
            start_s=span[0],
            end_s=span[1],
            rotation=self.rotation,
            threads=self.threads,
        )
        stretch.stride = self.stride  # the same sampling grid as the whole video's
        pending.append(pool.submit(list, stretch))


def iter_frame_batches(
    path: str | os.PathLike[str],
    fps_analysed: float | None = DEFAULT_ANALYSIS_FPS,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    start_s: float = 0.0,
    start_frame: int = 0,
    end_s: float | None = None,
    rotation: int | None = None,
    threads: int = 0,
    workers: int = 1,
) -> FrameBatches:
    """Decode ``path`` once, keep every k-th frame for ``fps_analysed``, and batch the result.

    Each batch unpacks as ``(frame_indices, timestamps_s, frames)``: source frame numbers
    (``round(t * source_fps)``), seconds from the start of the video, and upright BGR
    ``uint8`` images. Only kept frames are converted to BGR, which is most of the decode cost.

    Args:
        path: The video file.
        fps_analysed: Wanted analysis rate; ``None`` keeps every frame.
        batch_size: Frames per batch.
        start_s: Skip frames before this time (seeks, so a late start is cheap).
        start_frame: Skip source frames numbered below this (a resumed analysis's next frame).
        end_s: Stop before this time; ``None`` reads to the end.
        rotation: Clockwise rotation to apply; ``None`` reads it from the display matrix.
        threads: Decoder threads; 0 lets FFmpeg use every core.
        workers: Stretches decoded at once (:class:`ParallelFrameBatches`); 1 is one pass.

    Returns:
        A re-iterable :class:`FrameBatches` that also reports ``fps_analysed``, ``stride`` and
        ``frames_total_estimate``.
    """
    options = {
        "start_s": start_s,
        "start_frame": start_frame,
        "end_s": end_s,
        "rotation": rotation,
        "threads": threads,
    }
    if workers > 1:
        return ParallelFrameBatches(path, fps_analysed, batch_size, workers=workers, **options)
    return FrameBatches(path, fps_analysed, batch_size, **options)


def read_frame_at(path: str | os.PathLike[str], t_s: float) -> np.ndarray:
    """Return the upright BGR frame shown at ``t_s`` seconds (the last frame if past the end).

    Args:
        path: The video file.
        t_s: Seconds from the start of the video.

    Returns:
        The frame as a ``uint8`` BGR array.

    Raises:
        ValueError: ``t_s`` is negative or the video has no decodable frame.
    """
    if t_s < 0:
        raise ValueError(f"t_s must be >= 0, got {t_s}")
    container, stream = _open(path)
    with container:
        tb = stream.time_base
        t0 = float((stream.start_time or 0) * tb)
        half_frame = 0.5 / (_fps_of(stream) or 25.0)
        chosen = None
        for frame in _frames_from(container, stream, t_s):
            t = float(frame.pts * tb) - t0 if frame.pts is not None else 0.0
            if chosen is not None and t > t_s + half_frame:
                break
            chosen = frame
            if abs(t - t_s) <= half_frame:
                break
        if chosen is None:
            raise ValueError(f"{path}: no frame decodes at or after {t_s:.3f} s")
        return rotate_frame(chosen.to_ndarray(format="bgr24"), _rotation_of(chosen))


def read_frames_at(
    path: str | os.PathLike[str], frame_indices: Iterable[int]
) -> dict[int, np.ndarray]:
    """Return upright BGR frames by source frame number, as numbered by :func:`iter_frame_batches`.

    Holds every frame asked for: for many frames of a long video, use :func:`iter_frames_at`.

    Returns:
        ``{frame_idx: frame}`` for every wanted frame that decoded; missing ones are absent.
    """
    return dict(iter_frames_at(path, frame_indices))


def iter_frames_at(
    path: str | os.PathLike[str], frame_indices: Iterable[int]
) -> Iterator[tuple[int, np.ndarray]]:
    """Yield ``(frame_idx, frame)`` for the wanted source frame numbers, in frame order.

    Frames are read in order in one pass, seeking forward only across gaps longer than
    :data:`SEEK_GAP_S`, so a few highlights in a long video cost a few GOP decodes. One frame
    is held at a time, however many are wanted.

    Args:
        path: The video file.
        frame_indices: Source frame numbers (``round(t * source_fps)``), in any order.

    Yields:
        Every wanted frame that decoded, as an upright BGR ``uint8`` array; missing ones
        (dropped, or past the end) are left out.
    """
    wanted = sorted({int(i) for i in frame_indices if i >= 0})
    if not wanted:
        return
    container, stream = _open(path)
    with container:
        tb = stream.time_base
        t0 = float((stream.start_time or 0) * tb)
        fps = _fps_of(stream) or 25.0
        pos = 0  # next wanted index
        while pos < len(wanted):
            resumed = False
            for frame in _frames_from(container, stream, wanted[pos] / fps):
                if frame.pts is None:
                    continue
                idx = round((float(frame.pts * tb) - t0) * fps)
                while pos < len(wanted) and wanted[pos] < idx:
                    pos += 1  # not in the stream (dropped frame or past the end)
                if pos >= len(wanted):
                    break
                if idx == wanted[pos]:
                    yield idx, rotate_frame(frame.to_ndarray(format="bgr24"), _rotation_of(frame))
                    pos += 1
                    if pos < len(wanted) and (wanted[pos] - idx) / fps > SEEK_GAP_S:
                        resumed = True
                        break
            if not resumed:
                break


def _detail_score(frame: np.ndarray) -> float:
    """Sharpness times busyness: variance of the Laplacian on a 320-px-wide grey thumbnail."""
    h, w = frame.shape[:2]
    scale = 320 / max(w, 1)
    small = cv2.resize(frame, (320, max(1, round(h * scale))), interpolation=cv2.INTER_AREA)
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    return float(cv2.Laplacian(grey, cv2.CV_32F).var())


def representative_frame(
    path: str | os.PathLike[str], samples: int = REPRESENTATIVE_SAMPLES
) -> np.ndarray:
    """Pick the most detailed of a few keyframes spread across the video, for a thumbnail.

    Each probe seeks and decodes only the keyframe at or before its time, so the cost is
    ``samples`` keyframe decodes however long the video is. Blurred, blank or fade frames score
    low on the Laplacian variance; frames with many edges (people, objects) score high.

    Args:
        path: The video file.
        samples: How many times to probe (between 5% and 95% of the duration).

    Returns:
        The chosen upright BGR frame.

    Raises:
        ValueError: The video has no decodable frame.
    """
    container, stream = _open(path)
    best: tuple[float, np.ndarray] | None = None
    with container:
        tb = stream.time_base
        t0 = float((stream.start_time or 0) * tb)
        if stream.duration:
            duration = float(stream.duration * tb)
        else:
            duration = (container.duration or 0) / av.time_base
        seen: set[int] = set()
        for i in range(max(1, samples)):
            target = duration * (0.05 + 0.9 * i / max(1, samples - 1)) if samples > 1 else 0.0
            try:
                container.seek(int((t0 + target) / tb), stream=stream, backward=True)
                frame = next(container.decode(stream), None)
            except av.error.FFmpegError:
                continue
            if frame is None or frame.pts in seen:
                continue
            seen.add(frame.pts)
            image = rotate_frame(frame.to_ndarray(format="bgr24"), _rotation_of(frame))
            score = _detail_score(image)
            if best is None or score > best[0]:
                best = (score, image)
    if best is None:
        raise ValueError(f"{path}: no frame decodes")
    return best[1]
