"""Answer an operator's question from the events, citing the rows the answer rests on.

One code path for the ``rag_query`` op and ``deepsentinel ask``:

1. screen the question (:func:`screen_question`): hostile text is refused before anything runs;
2. parse it (:func:`parse_question`) against the known videos and zones;
3. the model may write SQL (Bedrock); it is validated and run read-only, and when it is rejected
   or fails the reason is recorded and the built-in query stands alone;
4. the built-in, parameterised SQL (:func:`build_event_sql`) gives the database's count and the
   matching rows, validated and run read-only like any other SQL;
5. pgvector search (HNSW, iterative scan, same filters) and full-text search rank candidates,
   fused with reciprocal rank fusion, reranked from 30 to 5;
6. the answer is composed from those rows only (:func:`compose_answer`), then handed to the
   language model with the evidence (the local model returns it unchanged);
7. the session and the interaction are saved (question, SQL, retrieved and cited ids, answer,
   latencies), with the application's normal role, outside the read-only transactions.

A question with no recognised filter (no event type, zone, video, time or count) has no exact
match set; then retrieval alone decides, and only candidates whose embedding is close enough to
the question (``min_similarity``) are cited, so an unrelated question gets "nothing matches".
"""

from __future__ import annotations

import functools
import re
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import psycopg
import sqlglot
from psycopg import pq
from sqlglot import exp

from deepsentinel_pipelines.rag.answer import (
    MAX_CITED,
    EventRow,
    OccupancyRow,
    compose_answer,
    compose_occupancy_answer,
    compose_semantic_answer,
    event_time,
    evidence_text,
    unknown_time_sentence,
    videos_sentence,
)
from deepsentinel_pipelines.rag.clips import with_clip_urls
from deepsentinel_pipelines.rag.clock_window import CameraZones, ClockWindow
from deepsentinel_pipelines.rag.fusion import reciprocal_rank_fusion
from deepsentinel_pipelines.rag.intents import (
    PEAK_TRACKS_LIMIT,
    DirectionRow,
    Intent,
    busiest_answer,
    crowding_sql,
    detect_intent,
    direction_answer,
    direction_sql,
    peak_occupancy,
    summary_answer,
    summary_sql,
    track_answer,
    track_sql,
    tracked_people_sql,
    tracks_sql,
)
from deepsentinel_pipelines.rag.ports import (
    Database,
    Embedder,
    HighlightStore,
    LanguageModel,
    Reranker,
)
from deepsentinel_pipelines.rag.question import (
    OccupancyQuestion,
    ParsedQuestion,
    Window,
    checked_window,
    clean_question,
    parse_occupancy_question,
    parse_question,
)
from deepsentinel_pipelines.rag.refusal import screen_question
from deepsentinel_pipelines.rag.retrieval import (
    DEFAULT_CANDIDATES,
    DEFAULT_TIMEOUT_MS,
    MAX_RESULT_BYTES,
    EventFilters,
    QueryResult,
    RerankDocument,
    document_text,
    event_row,
    fetch_events,
    fulltext_search,
    mentioned_videos,
    run_model_sql,
    run_validated,
    vector_search,
    vocabulary,
)
from deepsentinel_pipelines.rag.sessions import save_interaction
from deepsentinel_pipelines.rag.sql_builder import (
    EVENT_COLUMNS,
    build_event_sql,
    build_occupancy_sql,
)
from deepsentinel_pipelines.rag.sql_guard import ALLOWED_COLUMNS, UnsafeSQLError
from deepsentinel_pipelines.rag.time_scope import TimeScope, scope_in_time
from deepsentinel_pipelines.text.redaction import redact
from deepsentinel_pipelines.video.types import EVENT_TYPES, ORIENTATIONS

