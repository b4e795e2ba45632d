"""What every step of a run works on: its analysis, and exactly the object version it pinned."""

from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, Failure

from deepsentinel_pipelines.db.analyses import RunVideo, analysis_of_run, derive_analysis
from deepsentinel_pipelines.ingest.video_cache import ObjectChangedError, local_video
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource


def analysis_run_key(context: AssetExecutionContext) -> str:
    """The run an analysis belongs to: a retried run continues its original's analysis."""
    return context.run.tags.get("dagster/root_run_id", context.run.run_id)


def rederives(context: AssetExecutionContext) -> bool:
    """Whether this run re-derives a new analysis from the current one's detections.

    Such a run (rules_rederivation_sensor's) derives events and publishes, but does not probe
    or detect. A run without ``events`` (a clip window change) works on the current analysis.
    """
    selected = context.run.asset_selection or context.job_def.asset_layer.selected_asset_keys
    return {AssetKey("events"), AssetKey("current_analysis")} <= selected and (
        AssetKey("raw_video") not in selected
    )


def run_video(context: AssetExecutionContext, database: PostgresResource) -> RunVideo:
    """The ``videos`` row as this run's analysis sees it (``analysis_id``, ``s3_etag``)."""
    run_key = analysis_run_key(context)
    with database.connection() as conn:
        if rederives(context):
            derive_analysis(conn, context.partition_key, run_key)
        video = analysis_of_run(conn, context.partition_key, run_key)
    if video is None:
        raise Failure(
            f"video {context.partition_key!r} is not registered: materialize raw_video first",
            allow_retries=False,
        )
    return video


def pinned_video(object_store: ObjectStoreResource, video: RunVideo) -> Path:
    """The local copy of the object version the analysis was started for."""
    try:
        return local_video(object_store, video.s3_key, etag=video.s3_etag)
    except ObjectChangedError as err:
        raise Failure(str(err), allow_retries=False) from err
