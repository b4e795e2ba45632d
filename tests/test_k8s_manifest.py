"""The detections step's Kubernetes Job, built as k8s_job_executor builds it, without a cluster."""

from __future__ import annotations

import json

import yaml
from dagster_k8s.job import (
    DagsterK8sJobConfig,
    construct_dagster_k8s_job,
    get_user_defined_k8s_config,
)

from deepsentinel_pipelines.assets.detections import GPU_STEP_TAGS, detections
from deepsentinel_pipelines.settings import REPO_ROOT

K8S_CONFIG_TAG = "dagster-k8s/config"


def step_job_manifest(step_tags: dict[str, str]) -> dict:
    """The V1Job of one step, as a plain dict (what `kubectl apply` would receive)."""
    job = construct_dagster_k8s_job(
        job_config=DagsterK8sJobConfig(
            job_image="registry.example/deepsentinel-pipelines:test",
            dagster_home="/opt/dagster/dagster_home",
            instance_config_map="dagster-instance",
        ),
        args=["dagster", "api", "execute_step"],
        job_name="dagster-step-0123456789abcdef",
        user_defined_k8s_config=get_user_defined_k8s_config(step_tags),
        component="step_worker",
        labels={"dagster/op": "detections"},
    )
    return job.to_dict()


def test_detections_step_requests_a_gpu_on_the_gpu_pool() -> None:
    # Step pods get op tags only (job-level dagster-k8s/config tags do not reach them).
    step_tags = dict(detections.op.tags)
    assert json.loads(step_tags[K8S_CONFIG_TAG]) == GPU_STEP_TAGS[K8S_CONFIG_TAG]
    assert detections.op.pool == "gpu"

    pod = step_job_manifest(step_tags)["spec"]["template"]["spec"]
    [container] = pod["containers"]
    assert container["resources"]["limits"]["nvidia.com/gpu"] == "1"
    assert container["resources"]["requests"]["nvidia.com/gpu"] == "1"
    assert pod["node_selector"] == {"deepsentinel.io/node-pool": "gpu"}
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in [
        {k: v for k, v in t.items() if v is not None} for t in pod["tolerations"]
    ]


def test_a_cpu_step_stays_off_the_gpu_pool() -> None:
    pod = step_job_manifest({})["spec"]["template"]["spec"]
    assert not pod.get("node_selector") and not pod.get("tolerations")
    assert "nvidia.com/gpu" not in str(pod["containers"][0].get("resources"))


def test_helm_values_use_k8s_launcher_queue_and_gpu_pool_limit() -> None:
    values = yaml.safe_load((REPO_ROOT / "deploy" / "helm-values.yaml").read_text())
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    assert values["dagsterDaemon"]["runCoordinator"]["type"] == "QueuedRunCoordinator"
    assert values["concurrency"]["pools"]["defaultLimit"] == 1
    [deployment] = values["dagster-user-deployments"]["deployments"]
    env = {e["name"]: e["value"] for e in deployment["env"]}
    assert env["DEEPSENTINEL_EXECUTOR"] == "k8s"
    assert deployment["dagsterApiGrpcArgs"][-1] == "deepsentinel_pipelines.definitions"
