"""Short annotated MP4 clips of events, cut from one decoding pass over the video.

Clips are H.264 (High, yuv420p) in MP4 with the index at the front (``+faststart``), which
browsers play progressively. Frames are the analysed frames, so the boxes drawn are the
detections of exactly those frames.
"""

from __future__ import annotations

import math
import os
import queue
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from pathlib import Path

import av
import numpy as np

from deepsentinel_pipelines.video.decode import iter_frame_batches
from deepsentinel_pipelines.video.drawing import SceneOverlay, draw_highlight
from deepsentinel_pipelines.video.runtime import cpu_threads
from deepsentinel_pipelines.video.types import Detection, Event

#: Seconds of video before an event's start and after its end.
DEFAULT_BEFORE_S = 2.0
DEFAULT_AFTER_S = 3.0
#: Longest clip: a 40 s loitering event is shown from its start, not in full.
DEFAULT_MAX_CLIP_S = 12.0
#: Windows closer than this are decoded as one span rather than seeking between them.
MERGE_GAP_S = 4.0
#: H.264 settings: small files at CCTV quality, fast enough on two cores.
CODEC = "libx264"
ENCODER_OPTIONS = {"preset": "veryfast", "crf": "28"}
#: Encoder threads per clip: clips are encoded side by side instead (see :class:`_ClipEncoders`).
ENCODER_THREADS = 1
#: Drawn-but-not-yet-encoded frames at most, so decoding cannot run far ahead of encoding.
MAX_PENDING_FRAMES = 32


@dataclass(frozen=True)
class ClipRequest:
    """One clip to cut: which event, where it goes, and the seconds it spans."""

    event_id: int
    key: str
    event: Event
    start_s: float
    end_s: float


@dataclass(frozen=True)
class EncodedClip:
    """A finished clip: MP4 bytes and what they hold."""

    event_id: int
    key: str
    data: bytes
    frames: int
    width: int
    height: int
    start_s: float
    end_s: float


def clip_window(
    start_s: float,
    end_s: float,
    duration_s: float,
    before_s: float = DEFAULT_BEFORE_S,
    after_s: float = DEFAULT_AFTER_S,
    max_clip_s: float = DEFAULT_MAX_CLIP_S,
) -> tuple[float, float]:
    """The seconds a clip of an event spans, inside ``[0, duration_s]``.

    Args:
        start_s: The event's start.
        end_s: The event's end.
        duration_s: The video's duration.
        before_s: Lead-in before the start.
        after_s: Tail after the end.
        max_clip_s: Longest clip; a long event is cut after its start.

    Returns:
        ``(clip_start_s, clip_end_s)``.

    Raises:
        ValueError: A negative margin or a non-positive maximum.
    """
    if before_s < 0 or after_s < 0 or max_clip_s <= 0:
        raise ValueError(
            f"clip margins must be >= 0 and the maximum > 0, got before {before_s}, "
            f"after {after_s}, max {max_clip_s}"
        )
    first = max(0.0, start_s - before_s)
    last = min(duration_s, max(end_s, start_s) + after_s, first + max_clip_s)
    return first, max(first, last)


def merge_spans(
    windows: Sequence[tuple[float, float]], gap_s: float = MERGE_GAP_S
) -> list[tuple[float, float]]:
    """Windows merged where they overlap or lie within ``gap_s`` of each other, in order."""
    spans: list[tuple[float, float]] = []
    for start, end in sorted(windows):
        if spans and start <= spans[-1][1] + gap_s:
            spans[-1] = (spans[-1][0], max(spans[-1][1], end))
        else:
            spans.append((start, end))
    return spans


