"""Where the detector's time goes: decode, torch, ultralytics, OpenVINO fp32/INT8, our pipeline.

All stages run in one process on the same decoded frames, so the figures compare directly::

    python bench/detector_throughput.py --device cpu --imgsz 1280 --seconds 4
    python bench/detector_throughput.py --device cpu --imgsz 1280 --seconds 79.5 --start 0
    python bench/detector_throughput.py --device cuda --imgsz 640,960 --batch 32 --seconds 60
    python bench/detector_throughput.py --imgsz 640 --seconds 20 --track-fps 10,5,2.5

Stages (frames/s, higher is better):
  decode    PyAV decode + sampling + BGR conversion of the stretch (no model).
  forward   torch forward of already-preprocessed batches (no letterbox, no NMS).
  predict   stock ultralytics predict (CPU letterbox, forward, NMS, per-image Results).
  ov-fp32   OpenVINO fp32 build, bare inference on letterboxed frames (CPU only).
  ov-int8   OpenVINO INT8 (NNCF) build, bare inference on letterboxed frames (CPU only).
  infer     ``PoseModel.infer`` on the chosen ``--backend``: letterbox, model, batched NMS.
  pipeline  ``Tracker.track_batches`` on frames in memory (infer + ByteTrack + Detection).
  e2e       what the ``detections`` asset does: decode (one thread, on a prefetch thread) +
            pipeline with the motion gate, on the chosen backend.
OpenVINO builds come from the same cache as the asset (built on first use, ~1 min on 2 cores).
CUDA timings synchronise the device before reading the clock.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from deepsentinel_pipelines.ingest.video_cache import cache_root
from deepsentinel_pipelines.video.decode import FrameBatch, iter_frame_batches
from deepsentinel_pipelines.video.inference import PoseModel
from deepsentinel_pipelines.video.motion import MotionGate
from deepsentinel_pipelines.video.openvino_model import (
    ModelCache,
    openvino_builder,
    resolve_backend,
)
from deepsentinel_pipelines.video.runtime import (
    configure_ultralytics_offline,
    decode_threads,
    decode_workers,
    resolve_device,
)
from deepsentinel_pipelines.video.tracking import DEFAULT_CONF, Tracker
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


def decode(args):
    """Decode the stretch as the asset does on this device (threads, parallel stretches)."""
    batches = iter_frame_batches(
        args.video,
        args.fps_analysed,
        args.batch,
        start_s=args.start,
        end_s=args.start + args.seconds,
        threads=decode_threads(args.device),
        workers=decode_workers(args.device),
    )
    t = time.perf_counter()
    out = list(batches)
    return out, time.perf_counter() - t, batches.fps_analysed


def _model(args, weights: Path, backend: str) -> PoseModel:
    provider = None
    if backend != "torch":
        cache = ModelCache(cache_root() / "weights")
        provider = openvino_builder(weights, backend, cache, args.video)
    return PoseModel(
        weights,
        device=args.device,
        imgsz=args.imgsz_one,
        batch_size=args.batch,
        backend=backend,
        openvino_model=provider,
    )


def _bare_openvino(pt: PoseModel, batches: list[FrameBatch]) -> float:
    """Seconds of bare OpenVINO inference on letterboxed frames (built and warmed first)."""
    pt.infer(batches[0].frames[:1])
    assert pt._runner is not None
    inputs = [pt.preprocess(f) for b in batches for f in b.frames]
    request = pt._runner.compiled.create_infer_request()
    request.infer({0: inputs[0]})
    t = time.perf_counter()
    for x in inputs:
        request.infer({0: x})
    return time.perf_counter() - t


def bench_imgsz(args, weights: Path, batches: list[FrameBatch], fps: float, t_decode: float):
    import torch

    n = sum(len(b.frames) for b in batches)
    row = {"imgsz": args.imgsz_one, "frames": n, "decode": n / t_decode}
    on_cpu = not args.device.startswith("cuda")
    pt = _model(args, weights, "torch")
    people = []
    if "torch" not in args.skip:
        # Warm-up at every batch shape (a short last batch is a new shape): model setup,
        # first-call kernel loads and allocations cost seconds on CUDA.
        for b in {len(b.frames): b for b in batches}.values():
            pt.predict(b.frames)
        predictor = pt.model.predictor
        tensors = [predictor.preprocess(b.frames) for b in batches]
        shape = tuple(tensors[0].shape[2:])
        row["input"] = f"{shape[1]}x{shape[0]}"

        def forward():
            with torch.inference_mode():
                for im in tensors:
                    predictor.model(im)

        forward()  # warm-up at every batch shape
        row["forward"] = n / _timed(pt.device, forward)
        tensors.clear()

        def predict():
            for b in batches:
                for r in pt.predict(b.frames):
                    people.append(int((r.boxes.conf >= DEFAULT_CONF).sum()))

        row["predict"] = n / _timed(pt.device, predict)
    if on_cpu and "openvino" not in args.skip:
        for backend, col in (("openvino", "ov-fp32"), ("openvino-int8", "ov-int8")):
            row[col] = n / _bare_openvino(_model(args, weights, backend), batches)

    ours = pt if args.backend == "torch" else _model(args, weights, args.backend)
    ours.infer(batches[0].frames)  # build / warm
    detected = []
    row["infer"] = n / _timed(
        ours.device, lambda: [detected.extend(ours.infer(b.frames)) for b in batches]
    )
    found = []
    t_pipeline = _timed(
        ours.device,
        lambda: found.extend(
            Tracker(ours.infer, ours.names).track_batches(batches, fps_analysed=fps)
        ),
    )
    row["pipeline"] = n / t_pipeline
    # Detector output at the threshold, comparable with torch's predict; the tracker also
    # keeps weaker boxes that continue a track, so tracked/frame runs a little higher.
    row["people/frame"] = statistics.fmean(
        int((boxes[:, 4] >= DEFAULT_CONF).sum()) for boxes, _ in detected
    )
    row["tracked/frame"] = statistics.fmean(len(f) for f in found) if found else 0.0
    if people:
        row["torch people/frame"] = statistics.fmean(people)

    gated_model = _model(args, weights, args.backend)
    gated_model.infer(batches[0].frames)
    gated = Tracker(gated_model.infer, gated_model.names, motion_gate=MotionGate())

    def e2e():
        stop = args.start + args.seconds
        fresh = iter_frame_batches(
            args.video,
            args.fps_analysed,
            args.batch,
            start_s=args.start,
            end_s=stop,
            threads=decode_threads(gated_model.device),
            workers=decode_workers(gated_model.device),
        )
        for _ in gated.track_batches(fresh):
            pass

    row["e2e"] = n / _timed(gated_model.device, e2e)
    row["skipped"] = gated.frames_skipped
    return row


def track_quality(args, weights: Path, rates: list[float]) -> None:
    model = PoseModel(weights, device=args.device, imgsz=args.imgsz[0], batch_size=args.batch)
    pt = Tracker(model.infer, model.names)
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
    parser.add_argument("--imgsz", default="1280", help="one size or a comma list: 640,960,1280")
    parser.add_argument("--backend", default="auto", help="backend of infer/pipeline/e2e")
    parser.add_argument(
        "--skip", default="", help="comma list of column groups to leave out: torch,openvino"
    )
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
    args.backend = resolve_backend(args.backend, args.device)
    args.skip = {x for x in args.skip.split(",") if x}
    weights = resolve_weights(args.weights, cache_root() / "weights")
    gpu = torch.cuda.get_device_name() if args.device.startswith("cuda") else "-"
    print(
        f"torch {torch.__version__}, device {args.device} ({gpu}), threads "
        f"{torch.get_num_threads()}, backend {args.backend}, batch {args.batch}, "
        f"video {args.video.name} "
        f"{args.start:g}-{args.start + args.seconds:g} s"
    )

    batches, t_decode, fps = decode(args)
    stages = ["decode", "forward", "predict", "ov-fp32", "ov-int8", "infer", "pipeline", "e2e"]
    cols = ["imgsz", "input", "frames", "torch people/frame", "people/frame", "tracked/frame"]
    cols += ["skipped", *stages]
    rows = []
    for size in args.imgsz:
        args.imgsz_one = size
        rows.append(bench_imgsz(args, weights, batches, fps, t_decode))
    print(" ".join(f"{c:>18}" for c in cols))
    for row in rows:
        cells = [row.get(c, "-") for c in cols]
        print(" ".join(f"{v:>18.2f}" if isinstance(v, float) else f"{v:>18}" for v in cells))
    for row in rows:
        if "predict" in row:
            ratios = ", ".join(
                f"{c}/predict {row[c] / row['predict']:.2f}" for c in stages if c in row
            )
            print(f"imgsz {row['imgsz']}: {ratios}")
        if "torch people/frame" in row:
            ours, ref = row["people/frame"], row["torch people/frame"]
            print(
                f"imgsz {row['imgsz']}: people/frame {args.backend} {ours:.3f} vs torch {ref:.3f}"
                f" ({100 * (ours / ref - 1) if ref else 0:+.1f}%)"
            )
    if args.track_fps:
        track_quality(args, weights, [float(x) for x in args.track_fps.split(",")])


if __name__ == "__main__":
    main()
