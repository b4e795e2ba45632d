"""Run the video analysis job for one local file through Dagster, with progress and a report.

Used by `deepsentinel demo` and `deepsentinel process`: a run of the code location's job on the
instance in DAGSTER_HOME (:mod:`~deepsentinel_pipelines.runs.local`), so the UI lists it with
the sensors' runs, executed in this process, which draws its progress.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError
from dagster import DagsterEventType, DagsterInstance, DagsterRunStatus

from deepsentinel_pipelines.assets.occupancy import occupancy_image_keys
from deepsentinel_pipelines.db.clip_rows import current_clip_keys
from deepsentinel_pipelines.db.video_report import video_results
from deepsentinel_pipelines.ingest.keys import ETAG_TAG, RUN_KEY_TAG, run_key
from deepsentinel_pipelines.ingest.run_history import (
    fail_runs_of_dead_processes,
    going_run,
    process_tags,
    reserve_run_key,
    waiting_runs,
)
from deepsentinel_pipelines.jobs import video_analysis_job
from deepsentinel_pipelines.partitions import video_id_from_key, videos
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.standalone import standalone_resources
from deepsentinel_pipelines.runs.local import (
    create_partition_run,
    execute_here,
    in_process_config,
)
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.video.camera_config import load_camera_clock

ProgressFn = Callable[[str], None]
#: The daemon never retries a command's run (killed or interrupted, it is the operator's to run
#: again; `process` of the same file resumes its detections).
MAX_RETRIES_TAG = "dagster/max_retries"
#: How often a command following another's run checks that the other's process is alive.
DEAD_CHECK_S = 10.0
#: A step's progress line (assets/step_usage.py).
_PROGRESS = re.compile(r"progress: (\w+) (\d+)/(\d+) (\w+) \((\d+)%\), ([\d.]+) \w+/s, ETA (\S+) s")


@dataclass
class RunReport:
    """What `process` prints (and `--json` emits)."""

    video_id: str
    run_id: str
    success: bool
    error: str | None = None
    duration_s: float = 0.0
    frames_analyzed: int = 0
    people_tracked: int = 0
    events: dict[str, int] = field(default_factory=dict)
    highlights: list[str] = field(default_factory=list)
    clips: list[str] = field(default_factory=list)
    occupancy_images: list[str] = field(default_factory=list)
    thumbnail: str | None = None
    summary: str | None = None
    timings_s: dict[str, float] = field(default_factory=dict)
    camera: str = "default"
    #: ISO 8601 in the camera's zone; None when no source knew when it was recorded.
    recorded_at: str | None = None
    recorded_at_source: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The JSON object promised by the README."""
        return {
            "video_id": self.video_id,
            "run_id": self.run_id,
            "success": self.success,
            "error": self.error,
            "duration_s": self.duration_s,
            "frames_analyzed": self.frames_analyzed,
            "people_tracked": self.people_tracked,
            "events": self.events,
            "highlights": self.highlights,
            "clips": self.clips,
            "occupancy_images": self.occupancy_images,
            "thumbnail": self.thumbnail,
            "summary": self.summary,
            "timings_s": self.timings_s,
            "camera": self.camera,
            "recorded_at": self.recorded_at,
            "recorded_at_source": self.recorded_at_source,
        }


def _md5(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "md5").hexdigest()


def _upload(
    store: ObjectStoreResource, path: Path, key: str, camera: str, recorded_at: str | None = None
) -> tuple[str, str]:
    instance = DagsterInstance.get()
    bucket = store.raw_videos_bucket
    reserve_run_key(instance, run_key(bucket, key, _md5(path)))
    stored = store.upload(path, bucket, key, camera, single_part=True, recorded_at=recorded_at)
    reserve_run_key(instance, run_key(bucket, key, stored.etag))  # when the ETag is not the MD5
    return video_id_from_key(key), run_key(bucket, key, stored.etag)


def upload_video(
    path: Path, key: str, camera: str, recorded_at: str | None = None
) -> tuple[str, str]:
    """Upload a local file to the raw-videos bucket; return its partition key and run key.

    The run key is reserved before the upload: a single-part upload's ETag is the file's MD5,
    so a running sensor that sees the object already knows this process runs it.
    ``recorded_at`` (ISO 8601) becomes the object's ``recorded-at`` metadata.
    """
    with standalone_resources("object_store") as resources:
        return _upload(resources.object_store, path, key, camera, recorded_at)


