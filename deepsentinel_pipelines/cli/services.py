"""`deepsentinel services | env | dev`: the embedded stack, its environment, and the Dagster UI."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from deepsentinel_pipelines.settings import (
    DEFAULT_DAGSTER_UI_PORT,
    DEFAULT_REVIEW_PORT,
    WORKSPACE_YAML,
    Settings,
    export_environment,
    load_settings,
)


def bring_up(settings: Settings) -> Settings:
    """Start the services ``settings`` name; return the settings that reach them.

    Their environment is also exported into this process, for Dagster and for children only:
    Dagster resolves the resources' ``EnvVar`` values from the process environment when it
    builds them or runs a job in-process, and `dagster dev` and `dagster job backfill` inherit
    it. Code of ours takes the returned settings as a parameter instead of reading the
    environment again.
    """
    # Imported here: the manager loads boto3 and the bootstrap, which `deepsentinel ask` skips
    # when the services already run.
    from deepsentinel_pipelines.local_stack.manager import services_up

    export_environment(services_up(settings))
    return load_settings()


def _print_status(status: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(status))
        return
    pg, s3, sqs = status["postgres"], status["s3"], status["sqs"]
    mark = {True: "ok  ", False: "DOWN"}
    print(f"{mark[pg['ok']]} postgres  pgvector {pg.get('pgvector')} {pg.get('error', '')}")
    print(f"{mark[s3['ok']]} s3        buckets: {', '.join(s3['buckets'])} {s3.get('error', '')}")
    print(f"{mark[sqs['ok']]} sqs       queues: {', '.join(sqs['queues'])} {sqs.get('error', '')}")


def _cmd_services(args: argparse.Namespace) -> int:
    from deepsentinel_pipelines.local_stack.manager import services_down, services_status

    settings = load_settings()
    if args.action == "down":
        stopped = services_down(settings)
        print(json.dumps({"stopped": stopped}) if args.json else f"stopped: {stopped}")
        return 0
    if args.action == "up":
        settings = bring_up(settings)
    status = services_status(settings)
    _print_status(status, args.json)
    return 0 if all(part["ok"] for part in status.values()) else 1


def _cmd_env(args: argparse.Namespace) -> int:
    from deepsentinel_pipelines.local_stack.manager import service_environment

    del args
    for key, value in sorted(service_environment(load_settings()).items()):
        print(f"export {key}={value!r}")
    return 0


def _cmd_dev(args: argparse.Namespace) -> int:
    # Each side links to the other: the UI's metadata to the review pages and back.
    export_environment(
        {
            "DEEPSENTINEL_DAGSTER_UI_URL": f"http://127.0.0.1:{args.port}",
            "DEEPSENTINEL_REVIEW_URL": f"http://127.0.0.1:{args.review_port}",
        },
        overwrite=False,
    )
    bring_up(load_settings())
    # dagster dev started in the background ignores SIGINT/SIGTERM unless these are default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if args.review_port:
        # The review pages, in a process of their own that ends when this one (dagster dev,
        # by exec, with the same pid) ends; in its process group, so Ctrl-C reaches both.
        subprocess.Popen(
            [
                sys.executable, "-m", "deepsentinel_pipelines.cli", "review",
                "--port", str(args.review_port), "--parent-pid", str(os.getpid()),
            ]
        )  # fmt: skip
    dagster = str(Path(sys.executable).parent / "dagster")
    os.chdir(WORKSPACE_YAML.parent)
    os.execv(
        dagster,
        [dagster, "dev", "-w", str(WORKSPACE_YAML), "-h", "127.0.0.1", "-p", str(args.port)],
    )


def add_services_command(sub: Any) -> None:
    """Add `services` to the `deepsentinel` sub-commands."""
    services = sub.add_parser("services", help="start, stop or check the embedded services")
    services.add_argument("action", choices=["up", "down", "status"])
    services.add_argument("--json", action="store_true", help="print one JSON object")
    services.set_defaults(func=_cmd_services)


def add_dev_commands(sub: Any) -> None:
    """Add `dev` and `env` to the `deepsentinel` sub-commands."""
    dev = sub.add_parser(
        "dev", help="start the Dagster UI and the review pages (`review`) on 127.0.0.1"
    )
    dev.add_argument("--port", type=int, default=DEFAULT_DAGSTER_UI_PORT, help="Dagster UI port")
    dev.add_argument(
        "--review-port",
        type=int,
        default=DEFAULT_REVIEW_PORT,
        help="port of the review pages (0: do not start them)",
    )
    dev.set_defaults(func=_cmd_dev)

    env = sub.add_parser("env", help="print the environment variables of the running services")
    env.set_defaults(func=_cmd_env)