#: Events cited in an answer (the reranker's output size).
DEFAULT_TOP_K = MAX_CITED
#: Without a recognised filter, a candidate is relevant from this cosine similarity to the
#: question on (tuned on the MiniLM fixture corpus; Titan vectors may want another value) ...
DEFAULT_MIN_SIMILARITY = 0.35
#: ... and only within this margin of the best candidate, so one clear match is not padded with
#: whatever else is barely above the floor.
RELATIVE_SIMILARITY_MARGIN = 0.1
#: Rows of the listing query (the exact match set the retrievers are fused with).
LISTING_LIMIT = 50

# "What happened?", "list all events": every event in scope is the answer, not the closest ones.
_OPEN_QUESTION = re.compile(
    r"\b(?:what|anything|something)\s+(?:else\s+)?(?:has\s+|had\s+)?"
    r"(?:happen(?:ed|s|ing)?|occur(?:red|s)?|went\s+on|going\s+on)\b"
    r"|\b(?:all|every|list\s+(?:the\s+)?|show\s+(?:me\s+)?(?:the\s+)?)\s*events?\b"
    r"|\beverything\b",
    re.IGNORECASE,
)
_WHICH_VIDEOS = re.compile(
    r"\b(?:which|what)\s+(?:videos?|clips?|cameras?|recordings?|footage)\b", re.IGNORECASE
)

ConnectFn = Callable[[], AbstractContextManager[psycopg.Connection]]
PresignFn = Callable[[str], str]


@dataclass
class AskResult:
    """The answer to one question and what it rests on.

    Attributes:
        question: The question as asked.
        answer: The text for the operator.
        events: The cited events, with presigned highlight URLs.
        sql: The SQL that ran (validated text, parameters inlined for reading), or None.
        session_id: The QA session (a UUID string).
        interaction_id: The saved ``qa_interactions`` row, or None before saving.
        timings_ms: Milliseconds per stage, and ``total``.
        refused: The question was refused before anything ran.
        count: The database's count of matching events (or people, for "how many people").
        retrieved_ids: The fused candidates handed to the reranker.
        notes: What the operator should know about how the answer was reached (for example a
            rejected model query).
        time_window: The window of real time searched, in words (with the camera), or None.
    """

    question: str
    answer: str
    events: list[EventRow] = field(default_factory=list)
    sql: str | None = None
    session_id: str = ""
    interaction_id: int | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    refused: bool = False
    count: int | None = None
    retrieved_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    time_window: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The object ``deepsentinel ask --json`` prints."""
        return {
            "answer": self.answer,
            "events": [
                {
                    "event_id": e.event_id,
                    "video_id": e.video_id,
                    "type": e.event_type,
                    "start_s": e.start_s,
                    "end_s": e.end_s,
                    "camera": e.camera,
                    # ISO 8601 in the camera's zone; null when the recording time is unknown
                    "started_at": _iso(e.started_at, e.timezone),
                    "ended_at": _iso(e.ended_at, e.timezone),
                    "timezone": e.timezone,
                    "time": event_time(e),
                    "highlight": e.highlight_url,
                    "clip": e.clip_url,
                }
                for e in self.events
            ],
            "time_window": self.time_window,
            "notes": self.notes,
            "sql": self.sql,
            "session_id": self.session_id,
            "timings_ms": self.timings_ms,
            "refused": self.refused,
            "count": self.count,
        }


def _iso(at: datetime | None, zone: str | None) -> str | None:
    return None if at is None else at.astimezone(ZoneInfo(zone or "UTC")).isoformat()


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
    top_k: int = DEFAULT_TOP_K,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
    time_scope: TimeScope | None = None,
) -> AskResult:
    """Answer ``question`` from the events and save the interaction.

    Args:
        question: The operator's question.
        connect: Opens the application's psycopg connection (a context manager), e.g.
            ``PostgresResource.connection``, for the built-in vector and full-text legs and
            for saving the interaction; it is left outside any transaction.
        connect_reader: Opens a connection logged in as the reader
            (``PostgresResource.reader_connection``); every guarded statement runs there.
        embedder: Embeds the question (and documents the reranker finds without a vector).
        llm: Writes the model's SQL (or None) and the final answer.
        reranker: Picks the ``top_k`` cited events from the fused candidates.
        presign: Turns a highlight key into a URL.
        video_ids: Videos to search; empty means those the question names, or all.
        window: ``(start_s, end_s)`` in seconds (None for an open side); overrides the
            question's own window.
        session_id: A QA session to add to (a UUID string); a new one when None.
        source: Who asked (``cli``, ``dagster``, ...), stored with a new session.
        timeout_ms: ``statement_timeout`` of each read-only statement.
        candidates: Candidates per retriever and into the reranker.
        top_k: Events cited.
        min_similarity: Relevance floor for questions without a recognised filter.
        time_scope: Cameras, a window of real time (``--from``/``--to``), the cameras' zones
            and the clock; clock times and dates in the question are read with it.

    Returns:
        The answer, the cited events and the saved interaction's ids and timings.

    Raises:
        ValueError: If ``session_id`` is not a UUID, ``window`` is not a finite,
            non-negative window whose start is not after its end, or the time scope's window
            is malformed.
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
            result = AskResult(
                question=question,
                answer=f"I did not run this question. {reason}",
                session_id=session,
                refused=True,
            )
        else:
            result = _answer(
                conn,
                reader,
                question,
                embedder,
                llm,
                reranker,
                presign,
                list(video_ids),
                window,
                watch,
                timeout_ms,
                candidates,
                top_k,
                min_similarity,
                time_scope or TimeScope(),
            )
            result.session_id = session
        result.timings_ms = watch.total()
        with watch("save"):
            result.interaction_id = save_interaction(conn, result, source)
        result.timings_ms["save"] = watch.ms["save"]
    return result


