"""Person detection, pose and ByteTrack tracking over batches of frames, with ultralytics YOLO.

Ultralytics reaches for the network on its own (connectivity probe at import, hub lookups,
pip auto-installs, font downloads); :func:`configure_ultralytics_offline` turns that off and must
run before the first ``import ultralytics``, which is why ultralytics is imported lazily here.
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, NamedTuple

import cv2
import numpy as np

from deepsentinel_pipelines.video.defaults import DEFAULT_IMGSZ
from deepsentinel_pipelines.video.motion import MotionGate
from deepsentinel_pipelines.video.openvino_model import (
    ModelProvider,
    OpenVinoRunner,
    resolve_backend,
)
from deepsentinel_pipelines.video.tracker_state import (
    TrackingState,
    dump_tracking_state,
    load_tracking_state,
)
from deepsentinel_pipelines.video.types import Detection

if TYPE_CHECKING:
    import torch
    from ultralytics import YOLO
    from ultralytics.engine.results import Results
    from ultralytics.trackers.byte_tracker import BYTETracker

#: Reported detections need this score; ByteTrack still sees down to TRACK_LOW_THRESH.
DEFAULT_CONF = 0.25
#: NMS IoU, ultralytics' default; crowds overlap, so stricter values merge neighbours.
DEFAULT_IOU = 0.7
#: Frames per forward pass in ``detect`` (``track_batches`` takes the caller's batches): a CPU
#: gains nothing past ~4 frames, a GPU wants more (bench/detector_throughput.py).
DETECT_BATCH_SIZE = {"cpu": 4, "cuda": 16}
#: COCO class 0; the pose head only has people, a detect model would have 80 classes.
PERSON_CLASSES: tuple[int, ...] = (0,)
#: How long a lost track may be re-found, in seconds (scaled to frames at the analysis rate).
TRACK_BUFFER_S = 3.0

#: ByteTrack association settings (ultralytics' cfg/trackers/bytetrack.yaml values).
TRACK_HIGH_THRESH = 0.25
TRACK_LOW_THRESH = 0.1
NEW_TRACK_THRESH = 0.25
MATCH_THRESH = 0.8

#: Environment that keeps ultralytics from touching the network or installing packages.
ULTRALYTICS_OFFLINE_ENV: dict[str, str] = {
    "YOLO_OFFLINE": "1",  # is_online() returns False: no hub, telemetry or download attempts
    "YOLO_AUTOINSTALL": "0",  # check_requirements never pip-installs
}

#: Batches decoded ahead on a background thread while the model runs.
PREFETCH_BATCHES = 2
#: Letterbox padding grey, as in training.
PAD_VALUE = 114

ProgressCallback = Callable[[int, int, float], None]
#: Per frame: float32 (N, 6) ``[x1, y1, x2, y2, score, class]`` and (N, K, 3) keypoints or None.
FrameOutput = tuple[np.ndarray, np.ndarray | None]


class TrackedBatch(NamedTuple):
    """One input batch after tracking: its frames' numbers, times and detections."""

    frame_indices: list[int]
    timestamps_s: list[float]
    detections: list[list[Detection]]


def configure_ultralytics_offline(config_dir: Path | None = None) -> None:
    """Set the offline environment for ultralytics unless the caller already set it.

    Must run before ultralytics is first imported: it reads the variables at import time.

    Args:
        config_dir: Writable folder for ultralytics' ``settings.json`` (``YOLO_CONFIG_DIR``);
            defaults to ``<tmp>/deepsentinel-ultralytics`` so a read-only home is no problem.
    """
    # Ultralytics takes its configuration from these variables only; this sets them for it
    # (our own configuration is read in settings.py).
    for key, value in ULTRALYTICS_OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    default = config_dir or Path(tempfile.gettempdir()) / "deepsentinel-ultralytics"
    os.environ.setdefault("YOLO_CONFIG_DIR", str(default))


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


