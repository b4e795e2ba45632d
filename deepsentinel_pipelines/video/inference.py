"""The pose model: BGR frames in, per-frame person boxes and 17-point keypoints out.

:class:`PoseModel` loads YOLO pose weights once and runs them on batches of frames with torch
or OpenVINO; :class:`.tracking.Tracker` turns its outputs into tracks.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np

from deepsentinel_pipelines.video.defaults import DEFAULT_IMGSZ
from deepsentinel_pipelines.video.openvino_model import (
    ModelProvider,
    OpenVinoRunner,
    resolve_backend,
)
from deepsentinel_pipelines.video.runtime import (
    configure_threads,
    configure_ultralytics_offline,
    resolve_device,
    torch_threads,
)
from deepsentinel_pipelines.video.tracking import (
    DEFAULT_CONF,
    TRACK_LOW_THRESH,
    FrameOutput,
    detection_at,
)
from deepsentinel_pipelines.video.types import Detection

if TYPE_CHECKING:
    import torch
    from ultralytics import YOLO
    from ultralytics.engine.results import Results

#: NMS IoU, ultralytics' default; crowds overlap, so stricter values merge neighbours.
DEFAULT_IOU = 0.7
#: Frames per forward pass in ``detect`` (a tracker passes the caller's batches): a CPU
#: gains nothing past ~4 frames, a GPU wants more (bench/detector_throughput.py).
DETECT_BATCH_SIZE = {"cpu": 4, "cuda": 16}
#: COCO class 0; the pose head only has people, a detect model would have 80 classes.
PERSON_CLASSES: tuple[int, ...] = (0,)
#: Letterbox padding grey, as in training.
PAD_VALUE = 114


def _ultralytics_device(device: str) -> str:
    """Ultralytics spells CUDA devices as indices ('0'), not 'cuda:0'."""
    if device == "cuda":
        return "0"
    return device.removeprefix("cuda:") if device.startswith("cuda:") else device


class PoseModel:
    """YOLO pose detection, loaded once and run over batches of frames.

    Inference skips ultralytics' per-call predictor (its CPU letterbox and per-image Results
    take ~87% of its time on an H100): frames are letterboxed on the device, NMS'd in one call
    and copied back in one transfer per batch (2.1x the stock predict's frames/s there, same
    boxes within 1 px; bit-identical on CPU). :meth:`predict` keeps the stock path.

    Args:
        weights: Path of a ``.pt`` file, e.g. from :func:`.weights.resolve_weights`.
        device: Torch device; ``None`` picks CUDA when available.
        imgsz: Model input size (long side, multiple of 32).
        conf: Minimum score of a detection :meth:`detect` reports (:meth:`infer` keeps
            scores down to :data:`.tracking.TRACK_LOW_THRESH` for the tracker).
        iou: NMS IoU threshold.
        batch_size: Frames per forward pass when the caller does not batch (``detect``).
        classes: Class ids to keep; ``None`` keeps all.
        half: FP16 inference; ``None`` means on for CUDA, off for CPU.
        max_det: Maximum detections per frame.
        backend: ``torch``, ``openvino`` (fp32) or ``openvino-int8`` (CPU only); ``auto``
            picks ``openvino-int8`` on CPU and ``torch`` on CUDA.
        openvino_model: Returns the OpenVINO model for an input size, building it on first
            use (:func:`.openvino_model.openvino_builder`); needed by the OpenVINO backends.
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
        self._threads = configure_threads()
        self._torch_threads = torch_threads(self.device, self.backend, self._threads)
        # An absolute path: ultralytics only goes looking online for bare names it cannot find.
        self.model: YOLO = YOLO(str(path.resolve()))
        self.names: dict[int, str] = dict(self.model.names)
        self._backend: Any = None  # ultralytics AutoBackend, set up by the first stock predict
        self._input_hw: tuple[int, int] = (imgsz, imgsz)
        self._fixed_hw: tuple[int, int] = self._input_hw  # the OpenVINO model's input size
        self._stride = 32

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
            for j, output in enumerate(self.infer(chunk)):
                i = start + j
                idx = frame_indices[i] if frame_indices is not None else i
                t = timestamps_s[i] if timestamps_s is not None else 0.0
                keep = np.flatnonzero(output[0][:, 4] >= self.conf)
                out.append([detection_at(idx, t, None, output, k, self.names) for k in keep])
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