def _answer(
    conn: psycopg.Connection,
    reader: psycopg.Connection,
    question: str,
    embedder: Embedder,
    llm: LanguageModel,
    reranker: Reranker,
    presign: PresignFn,
    video_ids: list[str],
    window: Window | None,
    watch: _Stopwatch,
    timeout_ms: int,
    candidates: int,
    top_k: int,
    min_similarity: float,
    time_scope: TimeScope,
) -> AskResult:
    notes: list[str] = []
    statements: list[str] = []

    with watch("parse"):
        known_videos, zones = vocabulary(reader, timeout_ms=timeout_ms)
        scoped = scope_in_time(reader, question, time_scope, video_ids, timeout_ms)
        clock = scoped.clock
        # The clock's words are read once: "14:05" is then no offset of 14 minutes.
        asked = clock.blank(question) if clock is not None else question
        parsed = parse_question(asked, mentioned_videos(asked, known_videos), zones)
        parsed = replace(parsed, text=question)
        if scoped.video_ids is not None:
            named = set(parsed.video_ids)
            video_ids = [v for v in scoped.video_ids if not named or v in named]
        filters = EventFilters.from_question(parsed, video_ids, window, clock)
        occupancy = parse_occupancy_question(asked, parsed)
        intent = detect_intent(asked, parsed)
    notes.extend(scoped.notes)
    if scoped.nothing is not None or (scoped.video_ids is not None and not video_ids):
        text = scoped.nothing or f"No video {scoped.phrase} matches the videos named."
        return AskResult(
            question=question, answer=text, notes=notes, time_window=scoped.phrase or None
        )
    zoned = functools.partial(_in_zone, time_scope.zones)
    if occupancy is not None:
        scope = list(video_ids) or list(parsed.video_ids)
        answered = _answer_occupancy(
            reader, question, occupancy, llm, scope, watch, timeout_ms, clock, time_scope.zones
        )
        # Videos analysed before occupancy rows existed fall back to the tracks sweep below.
        if answered is not None:
            answered.notes, answered.time_window = notes, scoped.phrase or None
            return answered
    if intent is not None:
        answered = _answer_intent(
            reader,
            question,
            intent,
            list(video_ids) or list(parsed.video_ids),
            llm,
            presign,
            watch,
            timeout_ms,
            zoned,
        )
        answered.notes, answered.time_window = notes, scoped.phrase or None
        return answered
    # The caller's scope (videos, window) narrows the search but says nothing about what is
    # asked; only the question's own filters make its matches an exact set worth counting.
    structured = (
        parsed.is_count
        or not EventFilters.from_question(parsed).is_empty
        or clock is not None
        or _OPEN_QUESTION.search(question) is not None
    )

    model_ids: list[int] = []
    with watch("model_sql"):
        model_text = llm.write_sql(question, schema_description())
    with watch("sql"):
        model_sql, model_rows, note = _run_model_sql(reader, model_text, timeout_ms, conn)
        if model_sql is not None:
            statements.append(model_sql)
        if model_rows is not None:
            model_ids = _event_ids(model_rows)
        if note is not None:
            notes.append(note)
        facts = _BuiltIn()
        if structured:
            facts = _run_built_in_sql(
                reader, parsed, question, video_ids, window, timeout_ms, clock
            )
            statements.extend(facts.statements)
    count, listing_ids, per_video = facts.count, facts.listing_ids, facts.per_video
    tracked = None
    if parsed.is_count and parsed.counts_people:
        with watch("sql"):
            sql, params = tracked_people_sql(list(video_ids) or list(parsed.video_ids), clock)
            text, rows = run_validated(reader, sql, params, timeout_ms)
            statements.append(_inline(reader, text, params))
            tracked = None if rows.rows[0][0] is None else int(rows.rows[0][0])
        if tracked is not None and EventFilters.from_question(parsed).is_empty and not window:
            count = tracked  # "how many people?" is answered by the people tracked

    vector_hits: list[tuple[int, float]] = []
    text_hits: list[tuple[int, float]] = []
    query_vector: np.ndarray | None = None
    if not structured or (count or 0) > 0 or model_ids:
        with watch("embed"):
            query_vector = np.asarray(embedder.embed([question])[0], dtype=np.float32)
        with watch("vector"):
            vector_hits = vector_search(
                conn, query_vector, filters, limit=candidates, timeout_ms=timeout_ms
            )
        with watch("fts"):
            text_hits = fulltext_search(
                conn, question, filters, limit=candidates, timeout_ms=timeout_ms
            )

    if structured:
        # Cite only rows that meet the question's filters, so the text and the rows agree; the
        # model's other rows still reach the answering model as evidence.
        matching = {*listing_ids, *(i for i, _ in vector_hits), *(i for i, _ in text_hits)}
        model_ids = [i for i in model_ids if i in matching]
    with watch("fuse"):
        fused = reciprocal_rank_fusion(
            [[i for i, _ in vector_hits], [i for i, _ in text_hits], model_ids, listing_ids]
        )
        retrieved = [event_id for event_id, _ in fused[:candidates]]
        found = fetch_events(conn, retrieved, timeout_ms=timeout_ms)
        retrieved = [i for i in retrieved if i in found]
        if not structured and query_vector is not None:
            # Rows the model selected, and word matches that have no vector to judge, stay.
            unembedded = {i for i, _ in text_hits if i in found and found[i][1] is None}
            retrieved = _relevant(
                retrieved, found, query_vector, min_similarity, always={*model_ids, *unembedded}
            )

    with watch("rerank"):
        documents = [
            RerankDocument(id=i, text=document_text(found[i][0]), vector=found[i][1])
            for i in retrieved
        ]
        ranked = reranker.rerank(
            question, documents, top_k, query_vector=query_vector, embedder=embedder
        )
        cited = [zoned(found[event_id][0]) for event_id, _ in ranked]

    with watch("answer"):
        cited = [
            replace(row, highlight_url=presign(row.highlight_key)) if row.highlight_key else row
            for row in cited
        ]
        cited = with_clip_urls(conn, cited, presign, timeout_ms)
        if structured:
            # Chosen by relevance, told in time order: an operator reads a timeline.
            cited.sort(key=lambda row: (row.video_id, row.start_s, row.event_id))
            draft = compose_answer(
                parsed,
                cited,
                count=count,
                window=window,
                # A camera or time scope is named by its phrase, not by its many files.
                video_ids=() if scoped.video_ids is not None else video_ids,
                tracked=tracked,
                clock=scoped.phrase or None,
            )
            text = draft.text + videos_sentence(per_video)
        else:
            draft = compose_semantic_answer(cited)
            text = draft.text
        # Only what the text cites is returned as evidence (a count of 0 cites nothing).
        cited = [row for row in cited if row.event_id in draft.cited_event_ids]
        text += unknown_time_sentence(cited)
        evidence = evidence_text(count, cited, model_rows, statements, text)
        answer = llm.answer(question, evidence, text)

    return AskResult(
        question=question,
        answer=answer,
        events=cited,
        sql=";\n".join(statements) if statements else None,
        count=count,
        retrieved_ids=retrieved,
        notes=notes,
        time_window=scoped.phrase or None,
    )


