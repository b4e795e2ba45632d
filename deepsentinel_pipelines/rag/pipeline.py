"""Answer an operator's question from the events: a thin router over the question kinds.

One code path for the ``rag_query`` op and ``deepsentinel ask``:

1. screen the question (``rag/refusal.py``): hostile text is refused before anything runs;
2. parse it (``rag/question.py``) against the names the database and the cameras file know;
3. the first kind (``rag/kinds/``) that recognises it makes the :class:`QueryPlan`; when none
   does, the kind of the nearest example question (MiniLM) does, or retrieval alone answers;
4. the compiler's statements run through the guard on the reader login (``rag/execution.py``),
   or, for retrieval, pgvector and full-text search, fused and reranked (``rag/semantic.py``);
   a language model's own SQL (Bedrock) is validated and run beside them, as evidence;
5. the composer (``rag/composer.py``) writes the answer, the cited events get presigned
   highlight and clip URLs, and the language model may reword it (the local one does not);
6. the session and the interaction are saved, with the application's own login.
"""

from __future__ import annotations

import functools
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace

import numpy as np
import psycopg
from psycopg import pq

from deepsentinel_pipelines.rag import composer
from deepsentinel_pipelines.rag.evidence import evidence_text
from deepsentinel_pipelines.rag.execution import run_plan, with_links
from deepsentinel_pipelines.rag.kinds import KINDS
from deepsentinel_pipelines.rag.model_sql import event_ids, run_model_statement, schema_description
from deepsentinel_pipelines.rag.nearest_kind import nearest_kind
from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan
from deepsentinel_pipelines.rag.ports import (
    Database,
    Embedder,
    HighlightStore,
    LanguageModel,
    Reranker,
)
from deepsentinel_pipelines.rag.question import (
    ParsedQuestion,
    Window,
    checked_window,
    clean_question,
    parse_question,
)
from deepsentinel_pipelines.rag.refusal import screen_question
from deepsentinel_pipelines.rag.result import AskResult
from deepsentinel_pipelines.rag.retrieval import (
    DEFAULT_CANDIDATES,
    DEFAULT_TIMEOUT_MS,
    mentioned_videos,
    vocabulary,
)
from deepsentinel_pipelines.rag.rows import Findings, OccupancyFinding
from deepsentinel_pipelines.rag.scope import caller_scope, in_clock, moment
from deepsentinel_pipelines.rag.semantic import DEFAULT_MIN_SIMILARITY, closest_events
from deepsentinel_pipelines.rag.sessions import save_interaction
from deepsentinel_pipelines.rag.site import LineBook
from deepsentinel_pipelines.rag.time_scope import TimeScope, scope_in_time

ConnectFn = Callable[[], AbstractContextManager[psycopg.Connection]]
PresignFn = Callable[[str], str]


