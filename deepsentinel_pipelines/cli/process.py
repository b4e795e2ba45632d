"""`deepsentinel process FILE | demo`: upload a video, run its analysis here, print the report."""

from __future__ import annotations

import argparse
import json
from argparse import SUPPRESS
from pathlib import Path
from typing import Any

from deepsentinel_pipelines.cli.ask import format_result
from deepsentinel_pipelines.cli.errors import VERBOSE_HELP, UserError, stderr
from deepsentinel_pipelines.cli.inputs import (
    RECORDED_AT_HELP,
    upload_target,
)
from deepsentinel_pipelines.cli.output import chatter_to_stderr
from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.settings import SAMPLE_VIDEO, load_settings
from deepsentinel_pipelines.text.escaping import terminal_text

SAMPLE_KEY = "samples/sample_plaza.mp4"
DEMO_QUESTION = "How many people crossed the plaza in the first 30 seconds?"


def _print_report(report: dict[str, Any]) -> None:
    report = _shown(report)
    print(f"video      {report['video_id']}  ({report['duration_s']:.1f} s)")
    print(f"run        {report['run_id']}  {'succeeded' if report['success'] else 'FAILED'}")
    if report["error"]:
        print(f"error      {report['error']}")
    print(f"camera     {report['camera']}")
    when = report["recorded_at"]
    print(f"recorded   {when} ({report['recorded_at_source']})" if when else "recorded   unknown")
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


def _shown(value: Any) -> Any:
    """The report with every text escaped for the terminal (keys and names come from outside)."""
    if isinstance(value, str):
        return terminal_text(value)
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shown(v) for v in value]
    return value


def _process(
    path: Path,
    key: str,
    camera: str,
    question: str | None,
    as_json: bool,
    verbose: bool,
    recorded_at: str | None = None,
) -> int:
    # Imported here: the probe loads PyAV and the runner Dagster and the video stack (seconds
    # of start-up that the other commands, `ask` above all, must not pay).
    from deepsentinel_pipelines.video.probe import VideoProbeError, probe_video

    try:
        probe_video(path)  # before anything starts: a bad file is the user's to fix, in a line
    except VideoProbeError as err:
        # The message starts with the user's path.
        raise UserError(str(err), file=str(path)) from None
    # Imported here: every `deepsentinel` command loads this module, and `ask` must stay light.
    from deepsentinel_pipelines.cli.question_answering import ask_question
    from deepsentinel_pipelines.runs.runner import process_file

    with chatter_to_stderr():
        settings = bring_up(load_settings())
        report = process_file(path, key, camera, stderr, verbose, recorded_at).as_json()
        answer = None
        if question and report["success"]:
            stderr(f"asking: {question}")
            answer = ask_question(settings, question, video_ids=[report["video_id"]])
            report |= {"question": question, "answer": answer.as_json()}
    if as_json:
        print(json.dumps(report))
    else:
        _print_report(report)
        if answer is not None:
            print(f"\nquestion   {terminal_text(question)}")
            print(format_result(answer))
    return 0 if report["success"] else 1


def _cmd_process(args: argparse.Namespace) -> int:
    t = upload_target(args)
    return _process(t.path, t.key, t.camera, None, args.json, args.verbose, t.recorded_at)


def _cmd_demo(args: argparse.Namespace) -> int:
    return _process(SAMPLE_VIDEO, SAMPLE_KEY, "plaza", args.question, args.json, args.verbose)


def add_process_commands(sub: Any) -> None:
    """Add `demo` and `process` to the `deepsentinel` sub-commands."""
    demo = sub.add_parser("demo", help="analyse the bundled sample video end to end")
    demo.add_argument("--json", action="store_true", help="print one JSON object")
    demo.add_argument("--question", default=DEMO_QUESTION, help="asked about the sample at the end")
    demo.add_argument("-v", "--verbose", action="store_true", default=SUPPRESS, help=VERBOSE_HELP)
    demo.set_defaults(func=_cmd_demo)

    process = sub.add_parser("process", help="upload and analyse a local video file")
    process.add_argument("file")
    process.add_argument("--camera", default="default", help="camera name (rules in cameras.yaml)")
    process.add_argument("--key", help="object key in raw-videos (default uploads/CAMERA/NAME)")
    process.add_argument("--recorded-at", metavar="ISO", help=RECORDED_AT_HELP)
    process.add_argument("--json", action="store_true", help="print one JSON object")
    process.add_argument(
        "-v", "--verbose", action="store_true", default=SUPPRESS, help=VERBOSE_HELP
    )
    process.set_defaults(func=_cmd_process)
