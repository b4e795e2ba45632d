"""Asset: people per second (whole frame and zones), with a timeline plot and a heat map."""

import cv2
import numpy as np
from dagster import AssetExecutionContext, MaterializeResult, MetadataValue

from deepsentinel_pipelines.assets.analysis import run_video
from deepsentinel_pipelines.assets.detections import detections
from deepsentinel_pipelines.assets.ingest import thumbnail
from deepsentinel_pipelines.assets.metadata import PII, png_markdown
from deepsentinel_pipelines.assets.rederive import RULES_CHANGED
from deepsentinel_pipelines.assets.step_usage import StepProgress
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.db.detection_reads import iter_frames
from deepsentinel_pipelines.db.occupancy_rows import replace_occupancy
from deepsentinel_pipelines.db.video_rows import load_person_spans
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.video.busiest import MINUTE_NAME, PEAK_NAME, busiest_of
from deepsentinel_pipelines.video.camera_config import WHOLE_FRAME_ZONE
from deepsentinel_pipelines.video.occupancy import OccupancyCounter, busiest

OCCUPANCY_PREFIX = "occupancy"


def occupancy_image_keys(video_id: str) -> dict[str, str]:
    """Object keys of a video's two occupancy images in the thumbnails bucket."""
    folder = f"{OCCUPANCY_PREFIX}/{video_id}"
    return {"timeline": f"{folder}/timeline.png", "heatmap": f"{folder}/heatmap.png"}


@video_asset(
    kinds={"postgres", "s3", "image"},
    deps=[detections, thumbnail],
    # Zones come from the camera rules file: an edit recounts them from the stored detections.
    automation_condition=RULES_CHANGED,
    tags=PII,
)
def occupancy(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    site: SiteResource,
) -> MaterializeResult:
    """People per second in the frame and each zone, plotted over time and as a heat map."""
    # Imported here: matplotlib adds ~1.5 s to every process that loads the definitions.
    from deepsentinel_pipelines.video.plots import heatmap_png, occupancy_plot_png

    video_id = context.partition_key
    video = run_video(context, database)
    analysis_id = video.analysis_id
    config = site.camera(video.camera, video.width, video.height)
    jpeg = object_store.get_bytes(object_store.thumbnails_bucket, video.thumbnail_key)
    thumb = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)
    # The thumbnail is upright and full size, like the boxes the heat map is counted from.
    counter = OccupancyCounter(
        config.zones,
        video.analysis_fps,
        video.duration_s,
        heatmap_size=(thumb.shape[1], thumb.shape[0]),
    )
    frames_total = round(video.duration_s * video.analysis_fps)
    progress = StepProgress(context.log, "occupancy", "frames", frames_total)
    with database.connection() as conn:
        for _, people in iter_frames(conn, video_id, analysis_id, people_only=True):
            counter.add_frame(people)
            progress.update(round(people[0].t_s * video.analysis_fps))
    progress.update(frames_total)
    rows = counter.rows()
    with database.connection() as conn:
        written = replace_occupancy(conn, video_id, rows, analysis_id=analysis_id)
        spans = load_person_spans(conn, video_id, analysis_id=analysis_id)
    images = {
        "timeline": occupancy_plot_png(rows, f"People per second in {video_id}"),
        "heatmap": heatmap_png(thumb, counter.grid, f"Where people stood in {video_id}"),
    }
    keys = occupancy_image_keys(video_id)
    metadata: dict = {"dagster/row_count": written, "rows": written}
    for name, png in images.items():
        object_store.put_bytes(object_store.thumbnails_bucket, keys[name], png, "image/png")
        url = object_store.presigned_get(object_store.thumbnails_bucket, keys[name])
        metadata[name] = png_markdown(png, f"{name} of {video_id}", url)
        metadata[f"{name}_key"] = MetadataValue.text(
            f"s3://{object_store.thumbnails_bucket}/{keys[name]}"
        )
        metadata[f"{name}_object"] = MetadataValue.url(
            object_store.object_url(object_store.thumbnails_bucket, keys[name])
        )
    peak = busiest(rows, WHOLE_FRAME_ZONE)
    figures = busiest_of(
        (peak.people, float(peak.second)) if peak else None, spans, video.duration_s
    )
    metadata[PEAK_NAME] = figures.peak_words()
    metadata[MINUTE_NAME] = figures.minute_words()
    metadata["zones"] = MetadataValue.json(sorted({r.zone for r in rows}))
    return MaterializeResult(metadata=metadata)
