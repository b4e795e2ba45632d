"""The GPU-heavy asset: people, 17-point poses and track ids for every analysed frame."""

import time
from contextlib import nullcontext

from dagster import AssetCheckSeverity, AssetExecutionContext, Config, MaterializeResult
from pydantic import Field

from deepsentinel_pipelines.assets.analysis import pinned_video, run_video
from deepsentinel_pipelines.assets.checks import FRAMES_COVERED, PEOPLE_LEVEL, check_result
from deepsentinel_pipelines.assets.code_versions import detections_code_version
from deepsentinel_pipelines.assets.ingest import raw_video
from deepsentinel_pipelines.assets.metadata import PII
from deepsentinel_pipelines.assets.quality import frames_verdict, people_drift_verdict
from deepsentinel_pipelines.assets.step_usage import StepProgress
from deepsentinel_pipelines.assets.video_asset import video_asset
from deepsentinel_pipelines.db.detection_chunks import (
    DetectionProgress,
    begin_detections,
    clear_detections,
    copy_detections,
    discard_progress,
    finish_detections,
    resumable,
    save_progress,
)
from deepsentinel_pipelines.db.quality import usual_people_per_frame
from deepsentinel_pipelines.db.video_rows import set_result_fields
from deepsentinel_pipelines.ingest.video_cache import cache_root
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.detector import DetectorResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.video.decode import iter_frame_batches, read_frame_at
from deepsentinel_pipelines.video.detection_chunks import CHUNK_S, chunk_tracked_batches
from deepsentinel_pipelines.video.runtime import decode_threads, decode_workers
from deepsentinel_pipelines.video.tracker_state import TrackerStateError