def _answer_intent(
    reader: psycopg.Connection,
    question: str,
    intent: Intent,
    video_ids: list[str],
    llm: LanguageModel,
    presign: PresignFn,
    watch: _Stopwatch,
    timeout_ms: int,
    zoned: Callable[[EventRow], EventRow],
) -> AskResult:
    """Answer a summary, track, direction or busiest-time question from its own rows."""
    statements: list[str] = []

    def run(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        text, result = run_validated(reader, sql, params, timeout_ms, limit=PEAK_TRACKS_LIMIT)
        statements.append(_inline(reader, text, params))
        return result.rows

    width = len(EVENT_COLUMNS)
    with watch("sql"):
        if intent.kind == "summary":
            rows = run(*summary_sql(video_ids))
            draft = summary_answer([(str(v), s) for v, s in rows], video_ids)
            found: list[EventRow] = []
        elif intent.kind == "track":
            found = [zoned(event_row(r)) for r in run(*track_sql(intent.track_id or 0, video_ids))]
            draft = track_answer(intent.track_id or 0, found, video_ids)
        elif intent.kind == "direction":
            rows = run(*direction_sql(video_ids))
            directions = [
                DirectionRow(zoned(event_row(r[:width])), r[width], r[width + 1], r[width + 2])
                for r in rows
            ]
            found = [d.event for d in directions]
            draft = direction_answer(directions, video_ids)
        else:
            spans = [(str(v), float(a), float(b)) for v, a, b in run(*tracks_sql(video_ids))]
            crowds = [
                (zoned(event_row(r[:width])), _as_int(r[width]))
                for r in run(*crowding_sql(video_ids))
            ]
            found = [row for row, _ in crowds]
            draft = busiest_answer(peak_occupancy(spans), crowds, video_ids)
    with watch("answer"):
        by_id = {row.event_id: row for row in found}
        cited = [by_id[i] for i in draft.cited_event_ids]
        cited = [
            replace(row, highlight_url=presign(row.highlight_key)) if row.highlight_key else row
            for row in cited
        ]
        evidence = evidence_text(None, cited, None, statements, draft.text)
        answer = llm.answer(question, evidence, draft.text)
    return AskResult(
        question=question,
        answer=answer,
        events=cited,
        sql=";\n".join(statements) if statements else None,
        retrieved_ids=[row.event_id for row in found],
    )


def _in_zone(zones: CameraZones, row: EventRow) -> EventRow:
    """The row with its camera's zone, in which its clock time is told."""
    return replace(row, timezone=zones.name(row.camera))


def _as_int(value: Any) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _answer_occupancy(
    conn: psycopg.Connection,
    question: str,
    occupancy: OccupancyQuestion,
    llm: LanguageModel,
    video_ids: list[str],
    watch: _Stopwatch,
    timeout_ms: int,
    clock: ClockWindow | None,
    zones: CameraZones,
) -> AskResult | None:
    """Answer from the people-per-second rows (``qa.occupancy``); None when there are none."""
    with watch("sql"):
        sql, params = build_occupancy_sql(occupancy, video_ids, clock=clock)
        text, rows = run_validated(conn, sql, params, timeout_ms)
        found = [
            OccupancyRow(str(v), str(z), int(s), int(n), at, zones.name(camera))
            for v, z, s, n, at, camera in rows.rows
        ]
    if not found and occupancy.busiest:
        return None
    with watch("answer"):
        draft = compose_occupancy_answer(occupancy, found)
        evidence = "\n".join(
            ["Occupancy rows (video | zone | time | most people in one frame):"]
            + [f"{r.video_id} | {r.zone} | {r.when()} | {r.people}" for r in found]
            + [f"Draft answer (built only from these rows): {draft.text}"]
        )
        answer = llm.answer(question, evidence, draft.text)
    return AskResult(question=question, answer=answer, sql=_inline(conn, text, params))


# --- helpers ------------------------------------------------------------------------------------


@dataclass
class _BuiltIn:
    """What the parser's parameterised SQL found."""

    count: int | None = None
    listing_ids: list[int] = field(default_factory=list)
    per_video: list[tuple[str, int]] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)


