"""Runs of the code location's job that the command line starts and executes in its own process.

`deepsentinel process` and `demo` create their run as a run of the code location's
``video_analysis_job``, with the origin workspace.yaml gives it (the location and repository the
UI loads), so the UI lists it in the job's Runs tab, on the Overview timeline and in the
partition's history, and can re-execute it. The run is then executed here, as the run worker
the instance's run launcher starts (``dagster api execute_run``) executes it: the command's
progress lines, exit code and one-line errors stay what they were, and a killed command is
found by its process tags
(:func:`~deepsentinel_pipelines.ingest.run_history.fail_runs_of_dead_processes`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from dagster import DagsterInstance, DagsterRun, DagsterRunStatus, JobDefinition
from dagster._core.definitions.reconstruct import ReconstructableJob, ReconstructableRepository
from dagster._core.definitions.repository_definition.valid_definitions import (
    SINGLETON_REPOSITORY_NAME,
)
from dagster._core.events import EngineEventData
from dagster._core.execution.api import execute_run
from dagster._core.remote_origin import RemoteJobOrigin, RemoteRepositoryOrigin
from dagster._core.workspace.load import location_origins_from_yaml_paths

from deepsentinel_pipelines.settings import WORKSPACE_YAML

#: The module workspace.yaml loads, and the attribute holding its Definitions.
DEFINITIONS_MODULE = "deepsentinel_pipelines.definitions"
DEFINITIONS_ATTRIBUTE = "defs"
#: The local executor, which a run's config may switch to running every step in its worker.
SWITCHABLE_EXECUTOR = "multi_or_in_process_executor"


@cache
def _repository_origin() -> RemoteRepositoryOrigin:
    """The repository as the UI's workspace (workspace.yaml) names it."""
    [location] = location_origins_from_yaml_paths([str(WORKSPACE_YAML)])
    return RemoteRepositoryOrigin(location, SINGLETON_REPOSITORY_NAME)


def location_name() -> str:
    """The code location's name in the UI (``deepsentinel_pipelines.definitions``)."""
    return _repository_origin().code_location_origin.location_name


def _reconstructable(job_name: str) -> ReconstructableJob:
    repository = ReconstructableRepository.for_module(
        DEFINITIONS_MODULE, DEFINITIONS_ATTRIBUTE, working_directory=str(WORKSPACE_YAML.parent)
    )
    return repository.get_reconstructable_job(job_name)


def in_process_config(job: JobDefinition) -> dict[str, Any]:
    """Run config that executes every step in the run worker, where the job's executor allows.

    A command-line run executes in the command's process, as `process` always did: a process
    per step would load the definitions once per step (over a minute on two cores).
    """
    if job.executor_def.name != SWITCHABLE_EXECUTOR:
        return {}
    return {"execution": {"config": {"in_process": True}}}


def create_partition_run(
    instance: DagsterInstance,
    job: JobDefinition,
    partition_key: str,
    tags: Mapping[str, str],
    run_config: Mapping[str, Any],
    run_id: str | None = None,
) -> DagsterRun:
    """A run of the code location's ``job`` for one partition, not started yet."""
    return instance.create_run_for_job(
        job_def=job,
        run_id=run_id,
        run_config=run_config,
        tags={**job.get_tags_for_partition_key(partition_key, None), **tags},
        remote_job_origin=RemoteJobOrigin(_repository_origin(), job.name),
        job_code_origin=_reconstructable(job.name).get_python_origin(),
    )


def execute_here(instance: DagsterInstance, run: DagsterRun) -> DagsterRunStatus:
    """Execute a created run in this process, as its run worker; its final status."""
    instance.report_engine_event(
        f"Started process for run (pid: {os.getpid()}): the deepsentinel command line.",
        run,
        EngineEventData.in_process(os.getpid()),
    )
    execute_run(_reconstructable(run.job_name), run, instance)
    finished = instance.get_run_by_id(run.run_id)
    return finished.status if finished is not None else DagsterRunStatus.FAILURE
