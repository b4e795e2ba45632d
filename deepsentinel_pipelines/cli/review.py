"""`deepsentinel review`: the operator's review and ask pages, beside the Dagster UI."""

from __future__ import annotations

import argparse
import os
import signal
import threading
import time
from typing import Any

from deepsentinel_pipelines.cli.errors import UserError
from deepsentinel_pipelines.cli.output import chatter_to_stderr
from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.settings import DEFAULT_REVIEW_PORT, load_settings


def _end_with(parent_pid: int) -> None:
    """Stop this server (as Ctrl-C would) once the process that started it is gone."""

    def watch() -> None:
        while True:
            try:
                os.kill(parent_pid, 0)
            except ProcessLookupError:
                os.kill(os.getpid(), signal.SIGTERM)
                return
            except PermissionError:
                pass  # alive, another user's
            time.sleep(2.0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _cmd_review(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: not a TCP port")
    # Imported here: the web stack and the database checks are only this command's.
    import uvicorn

    from deepsentinel_pipelines.cli.question_answering import running_database_urls
    from deepsentinel_pipelines.review.app import build_app

    settings = load_settings()
    # A database already up with the current schema (a deployment's) is used as it is; only
    # the embedded stack is started, as `ask` does.
    urls = running_database_urls(settings)
    if urls is None:
        with chatter_to_stderr():
            settings = bring_up(settings)
        urls = (settings.database_url or "", settings.reader_database_url or "")
    app = build_app(settings, urls[1])
    if args.parent_pid:
        _end_with(args.parent_pid)
    print(f"review pages on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def add_review_command(sub: Any) -> None:
    """Add `review` to the `deepsentinel` sub-commands."""
    review = sub.add_parser(
        "review", help="serve the operator's review and ask pages (videos, timelines, answers)"
    )
    review.add_argument("--host", default="127.0.0.1", help="address to listen on")
    review.add_argument("--port", type=int, default=DEFAULT_REVIEW_PORT)
    # `deepsentinel dev` starts the pages beside the UI; they end when it ends.
    review.add_argument("--parent-pid", type=int, help=argparse.SUPPRESS)
    review.set_defaults(func=_cmd_review)
