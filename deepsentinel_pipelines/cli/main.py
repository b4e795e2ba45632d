"""The `deepsentinel` command line: services, demo, processing, questions, uploads."""

from __future__ import annotations

import argparse
import os
import sys
from typing import NoReturn

from deepsentinel_pipelines.cli.ask import add_ask_command
from deepsentinel_pipelines.cli.clip import add_clip_command
from deepsentinel_pipelines.cli.errors import (
    USER_ERROR,
    VERBOSE_HELP,
    UserError,
    report_failure,
    report_internal_error,
)
from deepsentinel_pipelines.cli.ingest import add_ingest_commands
from deepsentinel_pipelines.cli.process import add_process_commands
from deepsentinel_pipelines.cli.record import add_record_command
from deepsentinel_pipelines.cli.services import add_dev_commands, add_services_command
from deepsentinel_pipelines.local_stack.errors import ServiceError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="deepsentinel", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help=VERBOSE_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    add_services_command(sub)
    add_process_commands(sub)
    add_dev_commands(sub)
    add_ingest_commands(sub)
    add_ask_command(sub)
    add_clip_command(sub)
    add_record_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command: exit 2 for bad input, 1 for internal errors."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    return _run_command(args)


def run() -> NoReturn:
    """The `deepsentinel` command (console script and ``python -m``): a command, then exit.

    A command that sets ``skip_teardown`` (``ask``) ends its process with ``os._exit`` once its
    output is flushed: its connections are closed and its session saved by then, and the
    interpreter's teardown (unloading OpenVINO, finalising modules, waiting for an encoder that
    a question never needed) took about a third of a second of every question.
    """
    args = build_parser().parse_args(sys.argv[1:])
    code = _run_command(args)
    if getattr(args, "skip_teardown", False):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def _run_command(args: argparse.Namespace) -> int:
    as_json = bool(getattr(args, "json", False))
    try:
        return args.func(args)
    except UserError as err:  # the input's fault: one line, exit 2, even with --verbose
        return report_failure(err.message, USER_ERROR, as_json, **err.fields)
    except Exception as err:
        if getattr(args, "verbose", False):
            raise
        if isinstance(err, ServiceError):  # the user's to fix; the message says how
            return report_failure(str(err), 1, as_json)
        return report_internal_error(err, as_json)
