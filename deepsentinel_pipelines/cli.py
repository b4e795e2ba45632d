"""The `deepsentinel` command line: services, demo, processing, questions, uploads."""

from __future__ import annotations

import argparse
import json
import os
import sys

from deepsentinel_pipelines.services.manager import (
    service_environment,
    services_down,
    services_status,
    services_up,
)
from deepsentinel_pipelines.settings import Settings, load_settings


def _print_status(status: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(status))
        return
    pg, s3, sqs = status["postgres"], status["s3"], status["sqs"]
    mark = {True: "ok  ", False: "DOWN"}
    print(f"{mark[pg['ok']]} postgres  pgvector {pg.get('pgvector')} {pg.get('error', '')}")
    print(f"{mark[s3['ok']]} s3        buckets: {', '.join(s3['buckets'])} {s3.get('error', '')}")
    print(f"{mark[sqs['ok']]} sqs       queues: {', '.join(sqs['queues'])} {sqs.get('error', '')}")


def bring_up(settings: Settings) -> Settings:
    """Start the services and export their environment into this process (for children)."""
    os.environ.update(services_up(settings))
    return load_settings()


def _cmd_services(args: argparse.Namespace) -> int:
    settings = load_settings()
    if args.action == "up":
        bring_up(settings)
        status = services_status(load_settings())
        _print_status(status, args.json)
        return 0 if all(part["ok"] for part in status.values()) else 1
    if args.action == "down":
        stopped = services_down(settings)
        print(json.dumps({"stopped": stopped}) if args.json else f"stopped: {stopped}")
        return 0
    status = services_status(settings)
    _print_status(status, args.json)
    return 0 if all(part["ok"] for part in status.values()) else 1


def _cmd_env(args: argparse.Namespace) -> int:
    del args
    for key, value in sorted(service_environment(load_settings()).items()):
        print(f"export {key}={value!r}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="deepsentinel", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    services = sub.add_parser("services", help="start, stop or check the embedded services")
    services.add_argument("action", choices=["up", "down", "status"])
    services.add_argument("--json", action="store_true", help="print one JSON object")
    services.set_defaults(func=_cmd_services)

    env = sub.add_parser("env", help="print the environment variables of the running services")
    env.set_defaults(func=_cmd_env)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `deepsentinel` command."""
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
