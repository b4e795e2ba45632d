"""The ``embeddings`` asset: a video's events made searchable by their vectors."""

import itertools
import time

from dagster import AssetExecutionContext, MaterializeResult

from deepsentinel_pipelines.assets.analysis import run_video
from deepsentinel_pipelines.assets.checks import EVENTS_EMBEDDED, check_result
from deepsentinel_pipelines.assets.events import events
from deepsentinel_pipelines.assets.quality import embeddings_verdict
from deepsentinel_pipelines.assets.rederive import INPUTS_REDERIVED
from deepsentinel_pipelines.assets.step_usage import StepProgress
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.db.quality import embedding_counts
from deepsentinel_pipelines.db.video_rows import embeddings_writer, event_counts, iter_events
from deepsentinel_pipelines.rag.documents import event_text
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.embedder import EmbedderResource

#: Event descriptions embedded at a time.
EMBED_BATCH = 256


@video_asset(
    kinds={"pgvector"},
    deps=[events],
    automation_condition=INPUTS_REDERIVED,
    check_specs=[EVENTS_EMBEDDED],
)
def embeddings(
    context: AssetExecutionContext, database: PostgresResource, embedder: EmbedderResource
) -> MaterializeResult:
    """Every event's description embedded into ``events.embedding`` for vector search."""
    video_id = context.partition_key
    started = time.perf_counter()
    video = run_video(context, database)
    analysis_id = video.analysis_id
    with database.connection() as conn:
        total = sum(event_counts(conn, video_id, analysis_id=analysis_id).values())
    progress = StepProgress(context.log, "embeddings", "events", total)
    embedded_now = 0
    with (
        database.connection() as reader,
        database.connection() as writer,
        writer.transaction(),
        embeddings_writer(writer) as write,
    ):
        events = iter_events(reader, video_id, analysis_id=analysis_id)
        while batch := list(itertools.islice(events, EMBED_BATCH)):
            texts = [
                event_text(
                    e.event_type,
                    e.start_s,
                    e.end_s,
                    e.zone,
                    video_id,
                    e.description,
                    camera=video.camera,
                )
                for e in batch
            ]
            write([e.event_id for e in batch], embedder.embed(texts))
            embedded_now += len(batch)
            progress.update(embedded_now)
    with database.connection() as conn:
        counted, embedded = embedding_counts(conn, video_id, analysis_id)
    return MaterializeResult(
        metadata={
            "dagster/row_count": embedded_now,
            "events_embedded": embedded_now,
            "dimensions": embedder.dim(),
            "seconds": round(time.perf_counter() - started, 2),
        },
        check_results=[check_result(EVENTS_EMBEDDED, embeddings_verdict(counted, embedded))],
    )
