"""`rag_query`: answer one operator question in Dagster, with the evidence as metadata."""

from typing import Any

from dagster import Config, Failure, MetadataValue, OpExecutionContext, Out, op
from pydantic import Field

from deepsentinel_pipelines.ingest.cameras import validate_camera_name
from deepsentinel_pipelines.rag.clock_window import ClockScopeError
from deepsentinel_pipelines.rag.pipeline import ask_with_resources
from deepsentinel_pipelines.rag.question import checked_window
from deepsentinel_pipelines.rag.result import AskResult
from deepsentinel_pipelines.rag.retrieval import DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS
from deepsentinel_pipelines.rag.site import LineBook
from deepsentinel_pipelines.rag.time_scope import TimeScope, camera_zones
from deepsentinel_pipelines.rag.wording import event_time
from deepsentinel_pipelines.resources import RESULT_IO_MANAGER
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.embedder import EmbedderResource
from deepsentinel_pipelines.resources.llm import LanguageModelResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.reranker import RerankerResource
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.review.links import ask_page
from deepsentinel_pipelines.text.escaping import code_block, markdown_link, markdown_text


class RagQueryConfig(Config):
    """What to ask, and where to look."""

    question: str = Field(description="The operator's question, in plain words.")
    video_ids: list[str] = Field(
        default_factory=list, description="Videos to search; empty: those named, or all."
    )
    start_s: float | None = Field(default=None, description="Window start, seconds from start.")
    end_s: float | None = Field(default=None, description="Window end, seconds from start.")
    cameras: list[str] = Field(
        default_factory=list, description="Cameras to search (like --camera); empty: all."
    )
    from_time: str | None = Field(
        default=None,
        description="Window start in real time (like --from): ISO 8601, e.g. 2026-12-01T14:00; "
        "without an offset in the camera's timezone.",
    )
    to_time: str | None = Field(default=None, description="Window end in real time (like --to).")
    session_id: str | None = Field(default=None, description="QA session (UUID) to add to.")
    statement_timeout_ms: int = Field(
        default=DEFAULT_TIMEOUT_MS,
        ge=1,
        le=MAX_TIMEOUT_MS,
        description=f"statement_timeout of each read-only query (at most {MAX_TIMEOUT_MS}).",
    )


@op(
    out=Out(
        dict,
        description="The answer, cited events, SQL, session id and timings.",
        io_manager_key=RESULT_IO_MANAGER,
    )
)
def rag_query(
    context: OpExecutionContext,
    config: RagQueryConfig,
    database: PostgresResource,
    object_store: ObjectStoreResource,
    embedder: EmbedderResource,
    llm: LanguageModelResource,
    reranker: RerankerResource,
    site: SiteResource,
) -> dict[str, Any]:
    """Answer the question from the events; the same code path as ``deepsentinel ask``."""
    try:
        window = checked_window(config.start_s, config.end_s)
        for camera in config.cameras:
            validate_camera_name(camera)
    except ValueError as err:
        raise Failure(f"rag_query config: {err}", allow_retries=False) from err
    try:
        result = _ask(config, window, database, object_store, embedder, llm, reranker, site)
    except ClockScopeError as err:
        raise Failure(f"rag_query config from_time/to_time: {err}", allow_retries=False) from err
    page = ask_page(site.review_url, config.question, config.video_ids)
    context.add_output_metadata(answer_metadata(result, page))
    return result.as_json()


def _ask(
    config: RagQueryConfig,
    window: tuple[float | None, float | None] | None,
    database: PostgresResource,
    object_store: ObjectStoreResource,
    embedder: EmbedderResource,
    llm: LanguageModelResource,
    reranker: RerankerResource,
    site: SiteResource,
) -> AskResult:
    return ask_with_resources(
        config.question,
        database=database,
        object_store=object_store,
        embedder=embedder,
        llm=llm,
        reranker=reranker,
        video_ids=config.video_ids,
        window=window,
        session_id=config.session_id,
        source="dagster",
        timeout_ms=config.statement_timeout_ms,
        lines=LineBook.from_file(site.cameras_config),
        time_scope=TimeScope(
            tuple(config.cameras),
            config.from_time,
            config.to_time,
            camera_zones(site.cameras_config),
        ),
    )


def answer_metadata(result: AskResult, page: str | None = None) -> dict[str, Any]:
    """What the run page shows: the answer (first, as plain text), its page, the evidence.

    Then the answer's page in the review app, the cited events, the SQL, the session, timings.
    Everything from outside (video ids, zones, the model's SQL and answer) is escaped for
    Markdown: a key or a statement must not add links, images or fences to the run page.
    """
    rows = [
        "| event | video | time | type | zone | highlight | clip |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in result.events:
        link = markdown_link("frame", e.highlight_url) if e.highlight_url else "-"
        link += f" | {markdown_link('clip', e.clip_url)}" if e.clip_url else " | -"
        when = markdown_text(event_time(e), inline=True)
        cells = [markdown_text(v, inline=True) for v in (e.video_id, e.event_type, e.zone or "-")]
        rows.append(f"| #{e.event_id} | {cells[0]} | {when} | {cells[1]} | {cells[2]} | {link} |")
    # The first entry is what the run page shows without a click: the answer, as text.
    metadata: dict[str, Any] = {"answer": MetadataValue.text(result.answer)}
    if page is not None:
        metadata["answer_page"] = MetadataValue.url(page)
    metadata |= {
        "understood_as": MetadataValue.text(result.plan.describe() if result.plan else "(refused)"),
        "plan": MetadataValue.json(result.plan.as_json() if result.plan else {}),
        "cited_events": MetadataValue.md("\n".join(rows)),
        "events": MetadataValue.json(result.as_json()["events"]),
        "sql": MetadataValue.md(code_block(result.sql, "sql") if result.sql else "(none)"),
        "session_id": MetadataValue.text(result.session_id),
        "interaction_id": MetadataValue.int(result.interaction_id or 0),
        "refused": MetadataValue.bool(result.refused),
        "timings_ms": MetadataValue.json(result.timings_ms),
    }
    if result.count is not None:
        metadata["count"] = MetadataValue.int(result.count)
    if result.time_window:
        metadata["time_window"] = MetadataValue.text(result.time_window)
    if result.notes:
        metadata["notes"] = MetadataValue.md(
            "\n".join(f"- {markdown_text(n, inline=True)}" for n in result.notes)
        )
    return metadata