#: Step-level Kubernetes config: a GPU, on the GPU node pool (job-level tags don't reach steps).
#: Memory: the step alone peaked at 1.2 GiB on a CPU (model, a batch of frames in flight and
#: one chunk of rows, whatever the video's length: bench/long_video.py --per-step); CUDA's
#: host-side libraries add ~2.5 GiB (not measured here), so 4 GiB requested and twice that
#: as the limit.
GPU_STEP_TAGS = {
    "dagster-k8s/config": {
        "container_config": {
            "resources": {
                "requests": {"cpu": "2", "memory": "4Gi", "nvidia.com/gpu": "1"},
                "limits": {"memory": "8Gi", "nvidia.com/gpu": "1"},
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


class DetectionsConfig(Config):
    """How often a long analysis commits what it found."""

    chunk_s: float = Field(
        default=CHUNK_S,
        gt=0,
        description="Seconds of video per committed chunk: a retried step resumes after the last.",
    )


def detection_recipe(detector: DetectorResource, device: str, backend: str) -> str:
    """What the rows depend on besides the video: a resumed run must use the same."""
    return (
        f"{detections_code_version(detector.weights, detector.imgsz, detector.backend)}"
        f"|{device}:{backend}"
        f"|fps{detector.analysis_fps:g}|conf{detector.conf:g}|batch{detector.batch_size}"
        f"|gate{int(detector.motion_gating)}"
    )


@video_asset(
    kinds={"pytorch", "postgres"},
    deps=[raw_video],
    pool="gpu",
    op_tags=GPU_STEP_TAGS,
    tags=PII,
    check_specs=[FRAMES_COVERED, PEOPLE_LEVEL],
)
def detections(
    context: AssetExecutionContext,
    config: DetectionsConfig,
    object_store: ObjectStoreResource,
    database: PostgresResource,
    detector: DetectorResource,
) -> MaterializeResult:
    """People with 17-point poses, tracked with ByteTrack, committed chunk by chunk with COPY."""
    video_id = context.partition_key
    video = run_video(context, database)
    analysis_id = video.analysis_id
    path = pinned_video(object_store, video)
    started = time.perf_counter()
    context.log.info(f"detections: loading the {detector.backend} detector")
    model = detector.load(object_store, cache_root() / "weights", calibration_video=path)
    model.prepare(read_frame_at(path, 0.0))  # a first-use OpenVINO build counts as load time
    tracker = detector.tracker(model)
    load_s = time.perf_counter() - started
    recipe = detection_recipe(detector, model.device, model.backend)
    with database.connection() as conn:
        chunked = resumable(conn, analysis_id)
        resumed = (
            begin_detections(conn, video_id, analysis_id, video.s3_etag, recipe)
            if chunked
            else None
        )
        if resumed is not None:
            try:
                tracker.resume_tracking(resumed.tracker_state)
            except TrackerStateError as err:
                context.log.warning(
                    f"detections: starting over, the stored state is unusable: {err}"
                )
                with conn.transaction():
                    discard_progress(conn, video_id, analysis_id)
                resumed = None
        if resumed is not None:
            context.log.info(
                f"detections: resuming after {resumed.chunks} committed chunk(s), "
                f"at frame {resumed.next_frame_idx}"
            )
        before = resumed or DetectionProgress(0, 0, 0, 0, 0, b"")
        done = before
        batches = iter_frame_batches(
            path,
            detector.analysis_fps,
            detector.batch_size,
            start_frame=done.next_frame_idx,
            rotation=video.rotation,
            threads=decode_threads(model.device),
            workers=decode_workers(model.device),
        )
        progress = StepProgress(
            context.log,
            "detections",
            "frames",
            before.frames_done + batches.frames_total_estimate,
            done=before.frames_done,
        )

        def report(frames: int, total: int, elapsed_s: float) -> None:
            del elapsed_s
            progress.update(before.frames_done + frames, before.frames_done + total)

        tracked = tracker.tracked_batches(batches, report, reset=resumed is None)
        # A published analysis (this step re-materialized alone) is swapped in one transaction.
        whole = nullcontext() if chunked else conn.transaction()
        with whole:
            if not chunked:
                clear_detections(conn, video_id, analysis_id)
            for chunk in chunk_tracked_batches(tracked, config.chunk_s):
                done = DetectionProgress(
                    next_frame_idx=chunk.next_frame_idx,
                    frames_done=done.frames_done + chunk.frames,
                    frames_detected=before.frames_detected + tracker.frames_detected,
                    frames_skipped=before.frames_skipped + tracker.frames_skipped,
                    chunks=done.chunks + 1,
                    tracker_state=tracker.tracking_state() if chunked else b"",
                )
                with conn.transaction():
                    copy_detections(conn, video_id, analysis_id, chunk.detections)
                    if chunked:
                        save_progress(conn, video_id, analysis_id, video.s3_etag, recipe, done)
            infer_s = time.perf_counter() - started - load_s
            with conn.transaction():
                totals = finish_detections(conn, video_id, analysis_id)
                set_result_fields(
                    conn,
                    video_id,
                    analysis_id,
                    analysis_fps=batches.fps_analysed,
                    frames_analyzed=done.frames_done,
                )
        usual = usual_people_per_frame(conn, video.camera, video_id)
    frames_here = done.frames_done - before.frames_done
    metadata = {
        "dagster/row_count": totals.detections,
        "detections": totals.detections,
        "tracks": totals.tracks,
        "frames_analyzed": done.frames_done,
        "analysis_fps": round(batches.fps_analysed, 2),
        "frames_per_s": round(frames_here / infer_s, 2) if infer_s > 0 else 0.0,
        "frames_detector_ran": done.frames_detected,
        "frames_skipped_still": done.frames_skipped,
        "chunks": done.chunks,
        "resumed_at_frame": resumed.next_frame_idx if resumed else 0,
        "device": model.device,
        "backend": model.backend,
        "imgsz": detector.imgsz,
        "model_load_s": round(load_s, 2),
    }
    frames = done.frames_done
    # Every sampled frame is either run through the model or skipped by the motion gate.
    frames_check = frames_verdict(
        video.duration_s, batches.fps_analysed, done.frames_detected, done.frames_skipped
    )
    return MaterializeResult(
        metadata=metadata,
        check_results=[
            check_result(FRAMES_COVERED, frames_check),
            check_result(
                PEOPLE_LEVEL,
                people_drift_verdict(totals.person_detections / frames if frames else 0.0, usual),
                AssetCheckSeverity.WARN,
            ),
        ],
    )
