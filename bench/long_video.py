"""Long footage: each step's wall time, frames/s and peak memory on an N-minute video.

Builds an N-minute video by looping the bundled sample (its H.264 packets remuxed with shifted
timestamps, never re-encoded; cached under ``$DEEPSENTINEL_HOME/cache/bench``), then analyses it
exactly as ``deepsentinel process FILE --camera plaza --json`` does, in a child process whose
resident memory is sampled every 0.2 s (the embedded services it may start are not counted).
Each sample is counted to the step the child's progress lines say is running::

    python bench/long_video.py --minutes 1.3 5.3 10.6 60   # one analysis each, one table each
    python bench/long_video.py --minutes 5.3 --kill-at 0.7  # kill -9 at 70 % of detections,
                                                            # run again: the retry resumes

Per step: wall time (from the run), frames/s (``detections``: frames over the time after the
model loaded, as its metadata says), the peak RSS sampled from outside and the step's own peak
(``peak_memory_mib`` in its metadata). Run it on a quiet machine: figures are side by side.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import av
import psutil

from deepsentinel_pipelines.settings import REPO_ROOT, SAMPLE_VIDEO, load_settings

SAMPLE_S = 79.5
STEP_LINE = re.compile(r"running (\w+)")
PROGRESS_LINE = re.compile(r"(\w+) \[[#.]+\] (\d+)%")
SAMPLE_EVERY_S = 0.2
#: Processes of the embedded services, which a first `process` may start as its children.
SERVICES = ("hypercorn", "ministack", "postgres")


def loop_video(dest: Path, minutes: float, src: Path = SAMPLE_VIDEO) -> Path:
    """Write ``src`` looped to at least ``minutes`` of video, cut on a keyframe; return ``dest``.

    Packets are copied with their timestamps shifted by one source duration per loop, so every
    frame, and every person in it, repeats exactly; nothing is decoded or encoded.
    """
    wanted_s = minutes * 60.0
    tmp = dest.with_suffix(".part.mp4")
    with av.open(str(src)) as first:
        tb = first.streams.video[0].time_base
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
                    if packet.is_keyframe and float((packet.pts + shift) * tb) >= wanted_s:
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


def _rss(proc: psutil.Process) -> int:
    """Resident bytes of the analysis: the process and its children, services left out."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            if not any(name in " ".join(p.cmdline()) for name in SERVICES):
                total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


class Analysis:
    """One ``deepsentinel process`` of a file, watched: per-step peaks and progress."""

    def __init__(self, path: Path, camera: str) -> None:
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
        self.started = time.perf_counter()
        # The JSON report of an hour's video is larger than a pipe holds: a file, read at the end.
        self._report = tempfile.TemporaryFile(mode="w+")
        self.child = subprocess.Popen(cmd, stdout=self._report, stderr=subprocess.PIPE, text=True)
        self.step = "start-up"
        self.percent: dict[str, int] = {}
        self.peaks: dict[str, int] = {}
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read_stderr, daemon=True)
        self._reader.start()

    def _read_stderr(self) -> None:
        assert self.child.stderr is not None
        for line in self.child.stderr:
            self.lines.append(line)
            if match := STEP_LINE.search(line):
                self.step = match.group(1)
            if match := PROGRESS_LINE.search(line):
                self.percent[match.group(1)] = int(match.group(2))

    def watch(self, until: Callable[[Analysis], bool] = lambda a: False) -> bool:
        """Sample memory until the process ends (True) or ``until(self)`` holds (False)."""
        proc = psutil.Process(self.child.pid)
        while self.child.poll() is None:
            if until(self):
                return False
            try:
                rss = _rss(proc)
            except psutil.Error:
                continue
            self.peaks[self.step] = max(self.peaks.get(self.step, 0), rss)
            time.sleep(SAMPLE_EVERY_S)
        return True

    def kill(self) -> None:
        """kill -9, as a preempted node or the kernel's OOM killer would."""
        os.kill(self.child.pid, signal.SIGKILL)
        self.child.wait()

    def report(self) -> dict:
        """The JSON report of a finished analysis."""
        self._report.seek(0)
        out = self._report.read()
        self._reader.join()
        if self.child.returncode != 0:
            sys.stderr.write("".join(self.lines[-40:]))
            raise SystemExit(f"deepsentinel process failed with exit code {self.child.returncode}")
        return json.loads(out)

    @property
    def wall_s(self) -> float:
        """Seconds since the process started."""
        return time.perf_counter() - self.started


def step_metadata(run_id: str) -> dict[str, dict]:
    """Each step's materialization metadata in the run (the services are up: `process` ran)."""
    from dagster import DagsterEventType, DagsterInstance

    from deepsentinel_pipelines.cli.services import bring_up

    bring_up(load_settings())
    records = DagsterInstance.get().get_records_for_run(
        run_id, of_type=DagsterEventType.ASSET_MATERIALIZATION, limit=1000
    )
    found = {}
    for r in records.records:
        m = r.event_log_entry.asset_materialization
        found[m.asset_key.to_user_string()] = {k: v.value for k, v in m.metadata.items()}
    return found


