"""The single Definitions object of the DeepSentinel code location.

Settings are read once, here; resources, sensors and the assets' code versions are built
from them.
"""

from dagster import (
    AssetSpec,
    Definitions,
    ExecutorDefinition,
    Field,
    in_process_executor,
    load_assets_from_modules,
    map_asset_specs,
    multi_or_in_process_executor,
)

from deepsentinel_pipelines.assets import (
    camera_days,
    detections,
    embeddings,
    event_alerts,
    event_clips,
    events,
    ingest,
    occupancy,
    publication,
    video_summary,
)
from deepsentinel_pipelines.assets.attributes import attribute_stage
from deepsentinel_pipelines.assets.camera_days import camera_day_footage
from deepsentinel_pipelines.assets.code_versions import code_versions
from deepsentinel_pipelines.assets.sources import raw_videos_bucket, video_jobs_queue
from deepsentinel_pipelines.jobs import (
    camera_day_report_job,
    rag_query_job,
    retention_job,
    video_analysis_job,
)
from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.resources.step_pods import STEP_K8S_CONFIG
from deepsentinel_pipelines.sensors import SCHEDULES, build_sensors
from deepsentinel_pipelines.sensors.automation import (
    camera_day_reports_sensor,
    rules_rederivation_sensor,
)
from deepsentinel_pipelines.settings import load_settings


def _local_execution(config: dict) -> dict:
    return {"in_process": {}} if config["in_process"] else {"multiprocess": {"max_concurrent": 2}}


#: One process per step, two at a time; run config ``execution: {config: {in_process: true}}``
#: runs every step in the run worker instead (`deepsentinel process` does).
LOCAL_EXECUTOR = multi_or_in_process_executor.configured(
    _local_execution,
    config_schema={
        "in_process": Field(
            bool, default_value=False, description="Every step in the run worker's process."
        )
    },
)


def build_executor(name: str) -> ExecutorDefinition:
    """The executor named by DEEPSENTINEL_EXECUTOR.

    Locally one process per step (or, per run, all in the run worker: :data:`LOCAL_EXECUTOR`);
    ``k8s``: one Kubernetes Job per step (the Helm values); ``in_process``: every step in the
    run worker (many small videos on a small machine).
    """
    if name == "k8s":
        # Imported only here: the Kubernetes client adds about a second to every process that
        # loads these definitions (run workers and each step), and only the cluster uses it.
        from dagster_k8s import k8s_job_executor

        return k8s_job_executor.configured({"step_k8s_config": STEP_K8S_CONFIG})
    if name == "in_process":
        return in_process_executor
    return LOCAL_EXECUTOR


settings = load_settings()
CODE_VERSIONS = code_versions(settings)


def with_code_version(spec: AssetSpec) -> AssetSpec:
    """``spec`` with its code version from :data:`CODE_VERSIONS` (unchanged if it has none)."""
    version = CODE_VERSIONS.get(spec.key.to_user_string())
    return spec if version is None else spec.replace_attributes(code_version=version)


defs = Definitions(
    assets=[
        raw_videos_bucket,
        video_jobs_queue,
        # An AssetSpec: load_assets_from_modules leaves specs out.
        camera_day_footage,
        # The attribute stage runs only with a model; without one it is shown as off.
        attribute_stage(settings.attributes_model is not None),
        *map_asset_specs(
            with_code_version,
            load_assets_from_modules(
                [
                    ingest,
                    detections,
                    events,
                    event_clips,
                    event_alerts,
                    occupancy,
                    embeddings,
                    video_summary,
                    publication,
                    camera_days,
                ]
            ),
        ),
    ],
    jobs=[video_analysis_job, rag_query_job, retention_job, camera_day_report_job],
    sensors=[*build_sensors(settings), rules_rederivation_sensor, camera_day_reports_sensor],
    schedules=SCHEDULES,
    resources=build_resources(settings),
    executor=build_executor(settings.executor),
)