def _run_model_sql(
    conn: psycopg.Connection,
    model_text: str | None,
    timeout_ms: int,
    planner: psycopg.Connection,
) -> tuple[str | None, QueryResult | None, str | None]:
    """Validate, explain and run the model's SQL: ``(validated text, rows, note)``.

    ``conn`` is the reader's connection, ``planner`` the application's (it only plans; see
    :func:`~deepsentinel_pipelines.rag.retrieval.run_model_sql`). The note says why the
    statement did not run (refused by the guard or for its plan, or failed in the database), or
    that its rows were cut at the byte cap.
    """
    if not model_text:
        return None, None, None
    try:
        validated, rows = run_model_sql(conn, model_text, timeout_ms, planner=planner)
    except UnsafeSQLError as err:
        return (
            None,
            None,
            (f"The model's SQL was rejected ({err.reason}); the built-in query was used instead."),
        )
    except psycopg.Error as err:
        return (
            None,
            None,
            (
                f"The model's SQL failed in the database ({_first_line(err)}); "
                "the built-in query was used instead."
            ),
        )
    if rows.truncated:
        return (
            validated,
            rows,
            f"The model's SQL returned more than {MAX_RESULT_BYTES:,} bytes; only its first "
            f"{len(rows.rows)} row(s) were used.",
        )
    return validated, rows, None


