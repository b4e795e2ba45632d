"""`deepsentinel upload | presign | backfill`: get videos in, and reprocess history.

Dagster, the resources and the job are imported inside the commands: they take seconds to
load, and the parser that reads `deepsentinel ask` imports this module.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from typing import Any

from deepsentinel_pipelines.cli.errors import UserError, stderr
from deepsentinel_pipelines.cli.inputs import (
    RECORDED_AT_HELP,
    camera_option,
    time_option,
    upload_target,
)
from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.ingest.cursor import describe_skips
from deepsentinel_pipelines.ingest.keys import skip_reason
from deepsentinel_pipelines.ingest.messages import seed_message
from deepsentinel_pipelines.ingest.uploads import StoredVideo, parse_since
from deepsentinel_pipelines.settings import WORKSPACE_YAML, load_settings
from deepsentinel_pipelines.text.escaping import terminal_text

#: Partitions per `dagster job backfill` call (its --partitions is one argument).
BACKFILL_CHUNK = 100


def _say(text: str = "") -> None:
    print(text, flush=True)


def _cmd_upload(args: argparse.Namespace) -> int:
    from deepsentinel_pipelines.partitions import video_id_from_key
    from deepsentinel_pipelines.resources.standalone import standalone_resources

    target = upload_target(args)
    key, recorded_at = target.key, target.recorded_at
    bring_up(load_settings())
    with standalone_resources("object_store", "job_queue") as resources:
        store, queue = resources.object_store, resources.job_queue
        stored = store.upload(
            target.path, store.raw_videos_bucket, key, target.camera, recorded_at=recorded_at
        )
        result: dict[str, Any] = {
            "s3_uri": f"s3://{stored.bucket}/{stored.key}",
            "etag": stored.etag,
            "size": stored.size,
            "video_id": video_id_from_key(key),
            "via": args.via,
            "recorded_at": recorded_at,
        }
        if args.via == "sqs":
            result["message_id"] = queue.send(
                seed_message(result["video_id"], key, recorded_at=recorded_at)
            )
    if args.json:
        _say(json.dumps(result))
    else:
        _say(
            f"uploaded {terminal_text(result['s3_uri'])} ({stored.size} bytes, ETag {stored.etag})"
        )
        if args.via == "sqs":
            _say(f"job message {result['message_id']} sent to {queue.queue_name}")
        _say(f"partition {terminal_text(result['video_id'])}: the running sensors start its run")
    return 0


def _cmd_presign(args: argparse.Namespace) -> int:
    from deepsentinel_pipelines.resources.standalone import standalone_resources

    reason = skip_reason(args.name)
    if reason is not None:
        raise UserError(f"{terminal_text(args.name)!r}: {reason} (the sensors would skip it)")
    camera = camera_option(args.camera) if args.camera is not None else None
    if args.expires < 1:
        raise UserError(f"--expires {args.expires}: a URL lives at least 1 second")
    recorded_at = time_option(args.recorded_at, "--recorded-at")
    bring_up(load_settings())
    with standalone_resources("object_store") as resources:
        store = resources.object_store
        upload = store.presigned_put(
            store.raw_videos_bucket, args.name, args.expires, camera, recorded_at
        )
    if args.json:
        _say(
            json.dumps(
                {
                    "url": upload.url,
                    "method": "PUT",
                    "headers": upload.headers,
                    "expires_s": upload.expires_s,
                }
            )
        )
        return 0
    _say(upload.url)
    headers = " ".join(f"-H '{k}: {v}'" for k, v in upload.headers.items())
    stderr(f"# valid {upload.expires_s} s; upload with:")
    stderr(f"#   curl -X PUT -T FILE {headers} '{upload.url}'")
    return 0


def _up_to_date(instance: Any, job_name: str, partition_key: str, since: datetime) -> bool:
    """True when the last finished run of this partition succeeded, after the object was written.

    A partition whose last run failed or was canceled is run again.
    """
    from dagster import DagsterRunStatus, RunsFilter

    records = instance.get_run_records(
        filters=RunsFilter(
            job_name=job_name,
            statuses=[
                DagsterRunStatus.SUCCESS,
                DagsterRunStatus.FAILURE,
                DagsterRunStatus.CANCELED,
            ],
            tags={"dagster/partition": partition_key},
        ),
        limit=1,
    )
    return (
        bool(records)
        and records[0].dagster_run.status == DagsterRunStatus.SUCCESS
        and records[0].create_timestamp >= since
    )


def _in_flight(instance: Any, job_name: str, partition_keys: list[str]) -> set[str]:
    from dagster import DagsterRunStatus, RunsFilter

    busy = set()
    statuses = [
        DagsterRunStatus.QUEUED,
        DagsterRunStatus.NOT_STARTED,
        DagsterRunStatus.STARTING,
        DagsterRunStatus.STARTED,
    ]
    for start in range(0, len(partition_keys), 100):
        chunk = partition_keys[start : start + 100]
        runs = instance.get_runs(
            filters=RunsFilter(
                job_name=job_name, statuses=statuses, tags={"dagster/partition": chunk}
            )
        )
        busy.update(run.tags["dagster/partition"] for run in runs)
    return busy


def launch_backfill(job_name: str, partition_keys: list[str], tags: dict[str, str]) -> None:
    """`dagster job backfill` for these (registered) partitions, in chunks."""
    for start in range(0, len(partition_keys), BACKFILL_CHUNK):
        chunk = partition_keys[start : start + BACKFILL_CHUNK]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dagster",
                "job",
                "backfill",
                "-j",
                job_name,
                "--partitions",
                ",".join(chunk),
                "-w",
                str(WORKSPACE_YAML),
                "--noprompt",
                "--tags",
                json.dumps(tags),
            ],
            cwd=WORKSPACE_YAML.parent,
            check=True,
        )


def plan_backfill(
    instance: Any, job_name: str, stored: list[StoredVideo], force: bool
) -> tuple[dict[str, StoredVideo], list[str], list[str], list[str]]:
    """(partition key -> object, to launch, in flight, up to date) for the listed objects."""
    from deepsentinel_pipelines.partitions import video_id_from_key

    by_key = {video_id_from_key(v.key): v for v in stored}
    keys = list(by_key)
    busy = _in_flight(instance, job_name, keys)
    done = (
        []
        if force
        else [
            k
            for k in keys
            if k not in busy and _up_to_date(instance, job_name, k, by_key[k].last_modified)
        ]
    )
    launch = [k for k in keys if k not in busy and k not in done]
    return by_key, launch, sorted(busy), done


def parse_days(text: str) -> list[date]:
    """``2026-12-01`` or ``2026-12-01..2026-12-07``: every date of the range, both ends included.

    Raises:
        ValueError: Not dates, or a range that ends before it starts.
    """
    first, _, last = text.partition("..")
    start = date.fromisoformat(first.strip())
    end = date.fromisoformat(last.strip()) if last else start
    if end < start:
        raise ValueError(f"{text!r} ends before it starts")
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _backfill_days(args: argparse.Namespace) -> int:
    """`backfill --days`: rebuild camera_day_report for a range of days and cameras."""
    from dagster import DagsterInstance

    from deepsentinel_pipelines.jobs import camera_day_report_job
    from deepsentinel_pipelines.partitions import FIRST_DAY, camera_day_key, cameras

    try:
        days = parse_days(args.days)
    except ValueError as err:
        raise UserError(f"--days: {err} (YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD)") from None
    if days[0] < date.fromisoformat(FIRST_DAY):
        raise UserError(f"--days: day reports start on {FIRST_DAY}")
    cameras_given = [camera_option(c) for c in args.camera]
    bring_up(load_settings())
    with DagsterInstance.get() as instance:
        known = instance.get_dynamic_partitions(cameras.name)
        wanted = cameras_given or known
        unknown = [c for c in wanted if c not in known]
        if unknown:
            raise UserError(f"--camera: no video was registered for {', '.join(unknown)}")
    keys = [str(camera_day_key(camera, day)) for day in days for camera in wanted]
    _say(f"camera days: {len(days)} day(s) x {len(wanted)} camera(s) = {len(keys)} report(s)")
    if args.dry_run:
        for key in keys:
            _say(f"  would rebuild {key}")
        return 0
    if keys:
        launch_backfill(camera_day_report_job.name, keys, {"deepsentinel/source": "backfill"})
    _say(f"launched {len(keys)} run(s) of {camera_day_report_job.name}")
    return 0


def _cmd_backfill(args: argparse.Namespace) -> int:
    from dagster import DagsterInstance

    if args.days:
        return _backfill_days(args)

    from deepsentinel_pipelines.jobs import video_analysis_job
    from deepsentinel_pipelines.partitions import videos
    from deepsentinel_pipelines.resources.standalone import standalone_resources

    try:
        since = parse_since(args.since) if args.since else None
    except ValueError:
        raise UserError(
            f"--since {terminal_text(args.since)!r}: not a date or time (e.g. 2024-05-01)"
        ) from None
    bring_up(load_settings())
    with standalone_resources("object_store") as resources:
        store = resources.object_store
        bucket = store.raw_videos_bucket
        stored, skipped = store.list_videos(bucket, args.prefix, since)
    where = terminal_text(f"s3://{bucket}/{args.prefix}")
    _say(f"{len(stored)} video object(s) under {where}" + (f" since {since}" if since else ""))
    if skipped:
        _say(f"skipped {describe_skips(skipped)}")
    job_name = video_analysis_job.name
    with DagsterInstance.get() as instance:
        by_key, launch, busy, done = plan_backfill(instance, job_name, stored, args.force)
        known = set(instance.get_dynamic_partitions(videos.name))
        new = [k for k in by_key if k not in known]
        _say(f"partitions: {len(new)} to register, {len(by_key) - len(new)} already registered")
        _say(
            f"runs: {len(launch)} to launch, {len(busy)} queued or running, "
            f"{len(done)} up to date" + ("" if args.force else " (--force reruns them)")
        )
        if args.dry_run:
            for key in launch:
                _say(f"  would launch {terminal_text(key)}")
            return 0
        if new:
            instance.add_dynamic_partitions(videos.name, new)
    if launch:
        launch_backfill(job_name, launch, {"deepsentinel/source": "backfill"})
    _say(f"registered {len(new)} partition(s), launched {len(launch)} run(s)")
    return 0


def add_ingest_commands(sub: Any) -> None:
    """Add `upload`, `presign` and `backfill` to the `deepsentinel` sub-commands."""
    upload = sub.add_parser("upload", help="upload a video to raw-videos; the sensors run it")
    upload.add_argument("file")
    upload.add_argument(
        "--via",
        choices=["s3", "sqs"],
        default="s3",
        help="s3: the bucket sensor picks it up; sqs: also send a job message",
    )
    upload.add_argument("--camera", default="default", help="camera name (rules in cameras.yaml)")
    upload.add_argument("--key", help="object key in raw-videos (default uploads/CAMERA/NAME)")
    upload.add_argument("--recorded-at", metavar="ISO", help=RECORDED_AT_HELP)
    upload.add_argument("--json", action="store_true", help="print one JSON object")
    upload.set_defaults(func=_cmd_upload)

    presign = sub.add_parser("presign", help="a presigned PUT URL to upload NAME (browser, curl)")
    presign.add_argument("name", help="object key in raw-videos, e.g. uploads/lobby/clip.mp4")
    presign.add_argument("--expires", type=int, default=3600, help="seconds (default 3600)")
    presign.add_argument("--camera", help="camera metadata; the upload must send its header")
    presign.add_argument(
        "--recorded-at", metavar="ISO", help="recorded-at metadata; the upload sends its header"
    )
    presign.add_argument("--json", action="store_true", help="print one JSON object")
    presign.set_defaults(func=_cmd_presign)

    backfill = sub.add_parser(
        "backfill", help="register existing videos as partitions and launch their runs"
    )
    backfill.add_argument("--prefix", default="", help="only keys under this prefix")
    backfill.add_argument("--since", help="only objects written since DATE (ISO, UTC)")
    backfill.add_argument(
        "--force", action="store_true", help="also rerun partitions already processed"
    )
    backfill.add_argument("--dry-run", action="store_true", help="show the plan, change nothing")
    backfill.add_argument(
        "--days",
        metavar="DAY[..DAY]",
        help="instead of videos: rebuild the camera day reports of these days (local dates)",
    )
    backfill.add_argument(
        "--camera",
        action="append",
        default=[],
        help="with --days: only this camera (repeatable; default every registered camera)",
    )
    backfill.set_defaults(func=_cmd_backfill)