class _Mp4Writer:
    """Encodes BGR frames to an H.264 MP4 in a temporary file."""

    def __init__(self, folder: str, name: str, fps: float, width: int, height: int) -> None:
        # yuv420p needs even sizes; dropping the last row/column is invisible.
        self.width, self.height = width - width % 2, height - height % 2
        self.path = Path(folder) / name
        self.container = av.open(
            str(self.path), mode="w", format="mp4", options={"movflags": "+faststart"}
        )
        self.stream = self.container.add_stream(CODEC, rate=Fraction(fps).limit_denominator(1001))
        self.stream.width, self.stream.height = self.width, self.height
        self.stream.pix_fmt = "yuv420p"
        self.stream.options = dict(ENCODER_OPTIONS)
        self.stream.codec_context.thread_count = ENCODER_THREADS
        self.frames = 0

    def add(self, frame_bgr: np.ndarray) -> None:
        image = np.ascontiguousarray(frame_bgr[: self.height, : self.width])
        for packet in self.stream.encode(av.VideoFrame.from_ndarray(image, format="bgr24")):
            self.container.mux(packet)
        self.frames += 1

    def finish(self) -> bytes:
        for packet in self.stream.encode():
            self.container.mux(packet)
        self.container.close()
        data = self.path.read_bytes()
        self.path.unlink()
        return data


class _ClipEncoders:
    """One MP4 writer per open clip; frames are drawn and encoded on worker threads, in order.

    libx264 runs with the interpreter lock released, so clips encode side by side: on two
    cores two single-threaded encoders did 1.45x the frames of one (one encoder with two
    threads: 1.2x). A clip's frames wait in its own queue and each task takes the oldest under
    the clip's lock, so every clip gets its frames in the order they were added; a clip closed
    with :meth:`close` is finished after its last frame and handed out by :meth:`finished`.
    At most :data:`MAX_PENDING_FRAMES` tasks wait at once, so decoding cannot run ahead of
    encoding. Used as a context manager, which stops the workers however the block ends.

    Args:
        folder: Where the MP4 files are written before they are read back.
        workers: Encoding threads.
    """

    def __init__(self, folder: str, workers: int) -> None:
        self.folder = folder
        self._writers: dict[int, _Mp4Writer] = {}
        self._queues: dict[int, deque[Callable[[], np.ndarray] | None]] = {}
        self._locks: dict[int, threading.Lock] = {}
        self._slots = threading.BoundedSemaphore(MAX_PENDING_FRAMES)
        self._errors: list[BaseException] = []
        self._done: queue.SimpleQueue[tuple[int, _Mp4Writer, bytes]] = queue.SimpleQueue()
        self._open = 0
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="clip-encoder")

    def __enter__(self) -> _ClipEncoders:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def add(
        self, clip: int, draw: Callable[[], np.ndarray], fps: float, shape: tuple[int, ...]
    ) -> None:
        """Queue the frame ``draw()`` makes (of ``shape``) as the next frame of ``clip``."""
        if clip not in self._writers:
            height, width = shape[:2]
            self._writers[clip] = _Mp4Writer(self.folder, f"{clip}.mp4", fps, width, height)
            self._queues[clip], self._locks[clip] = deque(), threading.Lock()
            self._open += 1
        self._submit(clip, draw)

    def close(self, clip: int) -> None:
        """Finish ``clip`` once its queued frames are encoded (a clip without frames is skipped)."""
        if clip in self._writers:
            self._submit(clip, None)

    def _submit(self, clip: int, task: Callable[[], np.ndarray] | None) -> None:
        self._raise_error()
        self._slots.acquire()
        self._queues[clip].append(task)
        self._pool.submit(self._run_next, clip)

    def _run_next(self, clip: int) -> None:
        try:
            with self._locks[clip]:
                task = self._queues[clip].popleft()
                if self._errors:  # after an error the rest is dropped
                    return
                writer = self._writers[clip]
                if task is None:
                    self._done.put((clip, writer, writer.finish()))
                else:
                    writer.add(task())
        except BaseException as err:  # re-raised in the caller's thread
            self._errors.append(err)
        finally:
            self._slots.release()

    def _raise_error(self) -> None:
        if self._errors:
            raise self._errors[0]

    def finished(self, wait: bool = False) -> Iterator[tuple[int, _Mp4Writer, bytes]]:
        """Clips finished so far as ``(clip, writer, mp4 bytes)``; ``wait``: all closed ones."""
        while self._open:
            self._raise_error()
            try:
                clip, writer, data = (
                    self._done.get(timeout=0.1) if wait else self._done.get_nowait()
                )
            except queue.Empty:
                if wait:
                    continue
                return
            del self._writers[clip], self._queues[clip], self._locks[clip]
            self._open -= 1
            yield clip, writer, data
        self._raise_error()