def resolve_device(device: str | None = None) -> str:
    """Pick the torch device: the explicit one if given, else ``cuda`` when available, else ``cpu``.

    Args:
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"``, or ``None``/``""``/``"auto"`` to detect.

    Returns:
        The device string.
    """
    if device and device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_threads() -> int:
    """Cores this process may run on (its affinity mask, which containers and taskset narrow)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def configure_threads() -> int:
    """Set OpenCV's pool to one thread and return the threads the model's runtime gets.

    torch and OpenVINO each default to a pool of all cores, OpenCV to another, and PyAV's
    frame threads to cores + 1: on 2 cores they spin against each other in the kernel. The
    runtime that runs the model gets every core; OpenCV (letterbox, motion diff), torch when
    it only does NMS (:func:`torch_threads`) and the decoder (:func:`decode_threads`) get one.
    """
    cv2.setNumThreads(1)
    return cpu_threads()


def torch_threads(device: str, backend: str, threads: int) -> int:
    """Torch's intra-op threads: all cores when it runs the model on the CPU, else one."""
    return threads if backend == "torch" and not device.startswith("cuda") else 1


def decode_workers(device: str) -> int:
    """Stretches decoded at once: 1 beside a CPU model, up to 4 (half the cores) beside a GPU.

    A CPU model spends ~50x decode's time per frame; a GPU analyses frames faster than one
    decoder makes them.
    """
    return min(4, max(1, cpu_threads() // 2)) if device.startswith("cuda") else 1


def decode_threads(device: str) -> int:
    """PyAV threads per decoder: one beside a CPU model, two per worker beside a GPU."""
    return 2 if device.startswith("cuda") else 1


def _ultralytics_device(device: str) -> str:
    """Ultralytics spells CUDA devices as indices ('0'), not 'cuda:0'."""
    if device == "cuda":
        return "0"
    return device.removeprefix("cuda:") if device.startswith("cuda:") else device


class PoseTracker:
    """YOLO pose detection plus ByteTrack, loaded once and run over batches of frames.

    Frames of one batch go through the model in a single forward pass; the tracker then sees
    each frame's detections in order, so tracks persist across batches (ultralytics'
    ``model.track`` on a list hides unconfirmed detections and counts its track buffer in
    frames, whatever the analysis rate; this class keeps them, with ``track_id=None``, and
    scales the buffer to :data:`TRACK_BUFFER_S`).

    Inference skips ultralytics' per-call predictor (its CPU letterbox and per-image Results
    take ~87% of its time on an H100): frames are letterboxed on the device, NMS'd in one call
    and copied back in one transfer per batch (2.1x the stock predict's frames/s there, same
    boxes within 1 px; bit-identical on CPU). :meth:`predict` keeps the stock path.

    Args:
        weights: Path of a ``.pt`` file, e.g. from :func:`.weights.resolve_weights`.
        device: Torch device; ``None`` picks CUDA when available.
        imgsz: Model input size (long side, multiple of 32).
        conf: Minimum score of a reported detection (tracks also use weaker ones).
        iou: NMS IoU threshold.
        batch_size: Frames per forward pass when the caller does not batch (``detect``).
        classes: Class ids to keep; ``None`` keeps all.
        half: FP16 inference; ``None`` means on for CUDA, off for CPU.
        max_det: Maximum detections per frame.
        backend: ``torch``, ``openvino`` (fp32) or ``openvino-int8`` (CPU only); ``auto``
            picks ``openvino-int8`` on CPU and ``torch`` on CUDA.
        openvino_model: Returns the OpenVINO model for an input size, building it on first
            use (:func:`.openvino_model.openvino_builder`); needed by the OpenVINO backends.
        motion_gate: Skips the detector on still, empty stretches in :meth:`track_batches`;
            ``None`` runs it on every frame.
    """

    def __init__(
        self,
        weights: str | os.PathLike[str],
        *,
        device: str | None = None,
        imgsz: int = DEFAULT_IMGSZ,
        conf: float = DEFAULT_CONF,
        iou: float = DEFAULT_IOU,
        batch_size: int | None = None,
        classes: Sequence[int] | None = PERSON_CLASSES,
        half: bool | None = None,
        max_det: int = 300,
        backend: str = "torch",
        openvino_model: ModelProvider | None = None,
        motion_gate: MotionGate | None = None,
    ) -> None:
        configure_ultralytics_offline()
        from ultralytics import YOLO

        path = Path(weights)
        if not path.is_file():
            raise FileNotFoundError(f"weights file {path} does not exist")
        self.device = resolve_device(device)
        self.is_cuda = self.device.startswith("cuda")
        self.half = self.is_cuda if half is None else bool(half and self.is_cuda)
        self.imgsz = imgsz
        self.conf = conf
        self.iou = iou
        self.batch_size = batch_size or DETECT_BATCH_SIZE["cuda" if self.is_cuda else "cpu"]
        self.classes = list(classes) if classes is not None else None
        self.max_det = max_det
        self.backend = resolve_backend(backend, self.device)
        if self.backend != "torch" and openvino_model is None:
            raise ValueError(f"backend {self.backend!r} needs an openvino_model provider")
        self._openvino_model = openvino_model
        self._runner: OpenVinoRunner | None = None
        self.motion_gate = motion_gate
        self.frames_detected = 0  # frames the model ran on since reset()
        self.frames_skipped = 0  # frames the motion gate let through without the model
        self._threads = configure_threads()
        self._torch_threads = torch_threads(self.device, self.backend, self._threads)
        # An absolute path: ultralytics only goes looking online for bare names it cannot find.
        self.model: YOLO = YOLO(str(path.resolve()))
        self.names: dict[int, str] = dict(self.model.names)
        self._tracker: BYTETracker | None = None
        self._backend: Any = None  # ultralytics AutoBackend, set up by the first stock predict
        self._input_hw: tuple[int, int] = (imgsz, imgsz)
        self._fixed_hw: tuple[int, int] = self._input_hw  # the OpenVINO model's input size
        self._stride = 32

    # -- model -----------------------------------------------------------------------------

    def predict(self, frames: Sequence[np.ndarray]) -> list[Results]:
        """Stock ultralytics predict on BGR frames in one batch; the reference for :meth:`infer`.

        Scores down to :data:`TRACK_LOW_THRESH` are kept for the tracker's second association.
        """
        if not frames:
            return []
        return self.model.predict(
            list(frames),
            imgsz=self.imgsz,
            conf=min(self.conf, TRACK_LOW_THRESH),
            iou=self.iou,
            classes=self.classes,
            device=_ultralytics_device(self.device),
            quantize=16 if self.half else None,
            max_det=self.max_det,
            batch=len(frames),
            verbose=False,
        )

    def detect(
        self,
        frames: Sequence[np.ndarray],
        frame_indices: Sequence[int] | None = None,
        timestamps_s: Sequence[float] | None = None,
    ) -> list[list[Detection]]:
        """Detect without tracking (``track_id`` is ``None``); one list per frame.

        Args:
            frames: BGR images (any sizes; same-size batches are fastest).
            frame_indices: Frame numbers to stamp on the detections (default 0, 1, ...).
            timestamps_s: Times to stamp (default 0.0).

        Returns:
            Detections scoring at least ``conf``, per frame, in input order.
        """
        out: list[list[Detection]] = []
        for start in range(0, len(frames), self.batch_size):
            chunk = frames[start : start + self.batch_size]
            for j, (boxes, kpts) in enumerate(self.infer(chunk)):
                i = start + j
                idx = frame_indices[i] if frame_indices is not None else i
                t = timestamps_s[i] if timestamps_s is not None else 0.0
                keep = np.flatnonzero(boxes[:, 4] >= self.conf)
                out.append([self._detection(idx, t, None, boxes, kpts, k) for k in keep])
        return out

    def infer(self, frames: Sequence[np.ndarray]) -> list[FrameOutput]:
        """Run the model on BGR frames, one forward pass per run of same-sized frames.

        Args:
            frames: BGR ``uint8`` images.

        Returns:
            Per frame, boxes ``[x1, y1, x2, y2, score, class]`` (float32, original pixels,
            scores down to :data:`TRACK_LOW_THRESH`) and keypoints ``(N, K, 3)`` or ``None``.
        """
        if not frames:
            return []
        if self._backend is None:
            self._setup(frames[0])
        import torch

        if torch.get_num_threads() != self._torch_threads:
            torch.set_num_threads(self._torch_threads)
        out: list[FrameOutput] = []
        start = 0
        while start < len(frames):
            end = start + 1
            while end < len(frames) and frames[end].shape == frames[start].shape:
                end += 1
            out.extend(self._infer_same_size(frames[start:end]))
            start = end
        return out

    def prepare(self, frame: np.ndarray) -> None:
        """Set the model up for frames like ``frame`` now (an OpenVINO build can take ~30 s)."""
        if self._backend is None:
            self._setup(frame)

    def _setup(self, frame: np.ndarray) -> None:
        """Build and warm the backend for frames like ``frame``, then keep it.

        torch: one stock predict sets up ultralytics' AutoBackend. OpenVINO: the model is
        fetched or built for this frame's letterboxed input size (fixed shapes run fastest).
        """
        from ultralytics.utils.checks import check_imgsz

        if self.backend == "torch":
            self.predict([frame])
            self._backend = self.model.predictor.model
            self._stride = int(max(np.atleast_1d(np.asarray(self._backend.stride))))
        else:
            net = self.model.model
            self._stride = int(max(np.atleast_1d(np.asarray(net.stride))))
            self._backend = SimpleNamespace(end2end=False, kpt_shape=tuple(net.kpt_shape))
        h, w = check_imgsz(self.imgsz, stride=self._stride, min_dim=2)
        self._input_hw = (int(h), int(w))
        if self.backend != "torch":
            assert self._openvino_model is not None
            uh, uw, top, bottom, left, right = self._geometry(*frame.shape[:2])
            self._fixed_hw = (uh + top + bottom, uw + left + right)
            xml = self._openvino_model(self._fixed_hw, self.preprocess)
            self._runner = OpenVinoRunner(xml, self._threads)

    def _geometry(
        self, h: int, w: int, target: tuple[int, int] | None = None
    ) -> tuple[int, int, int, int, int, int]:
        """Resized size and padding of ultralytics' LetterBox, rect (``target=None``) or fixed.

        Returns:
            ``(resized_h, resized_w, top, bottom, left, right)``.
        """
        new_h, new_w = target or self._input_hw
        r = min(new_h / h, new_w / w)
        uh, uw = max(round(h * r), 1), max(round(w * r), 1)
        if target is None:  # rect: pad only up to the next multiple of the stride
            dh, dw = ((new_h - uh) % self._stride) / 2, ((new_w - uw) % self._stride) / 2
        else:
            dh, dw = (new_h - uh) / 2, (new_w - uw) / 2
        top, bottom = round(dh - 0.1), round(dh + 0.1)
        left, right = round(dw - 0.1), round(dw + 0.1)
        return uh, uw, top, bottom, left, right

    def _letterbox_cpu(self, frame: np.ndarray, target: tuple[int, int] | None = None):
        """One BGR frame resized and padded with OpenCV, as ultralytics does on the CPU."""
        h, w = frame.shape[:2]
        uh, uw, top, bottom, left, right = self._geometry(h, w, target)
        if (uh, uw) != (h, w):
            frame = cv2.resize(frame, (uw, uh), interpolation=cv2.INTER_LINEAR)
        return cv2.copyMakeBorder(
            frame, top, bottom, left, right, cv2.BORDER_CONSTANT, value=(PAD_VALUE,) * 3
        )

    def preprocess(self, frame: np.ndarray) -> np.ndarray:
        """The OpenVINO model's input for one BGR frame: ``(1, 3, H, W)`` float32 RGB in [0, 1].

        Frames of another size than the first one are letterboxed into the same fixed shape.
        """
        boxed = self._letterbox_cpu(frame, self._fixed_hw)
        x = np.ascontiguousarray(boxed[:, :, ::-1].transpose(2, 0, 1)[None], dtype=np.float32)
        return np.multiply(x, 1 / 255.0, out=x)

    def _letterbox(self, frames: Sequence[np.ndarray]) -> torch.Tensor:
        """Resize and pad same-sized frames like ultralytics' LetterBox (rect, centred).

        On CUDA the raw frames are uploaded and resized there; on CPU OpenCV does it, as in
        ultralytics, since a float resize on the CPU is slower.
        """
        import torch
        import torch.nn.functional as F

        dtype = torch.float16 if self.half else torch.float32
        if self.is_cuda:
            h, w = frames[0].shape[:2]
            uh, uw, top, bottom, left, right = self._geometry(h, w)
            x = torch.from_numpy(np.stack(frames)).to(self.device, non_blocking=True)
            x = x.permute(0, 3, 1, 2).flip(1).to(dtype)  # BHWC BGR -> BCHW RGB
            if (uh, uw) != (h, w):
                x = F.interpolate(x, size=(uh, uw), mode="bilinear", align_corners=False)
            x = F.pad(x, (left, right, top, bottom), value=float(PAD_VALUE))
            return x.div_(255.0)
        boxed = [self._letterbox_cpu(f) for f in frames]
        x = torch.from_numpy(np.stack(boxed)).permute(0, 3, 1, 2).flip(1)
        return x.to(dtype).div_(255.0)

    def _forward(self, frames: Sequence[np.ndarray]) -> tuple[Any, tuple[int, int]]:
        """Raw predictions for same-sized frames and the input size they were made at."""
        import torch

        if self._runner is not None:
            preds = torch.from_numpy(self._runner.run(frames, self.preprocess))
            return preds, self._fixed_hw
        im = self._letterbox(frames)
        return self._backend(im), (int(im.shape[2]), int(im.shape[3]))

    def _infer_same_size(self, frames: Sequence[np.ndarray]) -> list[FrameOutput]:
        import torch
        from ultralytics.utils import nms, ops

        backend = self._backend
        with torch.inference_mode():
            preds, in_hw = self._forward(frames)
            per_image = nms.non_max_suppression(
                preds,
                min(self.conf, TRACK_LOW_THRESH),
                self.iou,
                self.classes,
                max_det=self.max_det,
                nc=len(self.names),
                end2end=getattr(backend, "end2end", False),
            )
            kpt_shape = getattr(backend, "kpt_shape", None)
            orig_shape = frames[0].shape
            rows = []
            for pred in per_image:
                pred = pred.float()
                parts = [
                    ops.scale_boxes(in_hw, pred[:, :4].clone(), orig_shape),
                    pred[:, 4:6],
                ]
                if kpt_shape is not None:
                    kpts = pred[:, 6:].reshape(len(pred), *kpt_shape).clone()
                    parts.append(ops.scale_coords(in_hw, kpts, orig_shape).flatten(1))
                rows.append(torch.cat(parts, dim=1))
            flat = torch.cat(rows).cpu().numpy()  # one device->host copy per batch
        out: list[FrameOutput] = []
        offset = 0
        for row in rows:
            part = flat[offset : offset + len(row)]
            offset += len(row)
            kpts = part[:, 6:].reshape(len(part), *kpt_shape) if kpt_shape is not None else None
            out.append((np.ascontiguousarray(part[:, :6]), kpts))
        return out

    # -- tracking --------------------------------------------------------------------------

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
        for frame_indices, timestamps_s, frames in _prefetch(batches, PREFETCH_BATCHES):
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
        self, frame_indices: Sequence[int], timestamps_s: Sequence[float], frames: Sequence[Any]
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

        boxes, kpts = output
        # The tracker reads conf/cls/xywh from a Boxes (ByteTrack ignores the image).
        tracks = self._tracker.update(Boxes(boxes, frame.shape[:2]), frame)
        # Rows are [x1, y1, x2, y2, track_id, score, cls, det_idx] for tracks updated this frame.
        track_of = {int(row[7]): int(row[4]) for row in tracks} if len(tracks) else {}
        return [
            self._detection(frame_idx, t_s, track_of.get(k), boxes, kpts, k)
            for k in range(len(boxes))
            if k in track_of or boxes[k, 4] >= self.conf
        ]

    def _detection(
        self,
        frame_idx: int,
        t_s: float,
        track_id: int | None,
        boxes: np.ndarray,
        kpts: np.ndarray | None,
        k: int,
    ) -> Detection:
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
            class_name=self.names.get(class_id, str(class_id)),
            score=round(score, 4),
            box=(round(x1, 2), round(y1, 2), round(x2, 2), round(y2, 2)),
            keypoints=keypoints,
        )


def _prefetch(items: Iterable[Any], depth: int) -> Iterator[Any]:
    """Iterate ``items`` on a background thread, ``depth`` ahead, so decoding overlaps the model.

    PyAV and OpenCV release the GIL while decoding and converting, so the two really overlap.
    Errors are re-raised here; leaving the loop early stops the thread.
    """
    if depth <= 0:
        yield from items
        return
    q: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("done", None))
        except BaseException as e:  # handed to the consumer, raised there
            put(("error", e))

    thread = threading.Thread(target=work, name="frame-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = q.get()
            if kind == "done":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join(timeout=5.0)
