"""Optional asset: age and gender per tracked person, when an attribute model is configured."""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from deepsentinel_pipelines.assets.analysis import pinned_video, run_video
from deepsentinel_pipelines.assets.detections import detections
from deepsentinel_pipelines.assets.ingest import GROUP
from deepsentinel_pipelines.assets.metadata import OWNERS, PII
from deepsentinel_pipelines.db.video_rows import load_detections, set_track_attributes
from deepsentinel_pipelines.partitions import videos
from deepsentinel_pipelines.resources.attributes import DISABLED_REASON, AttributeEstimator
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.video.attributes import best_views, person_crop
from deepsentinel_pipelines.video.decode import read_frames_at


@asset(
    partitions_def=videos,
    group_name=GROUP,
    kinds={"pytorch", "postgres"},
    deps=[detections],
    owners=OWNERS,
    tags=PII,
)
def person_attributes(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    attribute_estimator: AttributeEstimator,
) -> MaterializeResult:
    """Age and gender of each tracked person from their best view (off without a model)."""
    if not attribute_estimator.enabled():
        context.log.info(DISABLED_REASON)
        return MaterializeResult(metadata={"enabled": False, "reason": DISABLED_REASON})
    video_id = context.partition_key
    video = run_video(context, database)
    with database.connection() as conn:
        views = best_views(load_detections(conn, video_id, analysis_id=video["analysis_id"]))
    frames = read_frames_at(
        pinned_video(object_store, video), sorted({d.frame_idx for d in views.values()})
    )
    track_ids = [t for t, d in views.items() if d.frame_idx in frames]
    crops = [person_crop(frames[views[t].frame_idx], views[t].box) for t in track_ids]
    estimates = attribute_estimator.estimate(crops)
    with database.connection() as conn:
        set_track_attributes(
            conn,
            video_id,
            dict(zip(track_ids, estimates, strict=True)),
            analysis_id=video["analysis_id"],
        )
    return MaterializeResult(
        metadata={
            "enabled": True,
            "tracks": len(track_ids),
            "sample": MetadataValue.json(dict(list(zip(track_ids, estimates, strict=True))[:5])),
        }
    )
