"""The fixed cost of one segment's analysis run, as a run worker pays it.

Each recorded segment is one run of ``video_analysis_job``; a run has a cost that does not depend
on the video's length (a process per step loading the definitions, the detector loading, the
clients and the database round trips). This cuts clips of the sample of the given lengths
(re-encoded from 20 s in), uploads each with a recording time, and times ``dagster job execute``
of the whole job for it: the multiprocess executor, one process per step, as a run worker runs
it (the daemon's queueing and launch latency come on top). The run of the shortest clip is
almost all fixed cost; the difference between two lengths is the work that grows with the video.

    .venv/bin/python bench/segment_overhead.py --seconds 1 20
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from dagster import DagsterInstance, RunsFilter

from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.runs.runner import step_timings, upload_video
from deepsentinel_pipelines.settings import REPO_ROOT, load_settings

sys.path.insert(0, str(REPO_ROOT))  # for tests.media when run as a script
from tests.media import cut_sample  # noqa: E402

START_S = 20.0


def run_once(seconds: float, folder: Path) -> dict:
    clip = cut_sample(folder / f"segment_{seconds:g}s.mp4", START_S, seconds)
    key = f"bench/segments/{uuid.uuid4().hex[:8]}_{seconds:g}s.mp4"
    video_id, version = upload_video(clip, key, "plaza", datetime.now(UTC).isoformat())
    instance = DagsterInstance.get()
    instance.add_dynamic_partitions("videos", [video_id])
    tags = {
        "dagster/partition": video_id,
        "deepsentinel/run_key": version,
        "deepsentinel/etag": version.rpartition("@")[2],
        "deepsentinel/source": "bench",
    }
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dagster",
            "job",
            "execute",
            "-m",
            "deepsentinel_pipelines.definitions",
            "-j",
            "video_analysis_job",
            "--tags",
            json.dumps(tags),
        ],  # fmt: skip
        check=True,
        capture_output=True,
    )
    wall = time.perf_counter() - started
    (run,) = instance.get_runs(filters=RunsFilter(tags={"deepsentinel/run_key": version}))
    steps = step_timings(instance, run.run_id)
    return {"seconds": seconds, "wall_s": round(wall, 1), "steps_s": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, nargs="+", default=[1.0, 20.0])
    args = parser.parse_args()
    bring_up(load_settings())
    with tempfile.TemporaryDirectory() as tmp:
        results = [run_once(s, Path(tmp)) for s in args.seconds]
    for r in results:
        steps = r["steps_s"]
        print(  # noqa: T201
            f"{r['seconds']:>5g} s clip: run {r['wall_s']:6.1f} s "
            f"(detections {steps.get('detections', 0):.1f} s, event_clips "
            f"{steps.get('event_clips', 0):.1f} s, sum of steps {sum(steps.values()):.1f} s)"
        )
    if len(results) > 1:
        short, long = results[0], results[-1]
        per_s = (long["wall_s"] - short["wall_s"]) / (long["seconds"] - short["seconds"])
        print(  # noqa: T201
            f"fixed cost of a run ~ {short['wall_s'] - per_s * short['seconds']:.1f} s; "
            f"{per_s:.2f} s of run per second of video on this machine "
            f"(load average {os.getloadavg()[0]:.1f})"
        )


if __name__ == "__main__":
    main()