def print_table(title: str, report: dict, peaks: dict[str, int], wall_s: float) -> None:
    """One row per step: seconds, frames/s, peak memory sampled outside and by the step."""
    timings = report["timings_s"]
    metadata = step_metadata(report["run_id"])
    print(
        f"\n{title}: {report['duration_s'] / 60:.2f} min, {report['frames_analyzed']} frames "
        f"analysed, {report['people_tracked']} people, {sum(report['events'].values())} events, "
        f"{len(report['clips'])} clips"
    )
    print(f"{'step':18s} {'wall s':>8s} {'frames/s':>9s} {'peak RSS':>9s} {'step peak':>10s}")
    for name, seconds in timings.items():
        meta = metadata.get(name, {})
        rate = meta.get("frames_per_s")
        if rate is None and name == "occupancy" and seconds:
            rate = report["frames_analyzed"] / seconds
        shown_rate = f"{rate:9.2f}" if rate else f"{'':9s}"
        outside = f"{peaks[name] / 2**30:7.2f} G" if peaks.get(name) else f"{'-':>9s}"
        inside = meta.get("peak_memory_mib")
        own = f"{inside / 1024:8.2f} G" if inside else f"{'-':>10s}"
        print(f"{name:18s} {seconds:8.1f} {shown_rate} {outside} {own}")
    whole = max(peaks.values()) if peaks else 0
    print(f"{'whole run':18s} {wall_s:8.1f} {'':9s} {whole / 2**30:7.2f} G")
    sys.stdout.flush()


#: Steps measured alone, each in a process of its own, as each runs in a pod on Kubernetes.
STEP_PODS = (
    "thumbnail",
    "detections",
    "events",
    "occupancy",
    "highlights",
    "event_clips",
    "embeddings",
    "video_summary",
)
#: Clips are kept when already cut; a slightly shorter tail makes the step cut them all again.
OPS_CONFIG = {"event_clips": {"event_clips": {"config": {"after_s": 2.9}}}}
QUIET = {"console": {"config": {"log_level": "WARNING"}}}


def step_alone(video_id: str, step: str) -> int:
    """Peak RSS of one step materialized alone, in a fresh process, on the current analysis."""
    code = (
        "from dagster import AssetKey, DagsterInstance\n"
        "from deepsentinel_pipelines.definitions import defs\n"
        "job = defs.resolve_job_def('video_analysis_job')\n"
        f"job.execute_in_process(instance=DagsterInstance.get(), partition_key={video_id!r},\n"
        f"    asset_selection=[AssetKey({step!r})],\n"
        f"    run_config={{'loggers': {QUIET!r}, 'ops': {OPS_CONFIG.get(step, {})!r}}})\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], cwd=REPO_ROOT)
    proc = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            peak = max(peak, _rss(proc))
        except psutil.Error:
            pass
        time.sleep(SAMPLE_EVERY_S)
    if child.returncode != 0:
        raise SystemExit(f"{step} alone failed with exit code {child.returncode}")
    return peak


def print_step_pods(video_id: str, steps: tuple[str, ...] = STEP_PODS) -> None:
    """Each step's peak in a process of its own: what its pod needs."""
    print(f"\nsteps alone on {video_id} (a process each, as on Kubernetes):")
    for step in steps:
        print(f"{step:18s} {step_alone(video_id, step) / 2**30:7.2f} G")
        sys.stdout.flush()


def kill_and_resume(path: Path, camera: str, at: float) -> None:
    """Analyse once whole, once killed at ``at`` of detections and once more; compare."""
    whole = Analysis(path, camera)
    whole.watch()
    clean = whole.report()
    print_table(f"{path.name}, uninterrupted", clean, whole.peaks, whole.wall_s)
    killed = Analysis(path, camera)
    finished = killed.watch(until=lambda a: a.percent.get("detections", 0) >= 100 * at)
    if finished:
        raise SystemExit("detections finished before the kill")
    killed_after_s = killed.wall_s
    killed.kill()
    retry = Analysis(path, camera)
    retry.watch()
    resumed = retry.report()
    detections = step_metadata(resumed["run_id"])["detections"]
    full_s, retry_s = clean["timings_s"]["detections"], resumed["timings_s"]["detections"]
    print(
        f"\nkill -9 at {killed.percent.get('detections')} % of detections "
        f"({killed_after_s:.0f} s into the run); the retry resumed at frame "
        f"{detections['resumed_at_frame']} ({detections['chunks']} chunks in all)"
    )
    print(f"detections uninterrupted {full_s:.1f} s, retry {retry_s:.1f} s: {retry_s / full_s:.0%}")
    same = {k: (clean[k], resumed[k]) for k in ("frames_analyzed", "people_tracked", "events")}
    for name, (a, b) in same.items():
        print(f"{name:16s} uninterrupted {a}  resumed {b}")


def main() -> None:
    """Build each length once, analyse it, print its table (or the kill-and-resume figure)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--minutes", type=float, nargs="+", default=[5.3])
    parser.add_argument("--camera", default="plaza")
    parser.add_argument("--kill-at", type=float, help="fraction of detections to kill -9 at")
    parser.add_argument(
        "--per-step",
        nargs="*",
        choices=STEP_PODS,
        help="then run these steps (default: all) alone, each in its own process",
    )
    args = parser.parse_args()
    os.chdir(REPO_ROOT)
    for minutes in args.minutes:
        if minutes <= 0 or not math.isfinite(minutes):
            raise SystemExit(f"--minutes must be positive, got {minutes}")
        path = cached_long_video(minutes)
        if args.kill_at is not None:
            kill_and_resume(path, args.camera, args.kill_at)
            continue
        analysis = Analysis(path, args.camera)
        analysis.watch()
        report = analysis.report()
        print_table(f"{minutes:g} min video", report, analysis.peaks, analysis.wall_s)
        if args.per_step is not None:
            print_step_pods(report["video_id"], tuple(args.per_step) or STEP_PODS)


if __name__ == "__main__":
    main()
