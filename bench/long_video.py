"""Long footage: each step's wall time, frames/s and peak memory on an N-minute video.

Builds an N-minute video by looping the bundled sample (its H.264 packets remuxed with shifted
timestamps, never re-encoded; cached beside the other caches), then analyses it exactly as
``deepsentinel process FILE --camera plaza --json`` does, in a child process whose resident
memory (with its children's) is sampled every 0.2 s. Each sample is counted to the step the
progress lines on the child's stderr say is running::

    python bench/long_video.py --minutes 5.3
    python bench/long_video.py --minutes 1.3 5.3 10.6 60   # one run each, one table

Prints one row per step: wall time, frames/s where the step goes through frames, peak RSS.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import av
import psutil

from deepsentinel_pipelines.settings import REPO_ROOT, SAMPLE_VIDEO, load_settings

SAMPLE_S = 79.5
STEP_LINE = re.compile(r"running (\w+)")
SAMPLE_EVERY_S = 0.2


def loop_video(dest: Path, minutes: float, src: Path = SAMPLE_VIDEO) -> Path:
    """Write ``src`` looped to at least ``minutes`` of video, cut on a keyframe; return ``dest``.

    Packets are copied with their timestamps shifted by one source duration per loop, so every
    frame, and every person in it, repeats exactly; nothing is decoded or encoded.
    """
    wanted_s = minutes * 60.0
    tmp = dest.with_suffix(".part.mp4")
    with av.open(str(src)) as first:
        stream = first.streams.video[0]
        tb = stream.time_base
        loop_ticks = round(SAMPLE_S / tb)
    with av.open(str(tmp), "w") as out:
        out_stream = None
        loop = 0
        done = False
        while not done:
            with av.open(str(src)) as inp:
                in_stream = inp.streams.video[0]
                if out_stream is None:
                    out_stream = out.add_stream_from_template(in_stream)
                for packet in inp.demux(in_stream):
                    if packet.dts is None:
                        continue
                    shift = loop * loop_ticks
                    t = float((packet.pts + shift) * tb)
                    if packet.is_keyframe and t >= wanted_s:
                        done = True
                        break
                    packet.pts += shift
                    packet.dts += shift
                    packet.stream = out_stream
                    out.mux(packet)
            loop += 1
    tmp.replace(dest)
    return dest


def cached_long_video(minutes: float) -> Path:
    """The N-minute looped sample, built once under ``$DEEPSENTINEL_HOME/cache/bench``."""
    folder = load_settings().home / "cache" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"plaza_{minutes:g}min.mp4"
    if not dest.exists():
        loop_video(dest, minutes)
    return dest


def _tree_rss(proc: psutil.Process) -> int:
    """Resident bytes of a process and all its descendants."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def run_process(path: Path, camera: str) -> dict:
    """Analyse ``path`` in a child ``deepsentinel process``; its report with per-step peaks."""
    cmd = [
        str(REPO_ROOT / ".venv" / "bin" / "deepsentinel"),
        "process",
        str(path),
        "--camera",
        camera,
        "--key",
        f"bench/{path.name}",
        "--json",
    ]
    started = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc = psutil.Process(child.pid)
    step = ["start-up"]
    peaks: dict[str, int] = {}
    lines: list[str] = []

    def read_stderr() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            lines.append(line)
            match = STEP_LINE.search(line)
            if match:
                step[0] = match.group(1)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    while child.poll() is None:
        rss = _tree_rss(proc)
        peaks[step[0]] = max(peaks.get(step[0], 0), rss)
        time.sleep(SAMPLE_EVERY_S)
    out = child.stdout.read() if child.stdout else ""
    reader.join()
    wall_s = time.perf_counter() - started
    if child.returncode != 0:
        sys.stderr.write("".join(lines[-40:]))
        raise SystemExit(f"deepsentinel process failed with exit code {child.returncode}")
    report = json.loads(out)
    return {"report": report, "peaks": peaks, "wall_s": wall_s}


def _frames_steps(report: dict) -> dict[str, float]:
    """Frames each frame-walking step went through (for its frames/s)."""
    return {"detections": report["frames_analyzed"], "occupancy": report["frames_analyzed"]}


def print_table(minutes: float, path: Path, result: dict) -> None:
    """One row per step: seconds, frames/s, peak memory; then the whole run."""
    report, peaks = result["report"], result["peaks"]
    timings = report["timings_s"]
    frames = _frames_steps(report)
    with av.open(str(path)) as container:
        length_s = container.duration / av.time_base
    print(
        f"\n{minutes:g} min video ({length_s / 60:.2f} min, {report['frames_analyzed']} frames "
        f"analysed, {report['people_tracked']} people, {sum(report['events'].values())} events, "
        f"{len(report['clips'])} clips)"
    )
    print(f"{'step':22s} {'wall s':>9s} {'frames/s':>9s} {'peak RSS':>10s}")
    for name, seconds in timings.items():
        rate = f"{frames[name] / seconds:9.2f}" if name in frames and seconds else f"{'':9s}"
        peak = peaks.get(name)
        shown = f"{peak / 2**30:8.2f} G" if peak else f"{'-':>10s}"
        print(f"{name:22s} {seconds:9.1f} {rate} {shown}")
    whole = max(peaks.values()) if peaks else 0
    print(f"{'whole run':22s} {result['wall_s']:9.1f} {'':9s} {whole / 2**30:8.2f} G")


def main() -> None:
    """Build each length once, analyse it, print its table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, nargs="+", default=[5.3])
    parser.add_argument("--camera", default="plaza")
    args = parser.parse_args()
    os.chdir(REPO_ROOT)
    for minutes in args.minutes:
        if minutes <= 0 or not math.isfinite(minutes):
            raise SystemExit(f"--minutes must be positive, got {minutes}")
        path = cached_long_video(minutes)
        print_table(minutes, path, run_process(path, args.camera))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
