"""The single Definitions object of the DeepSentinel code location.

Settings are read once, here; resources and sensors are built from them.
"""

from dagster import (
    Definitions,
    ExecutorDefinition,
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
from deepsentinel_pipelines.sensors import SCHEDULES, build_sensors
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.step_pods import STEP_K8S_CONFIG


def build_executor(name: str) -> ExecutorDefinition:
    """The executor named by DEEPSENTINEL_EXECUTOR.

    Locally one process per step; ``k8s``: one Kubernetes Job per step (the Helm values);
    ``in_process``: every step in the run worker (many small videos on a small machine).
    """
    return {
        "k8s": k8s_job_executor.configured({"step_k8s_config": STEP_K8S_CONFIG}),
        "in_process": in_process_executor,
    }.get(name, multiprocess_executor.configured({"max_concurrent": 2}))


settings = load_settings()
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
    sensors=[*build_sensors(settings), rules_rederivation_sensor],
    schedules=SCHEDULES,
    resources=build_resources(settings),
    executor=build_executor(settings.executor),
)