class _Stopwatch:
    """Milliseconds per named stage."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.ms: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = (time.perf_counter() - start) * 1000
            self.ms[stage] = round(self.ms.get(stage, 0.0) + elapsed, 2)

    def total(self) -> dict[str, float]:
        return {**self.ms, "total": round((time.perf_counter() - self.started) * 1000, 2)}


@dataclass
class _Request:
    """One question on its way through the router."""

    question: str
    conn: psycopg.Connection
    reader: psycopg.Connection
    embedder: Embedder
    llm: LanguageModel
    reranker: Reranker
    presign: PresignFn
    video_ids: list[str]
    window: Window | None
    watch: _Stopwatch
    timeout_ms: int
    candidates: int
    top_k: int
    min_similarity: float
    lines: LineBook
    time_scope: TimeScope
    notes: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)


def ask(
    question: str,
    *,
    connect: ConnectFn,
    connect_reader: ConnectFn,
    embedder: Embedder,
    llm: LanguageModel,
    reranker: Reranker,
    presign: PresignFn,
    video_ids: Sequence[str] = (),
    window: Window | None = None,
    session_id: str | None = None,
    source: str = "cli",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    candidates: int = DEFAULT_CANDIDATES,
    top_k: int = composer.MAX_CITED,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    lines: LineBook | None = None,
    time_scope: TimeScope | None = None,
) -> AskResult:
    """Answer ``question`` from the events and save the interaction.

    Args:
        question: The operator's question.
        connect: Opens the application's psycopg connection (a context manager), e.g.
            ``PostgresResource.connection``, for the vector and full-text legs and for saving
            the interaction; it is left outside any transaction.
        connect_reader: Opens a connection logged in as the reader
            (``PostgresResource.reader_connection``); every guarded statement runs there.
        embedder: Embeds the question (retrieval, and the nearest-example fallback).
        llm: Writes the model's SQL (or None) and the final answer.
        reranker: Picks the cited events among retrieved candidates.
        presign: Turns a highlight or clip key into a URL.
        video_ids: Videos to search; empty means those the question names, or all.
        window: ``(start_s, end_s)`` in seconds (None for an open side); overrides the
            question's own window.
        session_id: A QA session to add to (a UUID string); a new one when None.
        source: Who asked (``cli``, ``dagster``, ...), stored with a new session.
        timeout_ms: ``statement_timeout`` of each read-only statement.
        candidates: Candidates per retriever and into the reranker.
        top_k: Events cited.
        min_similarity: Relevance floor of retrieval-only answers.
        lines: The cameras file's counting lines (direction names, screen directions).
        time_scope: Cameras, a window of real time (``--from``/``--to``), the cameras' zones
            and the clock; clock times and dates in the question are read with it.

    Returns:
        The answer, its plan, the cited events and the saved interaction's ids and timings.

    Raises:
        ValueError: If ``session_id`` is not a UUID, ``window`` is not a finite, non-negative
            window whose start is not after its end, or the time scope's window is malformed.
    """
    watch = _Stopwatch()
    session = str(uuid.UUID(session_id)) if session_id else str(uuid.uuid4())
    window = checked_window(*window) if window is not None else None
    question = clean_question(question)
    with connect() as conn, connect_reader() as reader:
        for each in (conn, reader):
            if each.info.transaction_status == pq.TransactionStatus.INTRANS:
                each.commit()  # e.g. the type look-ups of register_vector; nothing of ours yet
        with watch("screen"):
            reason = screen_question(question)
        if reason is not None:
            result = AskResult(question, f"I did not run this question. {reason}", refused=True)
        else:
            request = _Request(
                question, conn, reader, embedder, llm, reranker, presign, list(video_ids),
                window, watch, timeout_ms, candidates, top_k, min_similarity, lines or LineBook(),
                time_scope or TimeScope(),
            )  # fmt: skip
            result = _answer(request)
        result.session_id = session
        result.timings_ms = watch.total()
        with watch("save"):
            result.interaction_id = save_interaction(conn, result, source)
        result.timings_ms["save"] = watch.ms["save"]
    return result


def _answer(r: _Request) -> AskResult:
    with r.watch("parse"):
        known = vocabulary(r.reader, timeout_ms=r.timeout_ms)
        site = r.lines.site(known.video_ids, known.zones, known.lines, known.cameras)
        scoped = scope_in_time(r.reader, r.question, r.time_scope, r.video_ids, r.timeout_ms)
        clock = scoped.clock
        # The clock's words are read once: "14:05" is then no offset of 14 minutes.
        asked = clock.blank(r.question) if clock is not None else r.question
        parsed = parse_question(
            asked,
            # Within the caller's videos, a question names one of those.
            mentioned_videos(asked, r.video_ids or known.video_ids),
            known.zones,
            lines=site.lines,
            cameras=known.cameras,
        )
        if scoped.video_ids is not None:
            named = set(parsed.video_ids)
            r.video_ids = [v for v in scoped.video_ids if not named or v in named]
        instant = moment(clock)
        if instant is not None:
            parsed = replace(parsed, moment_s=0.0)  # "at 14:00:45": one moment, of real time
        plan = _first_plan(parsed)
    r.notes.extend(scoped.notes)
    if scoped.nothing is not None or (scoped.video_ids is not None and not r.video_ids):
        text = scoped.nothing or f"No video {scoped.phrase} matches the videos named."
        return AskResult(r.question, text, notes=r.notes, time_window=scoped.phrase or None)
    query_vector: np.ndarray | None = None
    if plan is None:
        with r.watch("embed"):
            query_vector = np.asarray(r.embedder.embed([r.question])[0], dtype=np.float32)
        with r.watch("plan"):
            plan = _fallback_plan(parsed, query_vector, r.embedder)
    # "Were more people going in or out?" asks which, not yes or no.
    either = plan.operation is Operation.COMPARE and " or " in parsed.norm
    plan = caller_scope(plan.but(yes_no=parsed.is_yes_no and not either), r.video_ids, r.window)
    if clock is not None and instant is not None and plan.operation is Operation.PEOPLE_AT:
        plan = in_clock(plan, instant, instant, True, scoped.phrase)
    elif clock is not None:
        plan = in_clock(plan, clock.start, clock.end, clock.end_included, scoped.phrase)
    if scoped.video_ids is not None:
        # A camera or time scope is named by its phrase, not by its many files.
        plan = plan.but(unnamed_videos=tuple(scoped.video_ids), clock_words=scoped.phrase)

    model_ids: list[int] = []
    model_rows = None
    if plan.operation is not Operation.CANNOT_TELL:
        with r.watch("model_sql"):
            model_text = r.llm.write_sql(r.question, schema_description())
        with r.watch("sql"):
            validated, model_rows, note = run_model_statement(
                r.reader, model_text, r.timeout_ms, r.conn
            )
        if validated is not None:
            r.statements.append(validated)
        if model_rows is not None:
            model_ids = event_ids(model_rows)
        if note is not None:
            r.notes.append(note)

    retrieved: list[int] = []
    if plan.operation is Operation.SEARCH:
        if query_vector is None:
            with r.watch("embed"):
                query_vector = np.asarray(r.embedder.embed([r.question])[0], dtype=np.float32)
        with r.watch("retrieve"):
            events, retrieved = closest_events(
                r.conn, r.question, query_vector, plan.filters, embedder=r.embedder,
                reranker=r.reranker, model_ids=model_ids, candidates=r.candidates,
                top_k=r.top_k, timeout_ms=r.timeout_ms, min_similarity=r.min_similarity,
            )  # fmt: skip
        found = Findings(events=events, total=len(events))
    else:
        with r.watch("sql"):
            executed = run_plan(r.reader, plan, r.timeout_ms)
        found, plan = executed.findings, executed.plan
        r.statements.extend(executed.statements)
        retrieved = [row.event_id for row in found.events]

    zones = r.time_scope.zones
    found.events = [replace(e, timezone=zones.name(e.camera)) for e in found.events]
    found.occupancy = [_zoned(o, zones.name(o.camera)) for o in found.occupancy]
    with r.watch("answer"):
        draft = composer.compose(plan, found, site)
        by_id = {row.event_id: row for row in found.events}
        cited = with_links(
            r.reader,
            [by_id[i] for i in draft.cited_event_ids if i in by_id],
            r.presign,
            r.timeout_ms,
        )
        count = _stated_number(plan, found)
        evidence = evidence_text(count, cited, model_rows, r.statements, draft.text)
        answer = r.llm.answer(r.question, evidence, draft.text)
    return AskResult(
        question=r.question,
        answer=answer,
        events=cited,
        sql=";\n".join(r.statements) if r.statements else None,
        count=count,
        retrieved_ids=retrieved,
        notes=r.notes,
        plan=plan,
        time_window=scoped.phrase or None,
    )


def _zoned(row: OccupancyFinding, zone: str) -> OccupancyFinding:
    return replace(row, timezone=zone)


def _first_plan(parsed: ParsedQuestion) -> QueryPlan | None:
    for kind in KINDS:
        plan = kind.plan(parsed)
        if plan is not None:
            return plan
    return None


def _fallback_plan(
    parsed: ParsedQuestion, query_vector: np.ndarray, embedder: Embedder
) -> QueryPlan:
    """The nearest example's kind, forced; or retrieval alone when no example is near."""
    nearest = nearest_kind(query_vector, embedder, KINDS)
    if nearest is not None:
        kind, similarity = nearest
        plan = kind.plan(parsed, forced=True)
        if plan is not None:
            reading = (
                f"read as a {kind.NAME.replace('_', ' ')} question "
                f"(nearest example, similarity {similarity:.2f})"
            )
            return plan.but(readings=(*plan.readings, reading))
    filters = Filters(
        event_types=parsed.event_types,
        zones=parsed.zones,
        video_ids=parsed.video_ids,
        cameras=parsed.cameras,
        start_s=parsed.start_s,
        end_s=parsed.end_s,
        relative_to_end=parsed.relative_to_end,
    )
    return QueryPlan("retrieval", Operation.SEARCH, filters=filters)