def _run_built_in_sql(
    conn: psycopg.Connection,
    parsed: ParsedQuestion,
    question: str,
    video_ids: Sequence[str],
    window: Window | None,
    timeout_ms: int,
    clock: ClockWindow | None = None,
) -> _BuiltIn:
    """The database's count, the matching rows (by time) and, for "which videos", per video."""
    facts = _BuiltIn()
    count_sql, count_params = build_event_sql(parsed, video_ids, window, count=True, clock=clock)
    text, rows = run_validated(conn, count_sql, count_params, timeout_ms)
    facts.statements.append(_inline(conn, text, count_params))
    facts.count = int(rows.rows[0][0])
    if facts.count == 0:
        return facts
    sql, params = build_event_sql(
        parsed, video_ids, window, count=False, limit=LISTING_LIMIT, clock=clock
    )
    text, rows = run_validated(conn, sql, params, timeout_ms)
    facts.statements.append(_inline(conn, text, params))
    facts.listing_ids = [event_row(r).event_id for r in rows.rows]
    if _WHICH_VIDEOS.search(question):
        sql = per_video_sql(count_sql)
        text, rows = run_validated(conn, sql, count_params, timeout_ms)
        facts.statements.append(_inline(conn, text, count_params))
        facts.per_video = [(str(v), int(n)) for v, n in rows.rows]
    return facts


