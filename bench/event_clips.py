"""Cutting event clips: one decoding pass for all clips vs one decode per clip, and encoder threads.

Clips that overlap (a crowd, the people in it entering and crossing a line) share frames; the
one-pass cut decodes each of those frames once, and encodes the clips on one thread per core::

    python bench/event_clips.py --events 12 --seconds 40 --fps 10

Prints seconds per variant and the ratios (higher is better for the one-pass, threaded cut).
"""

from __future__ import annotations

import argparse
import time

from deepsentinel_pipelines.settings import SAMPLE_VIDEO as SAMPLE
from deepsentinel_pipelines.video.clips import ClipRequest, clip_window, render_clips
from deepsentinel_pipelines.video.types import Event


def no_detections(first: int, last: int) -> list:
    """Nothing drawn: the bench times decoding and encoding."""
    return []


def main() -> None:
    """Time both ways of cutting the same clips from the sample."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=12, help="events spread over the stretch")
    parser.add_argument("--seconds", type=float, default=40.0, help="stretch of the sample used")
    parser.add_argument("--fps", type=float, default=10.0, help="clip (analysis) frame rate")
    args = parser.parse_args()
    requests = []
    for i in range(args.events):
        start = args.seconds * i / args.events
        event = Event("enter", start, start + 1.0, i, "entrance", 1.0, f"person {i} entered")
        first, last = clip_window(start, start + 1.0, args.seconds)
        requests.append(ClipRequest(i, f"{i}.mp4", event, first, last))
    timings = {}
    started = time.perf_counter()
    one_pass = list(render_clips(SAMPLE, requests, no_detections, args.fps))
    timings["one pass"] = time.perf_counter() - started
    started = time.perf_counter()
    list(render_clips(SAMPLE, requests, no_detections, args.fps, workers=1))
    timings["one pass, 1 encoder thread"] = time.perf_counter() - started
    started = time.perf_counter()
    per_clip = [c for r in requests for c in render_clips(SAMPLE, [r], no_detections, args.fps)]
    timings["per clip"] = time.perf_counter() - started
    frames = sum(c.frames for c in one_pass)
    assert frames == sum(c.frames for c in per_clip)
    print(f"{len(requests)} clips, {frames} frames encoded, {args.seconds:.0f} s of video")
    for name, seconds in timings.items():
        print(f"{name:27s} {seconds:6.2f} s")
    print(f"one pass is {timings['per clip'] / timings['one pass']:.2f}x per-clip decoding")
    threads = timings["one pass, 1 encoder thread"] / timings["one pass"]
    print(f"encoding on every core is {threads:.2f}x one encoder thread")


if __name__ == "__main__":
    main()
