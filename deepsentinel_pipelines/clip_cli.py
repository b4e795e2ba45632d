"""`deepsentinel clip EVENT_ID`: the presigned URL of an event's clip, or the clip saved locally."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from deepsentinel_pipelines.db.clip_rows import clip_key_of_event


def _cmd_clip(args: argparse.Namespace) -> int:
    from dagster import build_resources as dagster_build_resources

    from deepsentinel_pipelines.cli import bring_up
    from deepsentinel_pipelines.resources import build_resources
    from deepsentinel_pipelines.settings import load_settings

    every = build_resources(bring_up(load_settings()))
    wanted = {key: every[key] for key in ("database", "object_store")}
    with dagster_build_resources(wanted) as resources:
        with resources.database.connection() as conn:
            key = clip_key_of_event(conn, args.event_id)
        if key is None:
            print(f"event #{args.event_id} has no clip", file=sys.stderr)  # noqa: T201
            return 1
        store = resources.object_store
        if args.out:
            path = store.download(store.highlights_bucket, key, Path(args.out).expanduser())
            print(path)  # noqa: T201
        else:
            print(store.presigned_get(store.highlights_bucket, key, args.expires))  # noqa: T201
    return 0


def add_clip_command(subparsers: Any) -> None:
    """Register ``clip`` on the CLI's sub-command parsers."""
    clip = subparsers.add_parser("clip", help="print the URL of an event's clip, or save it")
    clip.add_argument("event_id", type=int, help="the event id cited in answers (#N)")
    clip.add_argument("--out", help="save the MP4 here instead of printing a URL")
    clip.add_argument("--expires", type=int, default=3600, help="URL lifetime in seconds")
    clip.set_defaults(func=_cmd_clip)
