"""The `deepsentinel` command line: services, demo, processing, questions, uploads."""

from __future__ import annotations

import argparse
import sys

from deepsentinel_pipelines.cli.ask import add_ask_command
from deepsentinel_pipelines.cli.clip import add_clip_command
from deepsentinel_pipelines.cli.errors import VERBOSE_HELP, report_internal_error
from deepsentinel_pipelines.cli.ingest import add_ingest_commands
from deepsentinel_pipelines.cli.process import add_process_commands
from deepsentinel_pipelines.cli.services import add_dev_commands, add_services_command


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
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `deepsentinel` command: exit 2 for bad input, 1 for internal errors."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        return args.func(args)
    except Exception as err:
        if getattr(args, "verbose", False):
            raise
        return report_internal_error(err)
