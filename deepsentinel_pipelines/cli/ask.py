"""`deepsentinel ask "QUESTION"`: the command, its arguments and its report.

Kept light: every `deepsentinel` command loads this module to build its parser, and the
answering code (:mod:`deepsentinel_pipelines.cli.question_answering`: psycopg, numpy, sqlglot,
~0.7 s) is imported only when a question is asked.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from deepsentinel_pipelines.cli.errors import UserError
from deepsentinel_pipelines.cli.inputs import (
    camera_option,
    session_option,
    time_option,
    window_options,
)
from deepsentinel_pipelines.rag.clock_window import ClockScopeError
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.text.escaping import terminal_text

if TYPE_CHECKING:
    from deepsentinel_pipelines.rag.result import AskResult


def format_result(result: AskResult) -> str:
    """The human-readable report of one answer (names from outside shown, not obeyed)."""
    # Imported here: the answer module's import is what `ask` defers (see the docstring).
    from deepsentinel_pipelines.rag.wording import event_time

    answer = "\n         ".join(terminal_text(line) for line in result.answer.splitlines())
    lines = [f"answer   {answer}"]
    if result.plan is not None:
        lines.append(f"asked    {terminal_text(result.plan.describe())}")
    if result.time_window:
        lines.append(f"window   {terminal_text(result.time_window)}")
    for event in result.events:
        line = (
            f"event    #{event.event_id} {terminal_text(event.video_id)} {event_time(event)} "
            f"{event.event_type}"
        )
        if event.highlight_url:
            line += f"\n         highlight {event.highlight_url}"
        if event.clip_url:
            line += f"\n         clip      {event.clip_url}"
        lines.append(line)
    for note in result.notes:
        lines.append(f"note     {terminal_text(note)}")
    if result.sql:
        sql = "\n         ".join(terminal_text(line) for line in result.sql.splitlines())
        lines.append(f"sql      {sql}")
    lines.append(f"session  {result.session_id}")
    lines.append("timings  " + ", ".join(f"{k} {v:.1f} ms" for k, v in result.timings_ms.items()))
    return "\n".join(lines)


def _cmd_ask(args: argparse.Namespace) -> int:
    window = window_options(args.start, args.end)
    session = session_option(args.session)
    cameras = [camera_option(c) for c in args.camera]
    start = time_option(args.start_at, "--from")
    end = time_option(args.end_at, "--to")
    # Imported here, not at the top: see the module docstring.
    from deepsentinel_pipelines.cli.question_answering import ask_question

    try:
        result = ask_question(
            load_settings(),
            args.question,
            video_ids=args.video,
            window=window,
            session_id=session,
            cameras=cameras,
            start=start,
            end=end,
        )
    except ClockScopeError as err:
        raise UserError(f"--from/--to: {err}") from None
    print(json.dumps(result.as_json()) if args.json else format_result(result))
    return 1 if result.refused else 0


def add_ask_command(subparsers: Any) -> None:
    """Register ``ask`` on the CLI's sub-command parsers."""
    ask = subparsers.add_parser(
        "ask", help="answer a question about the analysed videos, citing events"
    )
    ask.add_argument("question", help='for example "did anyone fall between minute 1 and 2?"')
    ask.add_argument(
        "--video",
        action="append",
        default=[],
        metavar="ID",
        help="search only this video (repeatable)",
    )
    ask.add_argument("--start", type=float, help="window start, seconds from the video start")
    ask.add_argument("--end", type=float, help="window end, seconds from the video start")
    ask.add_argument(
        "--camera",
        action="append",
        default=[],
        metavar="NAME",
        help="search only this camera's videos (repeatable)",
    )
    ask.add_argument(
        "--from",
        dest="start_at",
        metavar="ISO",
        help="from this time (ISO 8601; without an offset, in the camera's timezone)",
    )
    ask.add_argument("--to", dest="end_at", metavar="ISO", help="until this time (ISO 8601)")
    ask.add_argument("--session", help="QA session id to add this question to")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    # Nothing after an answer needs interpreter teardown (see `cli.main.run`).
    ask.set_defaults(func=_cmd_ask, skip_teardown=True)
