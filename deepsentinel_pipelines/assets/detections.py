"""The GPU-heavy asset: people, 17-point poses and track ids for every analysed frame."""

import time

from dagster import AssetCheckSeverity, AssetExecutionContext, MaterializeResult, asset

from deepsentinel_pipelines.assets.analysis import pinned_video, run_video
from deepsentinel_pipelines.assets.checks import FRAMES_COVERED, PEOPLE_LEVEL, check_result
from deepsentinel_pipelines.assets.ingest import GROUP, raw_video
from deepsentinel_pipelines.assets.metadata import OWNERS, PII
from deepsentinel_pipelines.code_versions import configured_detections_code_version
from deepsentinel_pipelines.db.quality import usual_people_per_frame
from deepsentinel_pipelines.db.video_rows import replace_detections, set_result_fields
from deepsentinel_pipelines.partitions import videos
from deepsentinel_pipelines.quality import frames_verdict, people_drift_verdict
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.detector import DetectorResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.video.decode import iter_frame_batches, read_frame_at
from deepsentinel_pipelines.video.detector import decode_threads, decode_workers
from deepsentinel_pipelines.video.events import track_summaries
from deepsentinel_pipelines.video_cache import cache_root

#: Step-level Kubernetes config: a GPU, on the GPU node pool (job-level tags don't reach steps).
GPU_STEP_TAGS = {
    "dagster-k8s/config": {
        "container_config": {
            "resources": {
                "requests": {"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "1"},
                "limits": {"memory": "16Gi", "nvidia.com/gpu": "1"},
            }
        },
        "pod_spec_config": {
            "node_selector": {"deepsentinel.io/node-pool": "gpu"},
            "tolerations": [
                {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}
            ],
        },
    }
}
PROGRESS_EVERY_S = 10.0


@asset(
    partitions_def=videos,
    group_name=GROUP,
    kinds={"pytorch", "postgres"},
    deps=[raw_video],
    pool="gpu",
    op_tags=GPU_STEP_TAGS,
    code_version=configured_detections_code_version(load_settings()),
    owners=OWNERS,
    tags=PII,
    check_specs=[FRAMES_COVERED, PEOPLE_LEVEL],
)
def detections(
    context: AssetExecutionContext,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    detector: DetectorResource,
) -> MaterializeResult:
    """People with 17-point poses, tracked with ByteTrack, written with COPY."""
    video_id = context.partition_key
    video = run_video(context, database)
    path = pinned_video(object_store, video)
    started = time.perf_counter()
    context.log.info(f"detections: loading the {detector.backend} detector")
    tracker = detector.load(object_store, cache_root() / "weights", calibration_video=path)
    tracker.prepare(read_frame_at(path, 0.0))  # a first-use OpenVINO build counts as load time
    load_s = time.perf_counter() - started
    batches = iter_frame_batches(
        path,
        detector.analysis_fps,
        detector.batch_size,
        rotation=video["rotation"],
        threads=decode_threads(tracker.device),
        workers=decode_workers(tracker.device),
    )
    last_log = [0.0]

    def progress(done: int, total: int, elapsed_s: float) -> None:
        if elapsed_s - last_log[0] < PROGRESS_EVERY_S and done < total:
            return
        last_log[0] = elapsed_s
        rate = done / elapsed_s if elapsed_s > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else float("nan")
        context.log.info(f"detections: {done}/{total} frames, {rate:.1f} frames/s, ETA {eta:.0f} s")

    per_frame = list(tracker.track_batches(batches, progress))
    infer_s = time.perf_counter() - started - load_s
    found = [d for frame in per_frame for d in frame]
    frames = len(per_frame)
    tracks = track_summaries(found)
    with database.connection() as conn:
        written = replace_detections(
            conn, video_id, found, tracks, analysis_id=video["analysis_id"]
        )
        set_result_fields(
            conn,
            video_id,
            video["analysis_id"],
            analysis_fps=batches.fps_analysed,
            frames_analyzed=frames,
        )
        usual = usual_people_per_frame(conn, video["camera"], video_id)
    metadata = {
        "dagster/row_count": written,
        "detections": written,
        "tracks": len(tracks),
        "frames_analyzed": frames,
        "analysis_fps": batches.fps_analysed,
        "frames_per_s": round(frames / infer_s, 2) if infer_s > 0 else 0.0,
        "frames_detector_ran": tracker.frames_detected,
        "frames_skipped_still": tracker.frames_skipped,
        "device": tracker.device,
        "backend": tracker.backend,
        "imgsz": detector.imgsz,
        "model_load_s": round(load_s, 2),
    }
    people = sum(d.class_name == "person" for d in found)
    # Every sampled frame is either run through the model or skipped by the motion gate.
    frames_check = frames_verdict(
        video["duration_s"], batches.fps_analysed, tracker.frames_detected, tracker.frames_skipped
    )
    return MaterializeResult(
        metadata=metadata,
        check_results=[
            check_result(FRAMES_COVERED, frames_check),
            check_result(
                PEOPLE_LEVEL,
                people_drift_verdict(people / frames if frames else 0.0, usual),
                AssetCheckSeverity.WARN,
            ),
        ],
    )
