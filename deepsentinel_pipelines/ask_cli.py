"""`deepsentinel ask "QUESTION"`: the rag_query op's code path, run from the command line.

The resources are the ones the Definitions use (:func:`build_resources`), initialised with
``dagster.build_resources`` so that ``EnvVar`` values resolve and ``setup_for_execution`` runs
(migrations, the connection pool, the embedding model) exactly as inside a Dagster run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from deepsentinel_pipelines.rag.pipeline import AskResult, ask_with_resources
from deepsentinel_pipelines.rag.question import Window
from deepsentinel_pipelines.timefmt import format_timestamp

#: The resources question answering needs (the detector and the job queue are left out).
QA_RESOURCE_KEYS = ("database", "object_store", "embedder", "llm", "reranker")


def limit_torch_threads(threads: int = 1) -> None:
    """Use ``threads`` torch threads in this process (the CLI embeds one short question).

    A short sentence gains nothing from intra-op parallelism, and on a busy machine the extra
    threads cost far more than they give (MiniLM on 2 shared, loaded cores: p50 125 ms with two
    threads, 20 ms with one).
    """
    import torch

    torch.set_num_threads(threads)


@contextmanager
def qa_resources() -> Iterator[Any]:
    """The question-answering resources, configured and set up as in a Dagster run."""
    from dagster import build_resources as dagster_build_resources

    from deepsentinel_pipelines.resources import build_resources

    every = build_resources()
    with dagster_build_resources({key: every[key] for key in QA_RESOURCE_KEYS}) as resources:
        yield resources


def ask_question(
    question: str,
    *,
    video_ids: Sequence[str] = (),
    window: Window | None = None,
    session_id: str | None = None,
) -> AskResult:
    """Start the services if needed, then answer ``question`` (saved as a ``cli`` session)."""
    from deepsentinel_pipelines.cli import bring_up
    from deepsentinel_pipelines.settings import load_settings

    bring_up(load_settings())
    limit_torch_threads()
    with qa_resources() as resources:
        return ask_with_resources(
            resources,
            question,
            video_ids=video_ids,
            window=window,
            session_id=session_id,
            source="cli",
        )


def format_result(result: AskResult) -> str:
    """The human-readable report of one answer."""
    lines = [f"answer   {result.answer}"]
    for event in result.events:
        end = max(event.end_s, event.start_s)
        when = f"{format_timestamp(event.start_s)}–{format_timestamp(end)}"
        line = f"event    #{event.event_id} {event.video_id} {when} {event.event_type}"
        if event.highlight_url:
            line += f"\n         highlight {event.highlight_url}"
        if event.clip_url:
            line += f"\n         clip      {event.clip_url}"
        lines.append(line)
    for note in result.notes:
        lines.append(f"note     {note}")
    if result.sql:
        lines.append("sql      " + result.sql.replace("\n", "\n         "))
    lines.append(f"session  {result.session_id}")
    lines.append("timings  " + ", ".join(f"{k} {v:.1f} ms" for k, v in result.timings_ms.items()))
    return "\n".join(lines)


def ask_and_print(question: str, as_json: bool = False, video_ids: Sequence[str] = ()) -> int:
    """Answer and print (the end of ``deepsentinel demo``); 0, or 1 when the question was refused.

    Args:
        question: The question.
        as_json: Print the ``--json`` object instead of the report.
        video_ids: Videos to search (empty: those the question names, or all).
    """
    result = ask_question(question, video_ids=video_ids)
    print(json.dumps(result.as_json()) if as_json else format_result(result))  # noqa: T201
    sys.stdout.flush()
    return 1 if result.refused else 0


def _cmd_ask(args: argparse.Namespace) -> int:
    window = None
    if args.start is not None or args.end is not None:
        window = (args.start, args.end)
    result = ask_question(
        args.question, video_ids=args.video, window=window, session_id=args.session
    )
    print(json.dumps(result.as_json()) if args.json else format_result(result))  # noqa: T201
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
    ask.set_defaults(func=_cmd_ask)
