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
import sys
import tempfile
import time
import uuid
from pathlib import Path

from dagster import DagsterInstance

from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.settings import REPO_ROOT, load_settings

sys.path.insert(0, str(REPO_ROOT))  # for tests.media when run as a script
from tests.media import cut_sample  # noqa: E402

QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


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
    from deepsentinel_pipelines.runs.runner import step_timings, upload_video

    with tempfile.TemporaryDirectory() as folder:
        clip = cut_sample(Path(folder) / "launch.mp4", 20.0, args.seconds)
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
            inside = sum(step_timings(instance, run_id).values())
            results[name].append((wall, wall - inside))
    print(f"{args.seconds:g} s of the sample, {args.runs} analyses each way, medians:")
    for name, rows in results.items():
        wall = statistics.median(w for w, _ in rows)
        rest = statistics.median(r for _, r in rows)
        print(f"{name:20s} wall {wall:6.2f} s, outside the steps {rest:5.2f} s")


if __name__ == "__main__":
    main()