def step_timings(instance: DagsterInstance, run_id: str) -> dict[str, float]:
    """Seconds from each succeeded step's start to its success, from the run's events."""
    started: dict[str, float] = {}
    timings: dict[str, float] = {}
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None or entry.step_key is None:
            continue
        if event.event_type == DagsterEventType.STEP_START:
            started[entry.step_key] = entry.timestamp
        elif event.event_type == DagsterEventType.STEP_SUCCESS and entry.step_key in started:
            timings[entry.step_key] = round(entry.timestamp - started[entry.step_key], 2)
    return timings


def progress_bar(message: str, width: int = 30) -> str | None:
    """The progress line shown for a step's progress log message; None for other messages."""
    match = _PROGRESS.search(message)
    if not match:
        return None
    step, done, total, unit, percent, rate, eta = match.groups()
    filled = width * min(int(percent), 100) // 100
    return (
        f"{step} [{'#' * filled}{'.' * (width - filled)}] {percent}% "
        f"{done}/{total} {unit} {rate} {unit}/s ETA {eta} s"
    )


def _watch(instance: DagsterInstance, run_id: str, done: threading.Event, show: ProgressFn) -> None:
    """Report step starts and long steps' progress while the run goes on."""
    seen = 0
    while not done.wait(0.5):
        logs = instance.all_logs(run_id)
        for entry in logs[seen:]:
            event = entry.dagster_event
            if event is not None and event.event_type == DagsterEventType.STEP_START:
                show(f"running {entry.step_key}")
            elif event is None and entry.user_message:
                bar = progress_bar(entry.user_message)
                if bar:
                    show(bar)
        seen = len(logs)


def _version_tags(object_version: str) -> dict[str, str]:
    """The run key, and the ETag it ends with: raw_video pins the run to that version."""
    return {RUN_KEY_TAG: object_version, ETAG_TAG: object_version.rpartition("@")[2]}


def _failure_message(error: Any) -> str:
    """A step's error; after its retries ran out, the error of the last try as well."""
    message = error.message.strip()
    if not message.startswith("Exceeded max_retries"):
        return message
    root = error
    while root.cause is not None:
        root = root.cause
    return f"{message}; last error: {root.message.strip()}"


def _run_error(instance: DagsterInstance, run_id: str) -> str:
    """The steps' errors of a run that did not succeed, in one line (or the run's own)."""
    failures = instance.all_logs(run_id, of_type=DagsterEventType.STEP_FAILURE)
    steps = [
        f"{e.step_key}: {_failure_message(data.error)}"
        if (data := e.dagster_event.step_failure_data) and data.error
        else f"{e.step_key} failed"
        for e in failures
        if e.dagster_event is not None
    ]
    if steps:
        return "; ".join(steps)
    ended = [
        e.dagster_event.message
        for e in instance.all_logs(run_id, of_type=DagsterEventType.RUN_FAILURE)
        if e.dagster_event is not None and e.dagster_event.message
    ]
    return ended[-1] if ended else "the run failed"


def _wait_for(instance: DagsterInstance, run_id: str) -> DagsterRunStatus:
    """Until the run (started by another process) has finished; its status.

    A command's run whose process dies meanwhile is marked failed, so this never waits on it.
    """
    checked = time.monotonic()
    while True:
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            return run.status if run is not None else DagsterRunStatus.FAILURE
        if time.monotonic() - checked > DEAD_CHECK_S:
            fail_runs_of_dead_processes(instance)
            checked = time.monotonic()
        time.sleep(1.0)


