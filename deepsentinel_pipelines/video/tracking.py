"""ByteTrack and the motion gate over any inference callable, batch by batch.

The tracker needs no model: it takes a callable from a batch of BGR frames to per-frame
:data:`FrameOutput` (boxes and keypoints), such as :meth:`.inference.PoseModel.infer`, so
tracking and gating run on canned outputs as well as on a real detector.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from deepsentinel_pipelines.video.motion import MotionGate
from deepsentinel_pipelines.video.runtime import configure_ultralytics_offline, prefetch
from deepsentinel_pipelines.video.tracker_state import (
    TrackingState,
    dump_tracking_state,
    load_tracking_state,
)
from deepsentinel_pipelines.video.types import Detection

if TYPE_CHECKING:
    from ultralytics.trackers.byte_tracker import BYTETracker

#: Reported detections need this score; ByteTrack still sees down to TRACK_LOW_THRESH.
DEFAULT_CONF = 0.25
#: How long a lost track may be re-found, in seconds (scaled to frames at the analysis rate).
TRACK_BUFFER_S = 3.0

#: ByteTrack association settings (ultralytics' cfg/trackers/bytetrack.yaml values).
TRACK_HIGH_THRESH = 0.25
TRACK_LOW_THRESH = 0.1
NEW_TRACK_THRESH = 0.25
MATCH_THRESH = 0.8

#: Batches decoded ahead on a background thread while the model runs.
PREFETCH_BATCHES = 2

ProgressCallback = Callable[[int, int, float], None]
#: Per frame: float32 (N, 6) ``[x1, y1, x2, y2, score, class]`` and (N, K, 3) keypoints or None.
FrameOutput = tuple[np.ndarray, np.ndarray | None]
#: A detector: BGR frames in, one :data:`FrameOutput` per frame out, scores down to
#: :data:`TRACK_LOW_THRESH` (the tracker's second association uses the weak ones).
Inference = Callable[[Sequence[np.ndarray]], list[FrameOutput]]


class TrackedBatch(NamedTuple):
    """One input batch after tracking: its frames' numbers, times and detections."""

    frame_indices: list[int]
    timestamps_s: list[float]
    detections: list[list[Detection]]


def byte_tracker(fps_analysed: float) -> BYTETracker:
    """A fresh ByteTrack with this project's settings, its lost-track buffer in seconds."""
    configure_ultralytics_offline()
    from ultralytics.trackers.byte_tracker import BYTETracker

    args = SimpleNamespace(
        tracker_type="bytetrack",
        track_high_thresh=TRACK_HIGH_THRESH,
        track_low_thresh=TRACK_LOW_THRESH,
        new_track_thresh=NEW_TRACK_THRESH,
        track_buffer=max(1, round(TRACK_BUFFER_S * fps_analysed)),
        match_thresh=MATCH_THRESH,
        fuse_score=True,
    )
    return BYTETracker(args)


def detection_at(
    frame_idx: int,
    t_s: float,
    track_id: int | None,
    output: FrameOutput,
    k: int,
    names: Mapping[int, str],
) -> Detection:
    """Row ``k`` of one frame's output as a :class:`Detection` (pixels to 0.01, scores to 1e-4)."""
    boxes, kpts = output
    x1, y1, x2, y2, score, cls = (float(v) for v in boxes[k, :6])
    class_id = int(cls)
    keypoints = None
    if kpts is not None:
        keypoints = tuple(
            (round(float(x), 2), round(float(y), 2), round(float(c), 4)) for x, y, c in kpts[k]
        )
    return Detection(
        frame_idx=int(frame_idx),
        t_s=float(t_s),
        track_id=track_id,
        class_id=class_id,
        class_name=names.get(class_id, str(class_id)),
        score=round(score, 4),
        box=(round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)),
        keypoints=keypoints,
    )


