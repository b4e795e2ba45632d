"""The ``video_summary`` asset: people, how busy it was and the notable events, in words."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from deepsentinel_pipelines.assets.analysis import run_video
from deepsentinel_pipelines.assets.embeddings import embeddings
from deepsentinel_pipelines.assets.events import highlights
from deepsentinel_pipelines.assets.metadata import review_link
from deepsentinel_pipelines.assets.occupancy import occupancy
from deepsentinel_pipelines.assets.rederive import INPUTS_REDERIVED
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.db.occupancy_rows import frame_peak
from deepsentinel_pipelines.db.video_rows import (
    event_counts,
    load_notable_events,
    load_person_spans,
    set_result_fields,
)
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.llm import LanguageModelResource
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.text.escaping import markdown_text
from deepsentinel_pipelines.video.busiest import MINUTE_NAME, PEAK_NAME, busiest_of
from deepsentinel_pipelines.video.summary import NOTABLE_IN_SUMMARY, NotableEvent, VideoFacts


@video_asset(
    kinds={"python", "postgres"},
    # occupancy: the peak people in view, the summary's first figure of how busy it was.
    deps=[embeddings, highlights, occupancy],
    automation_condition=INPUTS_REDERIVED,
)
def video_summary(
    context: AssetExecutionContext,
    database: PostgresResource,
    llm: LanguageModelResource,
    site: SiteResource,
) -> MaterializeResult:
    """A short summary: people, how busy it was (peak in view, busiest minute), notable events."""
    video_id = context.partition_key
    video = run_video(context, database)
    with database.connection() as conn:
        counts = event_counts(conn, video_id, analysis_id=video.analysis_id)
        notable = load_notable_events(
            conn, video_id, analysis_id=video.analysis_id, limit=NOTABLE_IN_SUMMARY
        )
        spans = load_person_spans(conn, video_id, analysis_id=video.analysis_id)
        peak = frame_peak(conn, video_id, analysis_id=video.analysis_id)
    busiest = busiest_of(peak, spans, video.duration_s)
    facts = VideoFacts(
        video_id=video_id,
        duration_s=video.duration_s,
        people_count=len(spans),
        busiest=busiest,
        event_counts=counts,
        notable=tuple(NotableEvent(e.event_type, e.start_s, e.description) for e in notable),
    )
    summary = llm.summarize(facts)
    with database.connection() as conn:
        set_result_fields(conn, video_id, video.analysis_id, summary=summary)
    return MaterializeResult(
        metadata={
            "summary": MetadataValue.md(markdown_text(summary)),
            "people": facts.people_count,
            PEAK_NAME: busiest.peak_words(),
            MINUTE_NAME: busiest.minute_words(),
            "events": MetadataValue.json(facts.event_counts),
            "review": review_link(site, video_id),
        }
    )
