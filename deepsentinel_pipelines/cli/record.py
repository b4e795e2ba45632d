"""`deepsentinel record SOURCE --camera NAME`: a live camera into analysable MP4 segments.

The recording and the spool live in :mod:`deepsentinel_pipelines.ingest.recorder`; this module
wires them to the object store, the signals and the terminal. SIGINT or SIGTERM closes the
segment being written, uploads what is spooled (for ``--drain-s``) and exits; what could not be
uploaded stays in the spool and goes up on the next start.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from deepsentinel_pipelines.cli.errors import UserError, stderr
from deepsentinel_pipelines.cli.inputs import camera_option, input_file
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.text.escaping import terminal_text


def _log(line: str) -> None:
    stderr(f"{datetime.now().astimezone():%Y-%m-%d %H:%M:%S} {line}")


def _options(pairs: list[str]) -> dict[str, str]:
    options = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise UserError(f"--option {terminal_text(pair)!r}: expected NAME=VALUE")
        options[name] = value
    return options


def _cmd_record(args: argparse.Namespace) -> int:
    # Imported here: PyAV, boto3 and the resources load in seconds; other commands skip them.
    from botocore.exceptions import BotoCoreError, ClientError

    from deepsentinel_pipelines.ingest.recorder import RecorderConfig, Spool, Uploader, record
    from deepsentinel_pipelines.resources.standalone import standalone_resources

    if not args.segment_seconds >= 1:
        raise UserError(f"--segment-seconds {args.segment_seconds}: at least 1 second")
    # A URL is a live source; anything else must be a file (a live source is rtsp://...).
    source = args.source if "://" in args.source else str(input_file(args.source))
    options = _options(args.option)
    camera = camera_option(args.camera)
    # No service is started: a recorder only uploads, and an S3 that is down only delays that.
    settings = load_settings()
    config = RecorderConfig(
        source=source,
        camera=camera,
        segment_s=float(args.segment_seconds),
        prefix=args.prefix,
        read_timeout_s=args.read_timeout_s,
        reconnect_max_s=args.reconnect_max_s,
        options=options or None,
    )
    spool = Spool(Path(args.spool).expanduser() if args.spool else settings.home / "spool" / camera)
    stop = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        _log(f"{signal.Signals(signum).name}: closing the segment being written")
        stop.set()

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)
    with standalone_resources("object_store") as resources:
        store = resources.object_store

        def upload(path: Path, info: Any) -> None:
            store.upload(
                path,
                store.raw_videos_bucket,
                info.key,
                info.camera,
                single_part=True,
                recorded_at=info.recorded_at.isoformat(),
            )

        def uploaded(info: Any) -> None:
            where = f"s3://{store.raw_videos_bucket}/{info.key}"
            if args.json:
                print(
                    json.dumps(
                        {
                            "s3_uri": where,
                            "camera": info.camera,
                            "recorded_at": info.recorded_at.isoformat(),
                            "duration_s": info.duration_s,
                        }
                    ),
                    flush=True,
                )
            else:
                _log(f"uploaded {where} ({info.duration_s:.1f} s)")

        for info in spool.recover():
            _log(f"recovered {info.key} ({info.duration_s:.1f} s) from an earlier run")
        uploader = Uploader(
            spool,
            upload,
            _log,
            uploaded,
            retry_max_s=args.reconnect_max_s,
            failures=(BotoCoreError, ClientError, OSError),
        )
        uploader.start()
        try:
            record(config, spool, stop, _log)
        finally:
            uploader.wake.set()
            left = not uploader.drain(args.drain_s)
        if left:
            waiting = len(spool.ready())
            _log(f"{waiting} segment(s) wait in {spool.folder}; the next start uploads them")
            return 1
    return 0


def add_record_command(sub: Any) -> None:
    """Add `record` to the `deepsentinel` sub-commands."""
    rec = sub.add_parser(
        "record",
        help="record a live camera (or a file) into MP4 segments uploaded to raw-videos",
    )
    rec.add_argument("source", help="rtsp://..., http(s)://...m3u8, tcp://..., udp://..., a file")
    rec.add_argument("--camera", required=True, help="camera name (rules in cameras.yaml)")
    rec.add_argument(
        "--segment-seconds",
        type=float,
        default=600.0,
        help="close a segment at the first keyframe after this long (default 600: every "
        "segment is one analysis run, with its fixed start-up cost)",
    )
    rec.add_argument("--prefix", default="live/", help="key prefix in raw-videos (live/)")
    rec.add_argument(
        "--spool", help="folder segments wait in (default $DEEPSENTINEL_HOME/spool/CAMERA)"
    )
    rec.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="FFmpeg option of the source, e.g. rtsp_transport=tcp (repeatable)",
    )
    rec.add_argument(
        "--read-timeout-s", type=float, default=10.0, help="a silent source counts as dropped"
    )
    rec.add_argument(
        "--reconnect-max-s",
        type=float,
        default=30.0,
        help="longest wait between attempts to reopen the source or to upload",
    )
    rec.add_argument(
        "--drain-s", type=float, default=60.0, help="how long to keep uploading after a stop"
    )
    rec.add_argument("--json", action="store_true", help="one JSON line per uploaded segment")
    rec.set_defaults(func=_cmd_record)
