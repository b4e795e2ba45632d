"""The single Definitions object of the DeepSentinel code location."""

import os

from dagster import (
    Definitions,
    in_process_executor,
    load_assets_from_modules,
    multiprocess_executor,
)
from dagster_k8s import k8s_job_executor

from deepsentinel_pipelines.assets import (
    attributes,
    detections,
    event_alerts,
    event_clips,
    events,
    ingest,
    occupancy,
    publication,
    search,
)
from deepsentinel_pipelines.assets.sources import raw_videos_bucket, video_jobs_queue
from deepsentinel_pipelines.jobs import (
    rag_query_job,
    retention_job,
    rules_rederivation_sensor,
    video_analysis_job,
)
from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.sensors import SCHEDULES, SENSORS
from deepsentinel_pipelines.step_pods import STEP_K8S_CONFIG

defs = Definitions(
    assets=[
        raw_videos_bucket,
        video_jobs_queue,
        *load_assets_from_modules(
            [
                ingest,
                detections,
                attributes,
                events,
                event_clips,
                event_alerts,
                occupancy,
                search,
                publication,
            ]
        ),
    ],
    jobs=[video_analysis_job, rag_query_job, retention_job],
    sensors=[*SENSORS, rules_rederivation_sensor],
    schedules=SCHEDULES,
    resources=build_resources(),
    # Locally one process per step; in the cluster (Helm values) one Kubernetes Job per step;
    # "in_process" runs every step in the run worker (many small videos on a small machine).
    executor={
        "k8s": k8s_job_executor.configured({"step_k8s_config": STEP_K8S_CONFIG}),
        "in_process": in_process_executor,
    }.get(
        os.environ.get("DEEPSENTINEL_EXECUTOR", ""),
        multiprocess_executor.configured({"max_concurrent": 2}),
    ),
)
