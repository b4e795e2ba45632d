"""`deepsentinel clip EVENT_ID`: the presigned URL of an event's clip, or the clip saved locally."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from deepsentinel_pipelines.cli.errors import stderr
from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.settings import load_settings


def _cmd_clip(args: argparse.Namespace) -> int:
    # Imported here: Dagster, the resources and the clip encoder take seconds to load, and the
    # parser that reads `deepsentinel ask` imports this module.
    from deepsentinel_pipelines.db.clip_rows import clip_key_of_event
    from deepsentinel_pipelines.resources.standalone import standalone_resources

    bring_up(load_settings())
    with standalone_resources("database", "object_store") as resources:
        with resources.database.connection() as conn:
            key = clip_key_of_event(conn, args.event_id)
        if key is None:
            stderr(f"event #{args.event_id} has no clip")
            return 1
        store = resources.object_store
        if args.out:
            print(store.download(store.highlights_bucket, key, Path(args.out).expanduser()))
        else:
            print(store.presigned_get(store.highlights_bucket, key, args.expires))
    return 0


def add_clip_command(sub: Any) -> None:
    """Add `clip` to the `deepsentinel` sub-commands."""
    clip = sub.add_parser("clip", help="print the URL of an event's clip, or save it")
    clip.add_argument("event_id", type=int, help="the event id cited in answers (#N)")
    clip.add_argument("--out", help="save the MP4 here instead of printing a URL")
    clip.add_argument("--expires", type=int, default=3600, help="URL lifetime in seconds")
    clip.set_defaults(func=_cmd_clip)