def _stated_number(plan: QueryPlan, found: Findings) -> int | None:
    op = plan.operation
    if op in (
        Operation.COUNT_PEOPLE,
        Operation.COUNT_EVENTS,
        Operation.EXISTS,
        Operation.LIST,
    ):
        return found.total
    if op is Operation.LARGEST and found.events and found.events[0].value is not None:
        return int(found.events[0].value)
    if op in (Operation.BUSIEST, Operation.PEOPLE_AT) and found.value is not None:
        return int(found.value)
    return None


# --- the resources' side, shared by the op and the CLI ------------------------------------------


def presigner(object_store: HighlightStore) -> PresignFn:
    """Presigned GET URLs for highlight keys (signing is local; the client is reused)."""
    return functools.partial(object_store.presigned_get, object_store.highlights_bucket)


def ask_with_resources(
    question: str,
    *,
    database: Database,
    object_store: HighlightStore,
    embedder: Embedder,
    llm: LanguageModel,
    reranker: Reranker,
    video_ids: Sequence[str] = (),
    window: Window | None = None,
    session_id: str | None = None,
    source: str = "cli",
    timeout_ms: int = DEFAULT_TIMEOUT_MS,
    lines: LineBook | None = None,
    time_scope: TimeScope | None = None,
) -> AskResult:
    """Run :func:`ask` with initialised resources, the path the op and the CLI share.

    Args:
        question: The operator's question.
        database: Opens the application's and the reader's connections.
        object_store: Presigns the cited highlights and clips.
        embedder: Embeds the question.
        llm: Writes the model's SQL and the final answer.
        reranker: Picks the cited events of retrieval-only answers.
        video_ids: Videos to search (empty: those the question names, or all).
        window: ``(start_s, end_s)`` overriding the question's window.
        session_id: A session to add to, or None for a new one.
        source: Stored with a new session.
        timeout_ms: ``statement_timeout`` of each read-only statement.
        lines: The cameras file's counting lines.
        time_scope: Cameras, ``--from``/``--to``, zones and the clock (see :func:`ask`).

    Returns:
        The :class:`AskResult`.
    """
    return ask(
        question,
        connect=database.connection,
        connect_reader=database.reader_connection,
        embedder=embedder,
        llm=llm,
        reranker=reranker,
        presign=presigner(object_store),
        video_ids=video_ids,
        window=window,
        session_id=session_id,
        source=source,
        timeout_ms=timeout_ms,
        lines=lines,
        time_scope=time_scope,
    )
