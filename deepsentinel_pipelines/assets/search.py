"""Assets that make a video's events searchable and summarise the video."""

import time
from collections import Counter

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from deepsentinel_pipelines.assets.analysis import run_video
from deepsentinel_pipelines.assets.checks import EVENTS_EMBEDDED, check_result
from deepsentinel_pipelines.assets.events import RULES_CODE_VERSION, events, highlights
from deepsentinel_pipelines.assets.ingest import GROUP
from deepsentinel_pipelines.assets.metadata import OWNERS
from deepsentinel_pipelines.assets.rederive import INPUTS_REDERIVED
from deepsentinel_pipelines.db.quality import embedding_counts
from deepsentinel_pipelines.db.video_rows import (
    load_events,
    load_person_spans,
    set_embeddings,
    set_result_fields,
)
from deepsentinel_pipelines.partitions import videos
from deepsentinel_pipelines.quality import embeddings_verdict
from deepsentinel_pipelines.rag.documents import embedding_text
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.embedder import Embedder
from deepsentinel_pipelines.resources.llm import LanguageModel
from deepsentinel_pipelines.text.escaping import markdown_text
from deepsentinel_pipelines.timefmt import format_timestamp
from deepsentinel_pipelines.video.summary import NotableEvent, VideoFacts, busiest_minute
from deepsentinel_pipelines.video.types import is_notable


@asset(
    partitions_def=videos,
    group_name=GROUP,
    kinds={"pgvector"},
    deps=[events],
    code_version=RULES_CODE_VERSION,
    automation_condition=INPUTS_REDERIVED,
    owners=OWNERS,
    check_specs=[EVENTS_EMBEDDED],
)
def embeddings(
    context: AssetExecutionContext, database: PostgresResource, embedder: Embedder
) -> MaterializeResult:
    """Every event's description embedded into ``events.embedding`` for vector search."""
    video_id = context.partition_key
    started = time.perf_counter()
    video = run_video(context, database)
    with database.connection() as conn:
        stored = load_events(conn, video_id, analysis_id=video["analysis_id"])
    texts = [
        embedding_text(
            video["camera"], video_id, e.event_type, e.start_s, e.end_s, e.zone, e.description
        )
        for e in stored
    ]
    vectors = embedder.embed(texts)
    with database.connection() as conn:
        set_embeddings(conn, [e.event_id for e in stored], vectors)
        counted, embedded = embedding_counts(conn, video_id, video["analysis_id"])
    return MaterializeResult(
        metadata={
            "dagster/row_count": len(stored),
            "events_embedded": len(stored),
            "dimensions": int(vectors.shape[1]) if len(stored) else embedder.dim(),
            "seconds": round(time.perf_counter() - started, 2),
        },
        check_results=[check_result(EVENTS_EMBEDDED, embeddings_verdict(counted, embedded))],
    )


@asset(
    partitions_def=videos,
    group_name=GROUP,
    kinds={"python", "postgres"},
    deps=[embeddings, highlights],
    code_version=RULES_CODE_VERSION,
    automation_condition=INPUTS_REDERIVED,
    owners=OWNERS,
)
def video_summary(
    context: AssetExecutionContext, database: PostgresResource, llm: LanguageModel
) -> MaterializeResult:
    """A short summary: people count, busiest minute, notable events with mm:ss."""
    video_id = context.partition_key
    video = run_video(context, database)
    with database.connection() as conn:
        stored = load_events(conn, video_id, analysis_id=video["analysis_id"])
        spans = load_person_spans(conn, video_id, analysis_id=video["analysis_id"])
    start, busiest_people = busiest_minute(spans)
    facts = VideoFacts(
        video_id=video_id,
        duration_s=video["duration_s"],
        people_count=len(spans),
        busiest_minute_start_s=start,
        busiest_minute_people=busiest_people,
        event_counts=dict(Counter(e.event_type for e in stored)),
        notable=tuple(
            NotableEvent(e.event_type, e.start_s, e.description)
            for e in stored
            if is_notable(e.event_type, e.zone)
        ),
    )
    summary = llm.summarize(facts)
    with database.connection() as conn:
        set_result_fields(conn, video_id, video["analysis_id"], summary=summary)
    return MaterializeResult(
        metadata={
            "summary": MetadataValue.md(markdown_text(summary)),
            "people": facts.people_count,
            "busiest_minute": format_timestamp(start) if start is not None else "none",
            "events": MetadataValue.json(facts.event_counts),
        }
    )
