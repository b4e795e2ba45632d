"""Optional asset: age and gender per tracked person, when an attribute model is configured."""

from collections import defaultdict

import numpy as np
from dagster import (
    AssetExecutionContext,
    AssetObservation,
    AssetsDefinition,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
)

from deepsentinel_pipelines.assets.analysis import pinned_video, run_video
from deepsentinel_pipelines.assets.detections import detections
from deepsentinel_pipelines.assets.metadata import OWNERS, PII
from deepsentinel_pipelines.assets.video_asset import GROUP, video_asset
from deepsentinel_pipelines.db.detection_reads import iter_tracks
from deepsentinel_pipelines.db.video_rows import set_track_attributes
from deepsentinel_pipelines.partitions import videos
from deepsentinel_pipelines.resources.attributes import DISABLED_REASON, AttributeEstimatorResource
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.video.attributes import best_views, person_crop
from deepsentinel_pipelines.video.decode import iter_frames_at
from deepsentinel_pipelines.video.types import Detection

#: Person crops handed to the attribute model at a time.
CROP_BATCH = 64


@video_asset(
    kinds={"pytorch", "postgres"},
    deps=[detections],
    tags=PII,
)
def person_attributes(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    attribute_estimator: AttributeEstimatorResource,
) -> MaterializeResult:
    """Age and gender of each tracked person from their best view (off without a model)."""
    if not attribute_estimator.enabled():
        context.log.info(DISABLED_REASON)
        return MaterializeResult(metadata={"enabled": False, "reason": DISABLED_REASON})
    video_id = context.partition_key
    video = run_video(context, database)
    analysis_id = video.analysis_id
    views: dict[int, Detection] = {}
    with database.connection() as conn:
        for track in iter_tracks(conn, video_id, analysis_id):
            views |= best_views(track)
    by_frame: dict[int, list[int]] = defaultdict(list)
    for track_id, view in views.items():
        by_frame[view.frame_idx].append(track_id)
    path = pinned_video(object_store, video)
    found: dict[int, dict] = {}
    crops: list[np.ndarray] = []
    cropped: list[int] = []
    # Crops go to the model a batch at a time, whatever the number of people.
    for frame_idx, frame in iter_frames_at(path, by_frame):
        for track_id in by_frame[frame_idx]:
            crops.append(person_crop(frame, views[track_id].box))
            cropped.append(track_id)
        if len(crops) >= CROP_BATCH:
            found |= dict(zip(cropped, attribute_estimator.estimate(crops), strict=True))
            crops, cropped = [], []
    if crops:
        found |= dict(zip(cropped, attribute_estimator.estimate(crops), strict=True))
    with database.connection() as conn:
        set_track_attributes(conn, video_id, found, analysis_id=analysis_id)
    return MaterializeResult(
        metadata={
            "enabled": True,
            "tracks": len(found),
            "sample": MetadataValue.json({t: found[t] for t in sorted(found)[:5]}),
        }
    )


#: The stage without a model: shown in the graph as off (its description, a ``stage: off`` tag),
#: never run, so no partition of it reads as materialized; each video's analysis records one
#: observation of it saying so (:func:`off_observation`).
person_attributes_off = AssetSpec(
    key=person_attributes.key,
    description=f"Off. {DISABLED_REASON[0].upper()}{DISABLED_REASON[1:]}.",
    group_name=GROUP,
    partitions_def=videos,
    deps=[detections],
    kinds={"pytorch", "postgres"},
    owners=OWNERS,
    tags={**PII, "stage": "off"},
)


def attribute_stage(enabled: bool) -> AssetsDefinition | AssetSpec:
    """The asset when an attribute model is configured, else the stage shown as off."""
    return person_attributes if enabled else person_attributes_off


def off_observation(video_id: str) -> AssetObservation:
    """What a video's analysis records of the stage while it is off."""
    return AssetObservation(
        asset_key=person_attributes.key,
        partition=video_id,
        metadata={"stage": "off", "reason": DISABLED_REASON},
    )
