"""The last step: a finished analysis becomes the video's current one, the old one goes."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

# The module, not the asset: load_assets_from_modules would collect an imported asset here, and
# the attribute stage is in the definitions only when it is on (definitions.py).
from deepsentinel_pipelines.assets import attributes
from deepsentinel_pipelines.assets.analysis import run_video
from deepsentinel_pipelines.assets.camera_days import footage_reports
from deepsentinel_pipelines.assets.event_clips import clip_prefix, event_clips
from deepsentinel_pipelines.assets.events import highlight_prefix
from deepsentinel_pipelines.assets.ingest import thumbnail
from deepsentinel_pipelines.assets.metadata import review_link
from deepsentinel_pipelines.assets.occupancy import occupancy
from deepsentinel_pipelines.assets.rederive import INPUTS_REDERIVED
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.assets.video_summary import video_summary
from deepsentinel_pipelines.db.analyses import publish_analysis
from deepsentinel_pipelines.db.camera_days import recording_span
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.site import SiteResource


@video_asset(
    kinds={"postgres", "s3"},
    deps=[video_summary, thumbnail, attributes.person_attributes.key, event_clips, occupancy],
    # A re-derivation run publishes its new analysis too (rules_rederivation_sensor).
    automation_condition=INPUTS_REDERIVED,
)
def current_analysis(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    site: SiteResource,
) -> MaterializeResult:
    """This run's analysis switched in as the video's current one; its camera's days reported."""
    video_id = context.partition_key
    if not site.attributes_enabled:
        # Without a model the attribute stage never runs: this analysis says it was off.
        context.log_event(attributes.off_observation(video_id))
    video = run_video(context, database)
    if video.analysis_id is None or video.analysis_id == video.current_analysis_id:
        return MaterializeResult(
            metadata={
                "analysis_id": video.analysis_id,
                "switched": False,
                "review": review_link(site, video_id),
            }
        )
    with database.connection() as conn:
        before = recording_span(conn, video_id)
        published = publish_analysis(conn, video_id, video.analysis_id)
        after = recording_span(conn, video_id)
    # The days the video was on and is on now are counted again (camera_day_report).
    for event in footage_reports(site, video_id, before, after):
        context.log_event(event)
    # The rows of the replaced analyses went with the switch; their frames and clips go now.
    stale = [
        o["Key"]
        for old in (*published.replaced, None)
        for prefix in (highlight_prefix(video_id, old), clip_prefix(video_id, old))
        for o in object_store.list_objects(object_store.highlights_bucket, prefix)
        # only that analysis's objects: another video's id may extend this one ("a" and "a/b")
        if "/" not in o["Key"][len(prefix) :]
    ]
    object_store.delete_keys(object_store.highlights_bucket, stale)
    return MaterializeResult(
        metadata={
            "analysis_id": published.analysis_id,
            "switched": True,
            "replaced": MetadataValue.json(list(published.replaced)),
            "stale_objects_deleted": len(stale),
            "review": review_link(site, video_id),
        }
    )