def run_video_analysis(
    video_id: str, show: ProgressFn, object_version: str | None = None, verbose: bool = False
) -> tuple[str, bool, str | None, float]:
    """Register the partition and materialize every asset for it; (run id, ok, error, secs).

    The run is a run of the code location's job (listed in the UI like the sensors' runs),
    executed in this process. ``object_version`` (the run key of the uploaded object) tags the
    run, so the S3 sensor of a running daemon does not start a second run for the same upload,
    and pins the version; a run of that version already under way (a sensor's, another
    command's) is followed instead of starting a second one, and one only queued is canceled.
    Step logs reach the terminal only when ``verbose`` (the failure is in the result anyway).
    """
    # Imported when a run starts, not with this module: loading the definitions reads the
    # environment, which `bring_up` exports only after the command has parsed its arguments.
    from deepsentinel_pipelines.definitions import defs

    instance = DagsterInstance.get()
    for dead in fail_runs_of_dead_processes(instance):
        show(f"run {dead} of a process that died is marked failed")
    if not instance.has_dynamic_partition(videos.name, video_id):
        instance.add_dynamic_partitions(videos.name, [video_id])
    job = defs.resolve_job_def(video_analysis_job.name)
    started = time.perf_counter()
    live = going_run(instance, object_version) if object_version else None
    if live is not None:
        show(f"run {live.run_id} of this upload is already under way: following it")
        run_id = live.run_id
    else:
        # A run only queued for the daemon (which may not be running) gives way to this one.
        for queued in waiting_runs(instance, object_version) if object_version else []:
            instance.report_run_canceled(queued, "analysed by `deepsentinel process` instead")
            show(f"queued run {queued.run_id} of this upload is canceled: analysing it here")
        level = "WARNING" if verbose else "CRITICAL"
        run = create_partition_run(
            instance,
            job,
            video_id,
            tags={"deepsentinel/source": "cli", MAX_RETRIES_TAG: "0"}
            | process_tags()
            | (_version_tags(object_version) if object_version else {}),
            run_config={"loggers": {"console": {"config": {"log_level": level}}}}
            | in_process_config(job),
        )
        run_id = run.run_id
    done = threading.Event()
    watcher = threading.Thread(target=_watch, args=(instance, run_id, done, show), daemon=True)
    watcher.start()
    try:
        status = _wait_for(instance, run_id) if live is not None else execute_here(instance, run)
    finally:
        done.set()
        watcher.join()
    success = status == DagsterRunStatus.SUCCESS
    error = None if success else _run_error(instance, run_id)
    return run_id, success, error, time.perf_counter() - started


def _stored(store: ObjectStoreResource, bucket: str, key: str) -> bool:
    try:
        store.head(bucket, key)
    except ClientError:
        return False
    return True


def build_report(
    video_id: str, run_id: str, success: bool, error: str | None, timings: dict[str, float]
) -> RunReport:
    """Read what the run wrote for one video: its rows, clips and occupancy images."""
    with standalone_resources("database", "object_store") as resources:
        store: ObjectStoreResource = resources.object_store
        with resources.database.connection() as conn:
            results = video_results(conn, video_id)
            clip_keys = current_clip_keys(conn, video_id).values()
        occupancy = [
            f"s3://{store.thumbnails_bucket}/{image}"
            for image in occupancy_image_keys(video_id).values()
            if _stored(store, store.thumbnails_bucket, image)
        ]
    return RunReport(
        video_id,
        run_id,
        success,
        error,
        duration_s=results.duration_s,
        frames_analyzed=results.frames_analyzed,
        people_tracked=results.people_tracked,
        events=results.event_counts,
        highlights=results.highlight_keys,
        clips=[f"s3://{store.highlights_bucket}/{k}" for k in clip_keys],
        occupancy_images=occupancy,
        thumbnail=results.thumbnail_key,
        summary=results.summary,
        timings_s=timings,
        camera=results.camera,
        recorded_at=None
        if results.recorded_at is None
        else camera_time(results.recorded_at, results.camera),
        recorded_at_source=results.recorded_at_source,
    )


def camera_time(at: datetime, camera: str) -> str:
    """An instant as ISO 8601 in the camera's zone (``timezone`` in cameras.yaml)."""
    zone = load_camera_clock(load_settings().cameras_config, camera).zone
    return at.astimezone(zone).isoformat()


def process_file(
    path: Path,
    key: str,
    camera: str,
    show: ProgressFn,
    verbose: bool = False,
    recorded_at: str | None = None,
) -> RunReport:
    """Upload, register and analyse one file; return the report.

    ``recorded_at`` (ISO 8601, naive in the camera's zone) is when the video was recorded.
    """
    with standalone_resources("object_store") as resources:
        store: ObjectStoreResource = resources.object_store
        show(f"uploading {path.name} to s3://{store.raw_videos_bucket}/{key}")
        video_id, object_version = _upload(store, path, key, camera, recorded_at)
    run_id, success, error, _ = run_video_analysis(video_id, show, object_version, verbose)
    timings = step_timings(DagsterInstance.get(), run_id)
    return build_report(video_id, run_id, success, error, timings)
