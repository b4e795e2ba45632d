"""Where the detector's time goes: decode vs bare forward vs ultralytics predict vs our pipeline.

All stages run in one process on the same decoded frames, so the figures compare directly::

    python bench/detector_throughput.py --device cpu --imgsz 640 --batch 4 --seconds 10
    python bench/detector_throughput.py --device cuda --imgsz 640,960 --batch 32 --seconds 60
    python bench/detector_throughput.py --imgsz 640 --seconds 20 --track-fps 10,5,2.5

Stages (frames/s, higher is better):
  decode    PyAV decode + sampling + BGR conversion of the stretch (no model).
  forward   torch forward of already-preprocessed batches (no letterbox, no NMS).
  predict   stock ultralytics predict (CPU letterbox, forward, NMS, per-image Results).
  infer     ``PoseTracker.infer``: our letterbox (on the GPU there), forward, batched NMS.
  pipeline  ``PoseTracker.track_batches`` on frames in memory (infer + ByteTrack + Detection).
  e2e       decode (on a prefetch thread) + pipeline, what an asset sees.
CUDA timings synchronise the device before reading the clock.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from deepsentinel_pipelines.video.decode import FrameBatch, iter_frame_batches
from deepsentinel_pipelines.video.detector import (
    DEFAULT_CONF,
    PoseTracker,
    configure_ultralytics_offline,
    resolve_device,
)
from deepsentinel_pipelines.video.weights import DEFAULT_WEIGHTS, resolve_weights

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "deepsentinel_pipelines" / "data" / "sample_plaza.mp4"


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        import torch

        torch.cuda.synchronize()


def _timed(device: str, fn) -> float:
    _sync(device)
    t = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - t


def decode(video: Path, start: float, seconds: float, fps: float | None, batch: int):
    batches = iter_frame_batches(video, fps, batch, start_s=start, end_s=start + seconds)
    t = time.perf_counter()
    out = list(batches)
    return out, time.perf_counter() - t, batches.fps_analysed


def bench_imgsz(args, weights: Path, batches: list[FrameBatch], fps: float, t_decode: float):
    import torch

    n = sum(len(b.frames) for b in batches)
    pt = PoseTracker(weights, device=args.device, imgsz=args.imgsz_one, batch_size=args.batch)
    # Warm-up at every batch shape (a short last batch is a new shape): model setup, first-call
    # kernel loads and allocations cost seconds on CUDA and would swamp a 10 s stretch.
    for b in {len(b.frames): b for b in batches}.values():
        pt.predict(b.frames)
        pt.infer(b.frames)
    predictor = pt.model.predictor
    tensors = [predictor.preprocess(b.frames) for b in batches]
    _sync(pt.device)

    def forward():
        with torch.inference_mode():
            for im in tensors:
                predictor.model(im)

    forward()  # warm-up at every batch shape
    t_forward = _timed(pt.device, forward)
    tensors.clear()

    people = []

    def predict():
        for b in batches:
            for r in pt.predict(b.frames):
                people.append(int((r.boxes.conf >= DEFAULT_CONF).sum()))

    t_predict = _timed(pt.device, predict)

    def infer():
        for b in batches:
            pt.infer(b.frames)

    t_infer = _timed(pt.device, infer)

    dets = []
    t_pipeline = _timed(pt.device, lambda: dets.extend(pt.track_batches(batches, fps_analysed=fps)))

    def e2e():
        stop = args.start + args.seconds
        fresh = iter_frame_batches(
            args.video, args.fps_analysed, args.batch, start_s=args.start, end_s=stop
        )
        for _ in pt.track_batches(fresh):
            pass

    t_e2e = _timed(pt.device, e2e)
    shape = tuple(predictor.preprocess(batches[0].frames[:1]).shape[2:])
    return {
        "imgsz": args.imgsz_one,
        "input": f"{shape[1]}x{shape[0]}",
        "frames": n,
        "people/frame": statistics.fmean(people) if people else 0.0,
        "decode": n / t_decode,
        "forward": n / t_forward,
        "predict": n / t_predict,
        "infer": n / t_infer,
        "pipeline": n / t_pipeline,
        "e2e": n / t_e2e,
    }


def track_quality(args, weights: Path, rates: list[float]) -> None:
    pt = PoseTracker(weights, device=args.device, imgsz=args.imgsz[0], batch_size=args.batch)
    print(f"\ntracking quality, imgsz {args.imgsz[0]}, {args.seconds:g} s from {args.start:g} s")
    print(
        f"{'fps':>5} {'frames':>6} {'dets/fr':>7} {'ids':>4} {'id-less%':>8} "
        f"{'track s med':>11} {'tracks>=2s':>10} {'model s':>7}"
    )
    for rate in rates:
        batches = iter_frame_batches(
            args.video, rate, args.batch, start_s=args.start, end_s=args.start + args.seconds
        )
        t = time.perf_counter()
        frames = list(pt.track_batches(batches))
        elapsed = time.perf_counter() - t
        dets = [d for f in frames for d in f]
        spans: dict[int, list[float]] = defaultdict(list)
        for d in dets:
            if d.track_id is not None:
                spans[d.track_id].append(d.t_s)
        lengths = [max(ts) - min(ts) for ts in spans.values()]
        idless = sum(d.track_id is None for d in dets) / max(1, len(dets))
        print(
            f"{batches.fps_analysed:5.2f} {len(frames):6d} {len(dets) / max(1, len(frames)):7.2f} "
            f"{len(spans):4d} {100 * idless:8.1f} "
            f"{statistics.median(lengths) if lengths else 0:11.1f} "
            f"{sum(x >= 2.0 for x in lengths):10d} {elapsed:7.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default: auto)")
    parser.add_argument("--imgsz", default="640", help="one size or a comma list: 640,960,1280")
    parser.add_argument("--batch", type=int, default=None, help="frames per forward pass")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of the stretch")
    parser.add_argument("--start", type=float, default=20.0, help="where the stretch starts (s)")
    parser.add_argument("--fps-analysed", type=float, default=None, help="default: every frame")
    parser.add_argument("--video", type=Path, default=SAMPLE)
    parser.add_argument("--weights", default=DEFAULT_WEIGHTS)
    parser.add_argument("--track-fps", default="", help="also compare tracking at these rates")
    args = parser.parse_args()
    configure_ultralytics_offline()
    import torch

    args.device = resolve_device(args.device)
    args.imgsz = [int(x) for x in args.imgsz.split(",")]
    args.batch = args.batch or (32 if args.device.startswith("cuda") else 4)
    weights = resolve_weights(args.weights, REPO / ".deepsentinel" / "weights")
    gpu = torch.cuda.get_device_name() if args.device.startswith("cuda") else "-"
    print(
        f"torch {torch.__version__}, device {args.device} ({gpu}), threads "
        f"{torch.get_num_threads()}, batch {args.batch}, video {args.video.name} "
        f"{args.start:g}-{args.start + args.seconds:g} s"
    )

    batches, t_decode, fps = decode(
        args.video, args.start, args.seconds, args.fps_analysed, args.batch
    )
    cols = ["imgsz", "input", "frames", "people/frame", "decode", "forward", "predict", "infer"]
    cols += ["pipeline", "e2e"]
    print(" ".join(f"{c:>12}" for c in cols))
    rows = []
    for size in args.imgsz:
        args.imgsz_one = size
        row = bench_imgsz(args, weights, batches, fps, t_decode)
        rows.append(row)
        print(
            " ".join(
                f"{row[c]:>12.2f}" if isinstance(row[c], float) else f"{row[c]:>12}" for c in cols
            )
        )
    for row in rows:
        print(
            f"imgsz {row['imgsz']}: forward/decode {row['forward'] / row['decode']:.3f}, "
            f"predict/forward {row['predict'] / row['forward']:.2f}, "
            f"infer/forward {row['infer'] / row['forward']:.2f}, "
            f"infer/predict {row['infer'] / row['predict']:.2f}, "
            f"pipeline/infer {row['pipeline'] / row['infer']:.2f}, "
            f"pipeline/forward {row['pipeline'] / row['forward']:.2f}, "
            f"e2e/pipeline {row['e2e'] / row['pipeline']:.2f}"
        )
    if args.track_fps:
        track_quality(args, weights, [float(x) for x in args.track_fps.split(",")])


if __name__ == "__main__":
    main()