#: Reads the detections of frames ``first..last`` as ``(frame_idx, detections)`` in frame order.
DetectionSource = Callable[[int, int], Iterable[tuple[int, Sequence[Detection]]]]


def render_clips(
    path: str | os.PathLike[str],
    requests: Sequence[ClipRequest],
    detections_of: DetectionSource,
    fps: float,
    rotation: int | None = None,
    workers: int | None = None,
    overlay: SceneOverlay | None = None,
) -> Iterator[EncodedClip]:
    """Cut every requested clip in one decoding pass, drawing each frame's detections.

    Overlapping and nearby windows are merged into spans; each span is decoded once (a seek
    between spans), so every frame of the video is decoded at most once however many clips
    show it. Clips are drawn and encoded on ``workers`` threads while decoding goes on, and
    each is handed out as soon as it is finished, so memory holds the clips open at one moment,
    not the video's.

    Args:
        path: The video file.
        requests: The clips wanted.
        detections_of: The detections of a span's frames, numbered by source frame (as the
            detector stored them), read in step with decoding.
        fps: Frame rate of the clips: the analysis rate, so each frame has its detections.
        rotation: Clockwise rotation of the video, as recorded by the probe.
        workers: Encoding threads; ``None`` is one per core this process may use.
        overlay: The camera's zones and counting lines, drawn on every frame (None: not).

    Yields:
        Each clip that got at least one frame, once it is finished (about in order of end).
    """
    spans = merge_spans([(r.start_s, r.end_s) for r in requests])
    by_start = sorted(range(len(requests)), key=lambda i: (requests[i].start_s, i))
    with (
        tempfile.TemporaryDirectory(prefix="clips-") as folder,
        _ClipEncoders(folder, workers or cpu_threads()) as encoders,
    ):
        waiting = 0  # next request (by start) not yet open
        open_clips: list[int] = []
        for span_start, span_end in spans:
            batches = iter_frame_batches(
                path, fps, batch_size=4, start_s=span_start, end_s=span_end, rotation=rotation
            )
            first = max(0, math.floor(span_start * batches.source_fps) - 1)
            last = math.ceil(span_end * batches.source_fps) + 1
            shown = _in_step(detections_of(first, last))
            for indices, times, frames in batches:
                for idx, t, frame in zip(indices, times, frames, strict=True):
                    while waiting < len(by_start) and requests[by_start[waiting]].start_s <= t:
                        open_clips.append(by_start[waiting])
                        waiting += 1
                    drawn = shown(idx)
                    still_open = []
                    for i in open_clips:
                        if t >= requests[i].end_s:
                            encoders.close(i)
                            continue
                        still_open.append(i)
                        draw = partial(draw_highlight, frame, drawn, requests[i].event, overlay)
                        encoders.add(i, draw, batches.fps_analysed, frame.shape)
                    open_clips = still_open
                    yield from _encoded(requests, encoders.finished())
            # Past the span's end: every clip that started in it is complete.
            for i in open_clips:
                encoders.close(i)
            open_clips = []
            # Clips of the span that started after its last frame never got one.
            while waiting < len(by_start) and requests[by_start[waiting]].start_s < span_end:
                waiting += 1
            yield from _encoded(requests, encoders.finished())
        yield from _encoded(requests, encoders.finished(wait=True))


def _in_step(
    rows: Iterable[tuple[int, Sequence[Detection]]],
) -> Callable[[int], Sequence[Detection]]:
    """Look up frames' detections in increasing frame order, reading ``rows`` only that far."""
    it = iter(rows)
    current = next(it, None)

    def at(idx: int) -> Sequence[Detection]:
        nonlocal current
        while current is not None and current[0] < idx:
            current = next(it, None)
        return current[1] if current is not None and current[0] == idx else ()

    return at


def _encoded(
    requests: Sequence[ClipRequest], finished: Iterable[tuple[int, _Mp4Writer, bytes]]
) -> Iterator[EncodedClip]:
    for i, writer, data in finished:
        request = requests[i]
        yield EncodedClip(
            request.event_id,
            request.key,
            data,
            writer.frames,
            writer.width,
            writer.height,
            request.start_s,
            request.end_s,
        )