class Tracker:
    """ByteTrack over an inference callable, with an optional motion gate in front of it.

    The tracker sees each frame's detections in order, so tracks persist across batches
    (ultralytics' ``model.track`` on a list hides unconfirmed detections and counts its track
    buffer in frames, whatever the analysis rate; this class keeps them, with
    ``track_id=None``, and scales the buffer to :data:`TRACK_BUFFER_S`).

    Args:
        infer: The detector, e.g. :meth:`.inference.PoseModel.infer`.
        names: Class names by id, for :attr:`Detection.class_name`.
        conf: Minimum score of a reported detection (tracks also use weaker ones).
        motion_gate: Skips the detector on still, empty stretches; ``None`` runs it on every
            frame.
    """

    def __init__(
        self,
        infer: Inference,
        names: Mapping[int, str],
        *,
        conf: float = DEFAULT_CONF,
        motion_gate: MotionGate | None = None,
    ) -> None:
        self.infer = infer
        self.names = dict(names)
        self.conf = conf
        self.motion_gate = motion_gate
        self.frames_detected = 0  # frames the model ran on since reset()
        self.frames_skipped = 0  # frames the motion gate let through without the model
        self._tracker: BYTETracker | None = None

    def reset(self, fps_analysed: float) -> None:
        """Start a new video: fresh tracker, track ids from 1.

        Args:
            fps_analysed: Rate of the frames that will be fed, to size the track buffer.
        """
        self._tracker = byte_tracker(fps_analysed)
        self.frames_detected = self.frames_skipped = 0
        if self.motion_gate is not None:
            self.motion_gate.reset()

    def tracking_state(self) -> bytes:
        """The tracker and motion gate after the last frame fed, for :meth:`resume_tracking`."""
        return dump_tracking_state(TrackingState(self._tracker, self.motion_gate))

    def resume_tracking(self, state: bytes) -> None:
        """Continue from a :meth:`tracking_state`: the same tracks, ids and motion reference.

        Raises:
            TrackerStateError: The bytes are not a state this version can resume.
        """
        restored = load_tracking_state(state)
        self._tracker = restored.tracker
        self.motion_gate = restored.motion_gate

    def track_batches(
        self,
        batches: Iterable[tuple[Sequence[int], Sequence[float], Sequence[np.ndarray]]],
        progress_callback: ProgressCallback | None = None,
        *,
        fps_analysed: float | None = None,
        reset: bool = True,
    ) -> Iterator[list[Detection]]:
        """Detect, estimate pose and track people over batches of consecutive sampled frames.

        Args:
            batches: ``(frame_indices, timestamps_s, frames)`` tuples in time order, e.g. from
                :func:`~deepsentinel_pipelines.video.decode.iter_frame_batches` (whose
                ``fps_analysed`` and ``frames_total_estimate`` are picked up automatically).
            progress_callback: Called after each batch with ``(frames_done,
                frames_total_estimate, elapsed_s)``; the estimate is never below frames_done.
            fps_analysed: Rate of the fed frames, for the track buffer; read from ``batches``
                when it has the attribute, else 10 fps.
            reset: Start a fresh tracker (a new video). ``False`` continues the previous call's
                tracks (or a :meth:`resume_tracking` state), for feeding one video in parts.

        Yields:
            One list per input frame, in input order: detections scoring at least ``conf``
            (``track_id=None`` while unconfirmed) plus weaker ones a confirmed track matched.
        """
        for batch in self.tracked_batches(
            batches, progress_callback, fps_analysed=fps_analysed, reset=reset
        ):
            yield from batch.detections

    def tracked_batches(
        self,
        batches: Iterable[tuple[Sequence[int], Sequence[float], Sequence[np.ndarray]]],
        progress_callback: ProgressCallback | None = None,
        *,
        fps_analysed: float | None = None,
        reset: bool = True,
    ) -> Iterator[TrackedBatch]:
        """:meth:`track_batches` one input batch at a time.

        When a batch is yielded the tracker has seen exactly the frames up to its last one, so
        :meth:`tracking_state` then is the state to resume after that batch.
        """
        rate = fps_analysed or getattr(batches, "fps_analysed", None) or 10.0
        if reset or self._tracker is None:
            self.reset(rate)
        total = int(getattr(batches, "frames_total_estimate", 0) or 0)
        started = time.perf_counter()
        done = 0
        for frame_indices, timestamps_s, frames in prefetch(batches, PREFETCH_BATCHES):
            per_frame = self._track_batch(frame_indices, timestamps_s, frames)
            done += len(per_frame)
            if progress_callback is not None:
                progress_callback(done, max(total, done), time.perf_counter() - started)
            yield TrackedBatch(list(frame_indices), list(timestamps_s), per_frame)

    def _tracks_alive(self) -> bool:
        """The tracker follows someone, or may still re-find a lost track."""
        tracker = self._tracker
        return tracker is not None and bool(tracker.tracked_stracks or tracker.lost_stracks)

    def _track_batch(
        self,
        frame_indices: Sequence[int],
        timestamps_s: Sequence[float],
        frames: Sequence[np.ndarray],
    ) -> list[list[Detection]]:
        """Detect and track one batch; with a motion gate, skipped frames get no detections.

        Once the detector is needed for tracks or motion, the rest of the batch runs in one
        pass (never fewer frames than the gate asks for); a keyframe of a still scene runs
        alone, and a person found on it brings the rest of the batch back.
        """
        gate = self.motion_gate
        out: list[list[Detection]] = [[] for _ in frames]
        i = 0
        while i < len(frames):
            end = len(frames)
            if gate is not None and not self._tracks_alive():
                why = gate.check(frames[i], timestamps_s[i])
                if why is None:
                    self.frames_skipped += 1
                    i += 1
                    continue
                if why == "keyframe":
                    end = i + 1
            outputs = self.infer(frames[i:end])
            for k, output in zip(range(i, end), outputs, strict=True):
                out[k] = self._track_one(frame_indices[k], timestamps_s[k], frames[k], output)
            self.frames_detected += end - i
            if gate is not None:
                gate.ran(frames[end - 1], timestamps_s[end - 1])
            i = end
        return out

    def _track_one(
        self, frame_idx: int, t_s: float, frame: np.ndarray, output: FrameOutput
    ) -> list[Detection]:
        assert self._tracker is not None
        from ultralytics.engine.results import Boxes

        boxes = output[0]
        # The tracker reads conf/cls/xywh from a Boxes (ByteTrack ignores the image).
        tracks = self._tracker.update(Boxes(boxes, frame.shape[:2]), frame)
        # Rows are [x1, y1, x2, y2, track_id, score, cls, det_idx] for tracks updated this frame.
        track_of = {int(row[7]): int(row[4]) for row in tracks} if len(tracks) else {}
        return [
            detection_at(frame_idx, t_s, track_of.get(k), output, k, self.names)
            for k in range(len(boxes))
            if k in track_of or boxes[k, 4] >= self.conf
        ]
