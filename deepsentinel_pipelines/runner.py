"""Run the video analysis job for one local file through Dagster, with progress and a report.

Used by `deepsentinel demo` and `deepsentinel process`: the same definitions the UI loads,
executed in this process against the instance in DAGSTER_HOME, so the run shows in the UI.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError
from dagster import DagsterEventType, DagsterInstance
from dagster._core.utils import make_new_run_id

from deepsentinel_pipelines.assets.occupancy import occupancy_image_keys
from deepsentinel_pipelines.aws_clients import make_client
from deepsentinel_pipelines.db.clip_rows import current_clip_keys
from deepsentinel_pipelines.ingest import ETAG_TAG, RUN_KEY_TAG, normalize_etag, run_key
from deepsentinel_pipelines.partitions import video_id_from_key, videos
from deepsentinel_pipelines.run_history import reserve_run_key
from deepsentinel_pipelines.settings import Settings

ProgressFn = Callable[[str], None]
#: S3's limit for one PUT: below it an upload is single-part, its ETag the file's MD5.
SINGLE_PART_MAX_BYTES = 5 * 1024**3
_FRAMES = re.compile(r"detections: (\d+)/(\d+) frames, ([\d.]+) frames/s, ETA (\S+) s")


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
        }


def _md5(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "md5").hexdigest()


def upload_video(settings: Settings, path: Path, key: str, camera: str) -> tuple[str, str]:
    """Upload a local file to the raw-videos bucket; return its partition key and run key.

    The run key is reserved before the upload: a single-part upload's ETag is the file's MD5,
    so a running sensor that sees the object already knows this process runs it.
    """
    bucket = settings.raw_videos_bucket
    instance = DagsterInstance.get()
    reserve_run_key(instance, run_key(bucket, key, _md5(path)))
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    s3.upload_file(
        str(path),
        bucket,
        key,
        ExtraArgs={"Metadata": {"camera": camera}, "ContentType": "video/mp4"},
        Config=TransferConfig(multipart_threshold=SINGLE_PART_MAX_BYTES),
    )
    etag = normalize_etag(s3.head_object(Bucket=bucket, Key=key)["ETag"])
    reserve_run_key(instance, run_key(bucket, key, etag))  # when the store's ETag is not the MD5
    return video_id_from_key(key), run_key(bucket, key, etag)


def _step_timings(instance: DagsterInstance, run_id: str) -> dict[str, float]:
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


def _watch(instance: DagsterInstance, run_id: str, done: threading.Event, show: ProgressFn) -> None:
    """Report step starts and the detector's frame progress while the run goes on."""
    seen = 0
    while not done.wait(0.5):
        logs = instance.all_logs(run_id)
        for entry in logs[seen:]:
            event = entry.dagster_event
            if event is not None and event.event_type == DagsterEventType.STEP_START:
                show(f"running {entry.step_key}")
            elif event is None and entry.user_message:
                match = _FRAMES.search(entry.user_message)
                if match:
                    done_frames, total, fps, eta = match.groups()
                    width = 30
                    filled = int(width * int(done_frames) / max(int(total), 1))
                    show(
                        f"detections [{'#' * filled}{'.' * (width - filled)}] "
                        f"{done_frames}/{total} frames {fps} frames/s ETA {eta} s"
                    )
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


def run_video_analysis(
    video_id: str, show: ProgressFn, object_version: str | None = None, verbose: bool = False
) -> tuple[str, bool, str | None, float]:
    """Register the partition and materialize every asset for it; (run id, ok, error, secs).

    ``object_version`` (the run key of the uploaded object) tags the run, so the S3 sensor of
    a running daemon does not start a second run for the same upload, and pins the version.
    Step logs reach the terminal only when ``verbose`` (the failure is in the result anyway).
    """
    from deepsentinel_pipelines.definitions import defs

    instance = DagsterInstance.get()
    if not instance.has_dynamic_partition(videos.name, video_id):
        instance.add_dynamic_partitions(videos.name, [video_id])
    job = defs.resolve_job_def("video_analysis_job")
    run_id = make_new_run_id()
    done = threading.Event()
    watcher = threading.Thread(target=_watch, args=(instance, run_id, done, show), daemon=True)
    watcher.start()
    started = time.perf_counter()
    try:
        result = job.execute_in_process(
            instance=instance,
            partition_key=video_id,
            run_id=run_id,
            raise_on_error=False,
            run_config={
                "loggers": {
                    "console": {"config": {"log_level": "WARNING" if verbose else "CRITICAL"}}
                }
            },
            tags={"deepsentinel/source": "cli"}
            | (_version_tags(object_version) if object_version else {}),
        )
    finally:
        done.set()
        watcher.join()
    error = None
    if not result.success:
        failures = [e for e in result.all_events if e.event_type == DagsterEventType.STEP_FAILURE]
        error = (
            "; ".join(
                f"{e.step_key}: {_failure_message(e.step_failure_data.error)}"
                if e.step_failure_data and e.step_failure_data.error
                else f"{e.step_key} failed"
                for e in failures
            )
            or "the run failed"
        )
    return run_id, result.success, error, time.perf_counter() - started


def build_report(
    database_url: str,
    video_id: str,
    run_id: str,
    success: bool,
    error: str | None,
    timings: dict[str, float],
) -> RunReport:
    """Read what the run wrote for one video."""
    report = RunReport(video_id, run_id, success, error, timings_s=timings)
    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            """SELECT duration_s, frames_analyzed, people_count, thumbnail_key, summary
               FROM videos WHERE video_id = %s""",
            (video_id,),
        ).fetchone()
        if row is not None:
            report.duration_s = row[0]
            report.frames_analyzed = row[1] or 0
            report.people_tracked = row[2] or 0
            report.thumbnail = row[3]
            report.summary = row[4]
        # The qa views show the video's current analysis only.
        report.events = dict(
            conn.execute(
                """SELECT event_type, count(*) FROM qa.events WHERE video_id = %s
                   GROUP BY event_type ORDER BY event_type""",
                (video_id,),
            ).fetchall()
        )
        report.highlights = [
            r[0]
            for r in conn.execute(
                """SELECT highlight_key FROM qa.events WHERE video_id = %s
                   AND highlight_key IS NOT NULL ORDER BY start_s, event_id""",
                (video_id,),
            )
        ]
    return report


def _stored(s3: Any, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return True


def process_file(
    settings: Settings, path: Path, key: str, camera: str, show: ProgressFn, verbose: bool = False
) -> RunReport:
    """Upload, register and analyse one file; return the report."""
    show(f"uploading {path.name} to s3://{settings.raw_videos_bucket}/{key}")
    video_id, object_version = upload_video(settings, path, key, camera)
    run_id, success, error, _ = run_video_analysis(video_id, show, object_version, verbose)
    timings = _step_timings(DagsterInstance.get(), run_id)
    report = build_report(settings.database_url or "", video_id, run_id, success, error, timings)
    with psycopg.connect(settings.database_url or "") as conn:
        report.clips = [
            f"s3://{settings.highlights_bucket}/{k}"
            for k in current_clip_keys(conn, video_id).values()
        ]
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    report.occupancy_images = [
        f"s3://{settings.thumbnails_bucket}/{image}"
        for image in occupancy_image_keys(video_id).values()
        if _stored(s3, settings.thumbnails_bucket, image)
    ]
    return report
