"""The `deepsentinel` command line: services, demo, processing, questions, uploads."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from argparse import SUPPRESS
from pathlib import Path

from deepsentinel_pipelines.settings import (
    SAMPLE_VIDEO,
    WORKSPACE_YAML,
    Settings,
    load_settings,
)

SAMPLE_KEY = "samples/sample_plaza.mp4"
DEMO_QUESTION = "How many people crossed the plaza in the first 30 seconds?"


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
    from deepsentinel_pipelines.services.manager import services_up

    os.environ.update(services_up(settings))
    return load_settings()


def _cmd_services(args: argparse.Namespace) -> int:
    from deepsentinel_pipelines.services.manager import services_down, services_status

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
    from deepsentinel_pipelines.services.manager import service_environment

    del args
    for key, value in sorted(service_environment(load_settings()).items()):
        print(f"export {key}={value!r}")
    return 0


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _print_report(report: dict) -> None:
    print(f"video      {report['video_id']}  ({report['duration_s']:.1f} s)")
    print(f"run        {report['run_id']}  {'succeeded' if report['success'] else 'FAILED'}")
    if report["error"]:
        print(f"error      {report['error']}")
    print(f"analysed   {report['frames_analyzed']} frames, {report['people_tracked']} people")
    events = ", ".join(f"{k} {v}" for k, v in report["events"].items()) or "none"
    print(f"events     {events}")
    print(f"thumbnail  {report['thumbnail']}")
    print(f"highlights {len(report['highlights'])}: {', '.join(report['highlights'][:5])}")
    print(f"clips      {len(report['clips'])}: {', '.join(report['clips'][:5])}")
    print(f"occupancy  {', '.join(report['occupancy_images']) or 'none'}")
    print(f"summary    {report['summary']}")
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in report["timings_s"].items())
    print(f"timings    {timings}")


def _process(
    path: Path, key: str, camera: str, question: str | None, as_json: bool, verbose: bool
) -> int:
    from deepsentinel_pipelines.video.probe import VideoProbeError, probe_video

    if not path.is_file():
        _stderr(f"error: {path}: no such file")
        return 2
    try:
        probe_video(path)  # before anything starts: a bad file is the user's to fix, in a line
    except VideoProbeError as err:
        _stderr(f"error: {err}")  # the message starts with the user's path
        if as_json:
            print(json.dumps({"file": str(path), "success": False, "error": str(err)}))
        return 2
    from deepsentinel_pipelines.ask_cli import ask_question, format_result
    from deepsentinel_pipelines.runner import process_file

    settings = bring_up(load_settings())
    report = process_file(settings, path, key, camera, _stderr, verbose).as_json()
    answer = None
    if question and report["success"]:
        _stderr(f"asking: {question}")
        answer = ask_question(question, video_ids=[report["video_id"]])
        report |= {"question": question, "answer": answer.as_json()}
    if as_json:
        print(json.dumps(report))
    else:
        _print_report(report)
        if answer is not None:
            print(f"\nquestion   {question}")
            print(format_result(answer))
    return 0 if report["success"] else 1


def _cmd_process(args: argparse.Namespace) -> int:
    path = Path(args.file).expanduser().resolve()
    key = args.key or f"uploads/{args.camera}/{path.name}"
    return _process(path, key, args.camera, None, args.json, args.verbose)


def _cmd_demo(args: argparse.Namespace) -> int:
    return _process(SAMPLE_VIDEO, SAMPLE_KEY, "plaza", args.question, args.json, args.verbose)


def _cmd_dev(args: argparse.Namespace) -> int:
    bring_up(load_settings())
    # dagster dev started in the background ignores SIGINT/SIGTERM unless these are default.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    dagster = str(Path(sys.executable).parent / "dagster")
    os.chdir(WORKSPACE_YAML.parent)
    os.execv(
        dagster,
        [dagster, "dev", "-w", str(WORKSPACE_YAML), "-h", "127.0.0.1", "-p", str(args.port)],
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="deepsentinel", description=__doc__)
    verbose_help = "show stack traces and the run's warnings"
    parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)
    sub = parser.add_subparsers(dest="command", required=True)

    services = sub.add_parser("services", help="start, stop or check the embedded services")
    services.add_argument("action", choices=["up", "down", "status"])
    services.add_argument("--json", action="store_true", help="print one JSON object")
    services.set_defaults(func=_cmd_services)

    demo = sub.add_parser("demo", help="analyse the bundled sample video end to end")
    demo.add_argument("--json", action="store_true", help="print one JSON object")
    demo.add_argument("--question", default=DEMO_QUESTION, help="asked about the sample at the end")
    demo.add_argument("-v", "--verbose", action="store_true", default=SUPPRESS, help=verbose_help)
    demo.set_defaults(func=_cmd_demo)

    process = sub.add_parser("process", help="upload and analyse a local video file")
    process.add_argument("file")
    process.add_argument("--camera", default="default", help="camera name (rules in cameras.yaml)")
    process.add_argument("--key", help="object key in raw-videos (default uploads/CAMERA/NAME)")
    process.add_argument("--json", action="store_true", help="print one JSON object")
    process.add_argument(
        "-v", "--verbose", action="store_true", default=SUPPRESS, help=verbose_help
    )
    process.set_defaults(func=_cmd_process)

    dev = sub.add_parser("dev", help="start the Dagster UI on 127.0.0.1")
    dev.add_argument("--port", type=int, default=3000)
    dev.set_defaults(func=_cmd_dev)

    env = sub.add_parser("env", help="print the environment variables of the running services")
    env.set_defaults(func=_cmd_env)
    from deepsentinel_pipelines.ingest_cli import add_ingest_commands  # here: it imports cli

    add_ingest_commands(sub)
    from deepsentinel_pipelines.ask_cli import add_ask_command

    add_ask_command(sub)
    from deepsentinel_pipelines.clip_cli import add_clip_command

    add_clip_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `deepsentinel` command: exit 2 for bad input, 1 for internal errors."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["ask"]:
        # A question should take about a second: parse it without importing the other
        # commands' modules (boto3, the service manager, the ingest helpers).
        from deepsentinel_pipelines.ask_cli import add_ask_command

        parser = argparse.ArgumentParser(prog="deepsentinel")
        add_ask_command(parser.add_subparsers(dest="command", required=True))
    else:
        parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Exception as err:
        if getattr(args, "verbose", False):
            raise
        _stderr(f"error: {type(err).__name__}: {err}".splitlines()[0])
        _stderr("(an internal error; run again with --verbose for the stack trace)")
        return 1


if __name__ == "__main__":
    sys.exit(main())
