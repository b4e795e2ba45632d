"""What running `deepsentinel process`'s analysis as a run of the code location costs.

Side by side, alternately, on the same video partition: the way `process` ran its analysis
before (``execute_in_process``: an ad-hoc run the UI lists under no code location) and the way
it runs it now (a run created from the code location's job, with the workspace's origin, and
executed in the command's process). Each analysis's wall time is split into the time inside
the steps (step start to step end, from the run's events) and the rest (making the run, its
plan, the run's own events): the rest is what launching costs::

    python bench/cli_launch.py --seconds 2 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from fractions import Fraction
from pathlib import Path

import av
from dagster import DagsterEventType, DagsterInstance

from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.settings import SAMPLE_VIDEO, load_settings

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def cut(dest: Path, start_s: float, seconds: float) -> Path:
    """``seconds`` of the sample from ``start_s``, re-encoded (people walking through)."""
    with av.open(str(SAMPLE_VIDEO)) as src, av.open(str(dest), "w") as out:
        stream_in = src.streams.video[0]
        stream = out.add_stream("libx264", rate=stream_in.average_rate)
        stream.width, stream.height, stream.pix_fmt = stream_in.width, stream_in.height, "yuv420p"
        written = 0
        for frame in src.decode(stream_in):
            if frame.time < start_s:
                continue
            if frame.time >= start_s + seconds:
                break
            frame.pts, frame.time_base = written, Fraction(1, int(stream_in.average_rate))
            written += 1
            for packet in stream.encode(frame):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return dest


def step_seconds(instance: DagsterInstance, run_id: str) -> float:
    """Seconds spent inside the run's steps (start to success or failure)."""
    started: dict[str, float] = {}
    total = 0.0
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or entry.step_key is None:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            started[entry.step_key] = entry.timestamp
        elif event.event_type in (DagsterEventType.STEP_SUCCESS, DagsterEventType.STEP_FAILURE):
            total += entry.timestamp - started.pop(entry.step_key, entry.timestamp)
    return total


def main() -> None:
    """Upload one cut, then analyse it alternately both ways; print medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--runs", type=int, default=3, help="analyses each way")
    args = parser.parse_args()
    bring_up(load_settings())
    from deepsentinel_pipelines.definitions import defs
    from deepsentinel_pipelines.ingest.run_history import process_tags
    from deepsentinel_pipelines.runs.local import (
        create_partition_run,
        execute_here,
        in_process_config,
    )
    from deepsentinel_pipelines.runs.runner import upload_video

    with tempfile.TemporaryDirectory() as folder:
        clip = cut(Path(folder) / "launch.mp4", 20.0, args.seconds)
        video_id, _ = upload_video(clip, f"bench/{uuid.uuid4().hex[:8]}/launch.mp4", "plaza")
    instance = DagsterInstance.get()
    instance.add_dynamic_partitions("videos", [video_id])
    job = defs.resolve_job_def("video_analysis_job")

    def before() -> str:
        result = job.execute_in_process(
            instance=instance, partition_key=video_id, tags=process_tags(), run_config=QUIET
        )
        assert result.success
        return result.run_id

    def now() -> str:
        run = create_partition_run(
            instance, job, video_id, process_tags(), QUIET | in_process_config(job)
        )
        assert execute_here(instance, run).value == "SUCCESS"
        return run.run_id

    before()  # the first analysis of a process loads the models: not counted
    results: dict[str, list[tuple[float, float]]] = {"execute_in_process": [], "launched": []}
    for _ in range(args.runs):
        for name, analyse in (("execute_in_process", before), ("launched", now)):
            started = time.perf_counter()
            run_id = analyse()
            wall = time.perf_counter() - started
            results[name].append((wall, wall - step_seconds(instance, run_id)))
    print(f"{args.seconds:g} s of the sample, {args.runs} analyses each way, medians:")
    for name, rows in results.items():
        wall = statistics.median(w for w, _ in rows)
        rest = statistics.median(r for _, r in rows)
        print(f"{name:20s} wall {wall:6.2f} s, outside the steps {rest:5.2f} s")


if __name__ == "__main__":
    main()
