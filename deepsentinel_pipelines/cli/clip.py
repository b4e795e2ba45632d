"""`deepsentinel clip EVENT_ID`: the presigned URL of an event's clip, or the clip saved locally."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from deepsentinel_pipelines.cli.errors import UserError
from deepsentinel_pipelines.cli.inputs import output_file
from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.text.escaping import terminal_text


def _cmd_clip(args: argparse.Namespace) -> int:
    out = output_file(args.out) if args.out else None
    if args.expires < 1:
        raise UserError(f"--expires {args.expires}: a URL lives at least 1 second")
    # Imported here: Dagster, the resources and the clip encoder take seconds to load, and the
    # parser that reads `deepsentinel ask` imports this module.
    from deepsentinel_pipelines.db.clip_rows import clip_key_of_event
    from deepsentinel_pipelines.resources.standalone import standalone_resources

    bring_up(load_settings())
    with standalone_resources("database", "object_store") as resources:
        with resources.database.connection() as conn:
            key = clip_key_of_event(conn, args.event_id)
        if key is None:
            raise UserError(f"event #{args.event_id} has no clip")
        store = resources.object_store
        if out is not None:
            _save(store.get_bytes(store.highlights_bucket, key), out)
            print(terminal_text(str(out)))
        else:
            print(store.presigned_get(store.highlights_bucket, key, args.expires))
    return 0


def _save(data: bytes, out: Path) -> None:
    # Written in place, not through a temporary file renamed over it: `--out /dev/null` must
    # stay a device, and a failed write is the user's path to fix, said in a line.
    try:
        with out.open("wb") as fh:
            fh.write(data)
    except OSError as err:
        raise UserError(f"--out {terminal_text(str(out))}: {err.strerror or err}") from None


def add_clip_command(sub: Any) -> None:
    """Add `clip` to the `deepsentinel` sub-commands."""
    clip = sub.add_parser("clip", help="print the URL of an event's clip, or save it")
    clip.add_argument("event_id", type=int, help="the event id cited in answers (#N)")
    clip.add_argument("--out", help="save the MP4 here instead of printing a URL")
    clip.add_argument("--expires", type=int, default=3600, help="URL lifetime in seconds")
    clip.set_defaults(func=_cmd_clip)
