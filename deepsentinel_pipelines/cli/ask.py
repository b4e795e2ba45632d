"""`deepsentinel ask "QUESTION"`: the command, its arguments and its report.

Kept light: every `deepsentinel` command loads this module to build its parser, and the
answering code (:mod:`deepsentinel_pipelines.cli.question_answering`: psycopg, numpy, sqlglot,
~0.7 s) is imported only when a question is asked.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from deepsentinel_pipelines.cli.inputs import session_option, window_options
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.text.escaping import terminal_text
from deepsentinel_pipelines.timefmt import format_timestamp

if TYPE_CHECKING:
    from deepsentinel_pipelines.rag.result import AskResult


def format_result(result: AskResult) -> str:
    """The human-readable report of one answer (names from outside shown, not obeyed)."""
    answer = "\n         ".join(terminal_text(line) for line in result.answer.splitlines())
    lines = [f"answer   {answer}"]
    if result.plan is not None:
        lines.append(f"asked    {terminal_text(result.plan.describe())}")
    for event in result.events:
        end = max(event.end_s, event.start_s)
        when = f"{format_timestamp(event.start_s)}–{format_timestamp(end)}"
        line = (
            f"event    #{event.event_id} {terminal_text(event.video_id)} {when} {event.event_type}"
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
    # Imported here, not at the top: see the module docstring.
    from deepsentinel_pipelines.cli.question_answering import ask_question

    result = ask_question(
        load_settings(), args.question, video_ids=args.video, window=window, session_id=session
    )
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
    ask.add_argument("--session", help="QA session id to add this question to")
    ask.add_argument("--json", action="store_true", help="print one JSON object")
    # Nothing after an answer needs interpreter teardown (see `cli.main.run`).
    ask.set_defaults(func=_cmd_ask, skip_teardown=True)