def schema_description() -> str:
    """The views, columns and vocabulary a model may write SQL against."""
    lines = [
        f"qa.{view}({', '.join(f'{name} {kind}' for name, kind in columns.items())})"
        for view, columns in ALLOWED_COLUMNS.items()
    ]
    lines.append(
        "Times (start_s, end_s, first_s, last_s, duration_s) are seconds from the "
        "start of the video; started_at, ended_at (events, tracks), recorded_at (videos) and "
        "at (occupancy) are the same moments as timestamptz, NULL when the recording time of "
        "the video is unknown."
    )
    lines.append(f"event_type is one of: {', '.join(EVENT_TYPES)}.")
    lines.append(
        f"For orientation events, attributes->>'orientation' is one of: {', '.join(ORIENTATIONS)}."
    )
    lines.append("People are distinct (video_id, track_id) pairs.")
    return "\n".join(lines)


def per_video_sql(count_sql: str) -> str:
    """Turn the builder's counting query into one count per video (same filters)."""
    tree = sqlglot.parse_one(count_sql, read="postgres")
    source = tree.args.get("from_") or tree.args.get("from")
    if not isinstance(tree, exp.Select) or source is None:
        raise ValueError("expected the builder's counting SELECT")
    alias = source.this.alias_or_name
    column = exp.column("video_id", table=alias)
    tree = tree.select(column, exp.alias_(exp.Count(this=exp.Star()), "n"), append=False)
    tree = tree.group_by(column.copy()).order_by(exp.column("video_id", table=alias))
    return tree.sql(dialect="postgres")


def _inline(conn: psycopg.Connection, sql: str, params: Mapping[str, Any] | None) -> str:
    """The statement with its parameters as literals, for reading (it is not executed)."""
    if not params:
        return sql
    return psycopg.ClientCursor(conn).mogrify(sql, params)


def _event_ids(result: QueryResult) -> list[int]:
    if "event_id" not in result.columns:
        return []
    index = result.columns.index("event_id")
    ids = []
    for row in result.rows:
        value = row[index]
        if isinstance(value, int) and not isinstance(value, bool):
            ids.append(value)
    return list(dict.fromkeys(ids))


def _relevant(
    ids: Sequence[int],
    found: Mapping[int, tuple[EventRow, np.ndarray | None]],
    query_vector: np.ndarray,
    min_similarity: float,
    always: set[int],
) -> list[int]:
    """Candidates close enough to the question: above the floor and near the best one."""
    similarity = {
        i: _cosine(vector, query_vector) for i in ids if (vector := found[i][1]) is not None
    }
    best = max(similarity.values(), default=0.0)
    floor = max(min_similarity, best - RELATIVE_SIMILARITY_MARGIN)
    return [i for i in ids if i in always or similarity.get(i, -1.0) >= floor]


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    denominator = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(np.dot(a, b)) / denominator if denominator else 0.0


def _first_line(err: Exception) -> str:
    text = redact(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__


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
    time_scope: TimeScope | None = None,
) -> AskResult:
    """Run :func:`ask` with initialised resources, the path the op and the CLI share.

    Args:
        question: The operator's question.
        database: Opens the application's and the reader's connections.
        object_store: Presigns the cited highlights.
        embedder: Embeds the question.
        llm: Writes the model's SQL and the final answer.
        reranker: Picks the cited events.
        video_ids: Videos to search (empty: those the question names, or all).
        window: ``(start_s, end_s)`` overriding the question's window.
        session_id: A session to add to, or None for a new one.
        source: Stored with a new session.
        timeout_ms: ``statement_timeout`` of each read-only statement.
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
        time_scope=time_scope,
    )
