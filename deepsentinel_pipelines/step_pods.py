"""Kubernetes settings of every step pod (``k8s_job_executor``'s ``step_k8s_config``).

The run launcher's ``runK8sConfig`` (Helm values) reaches step pods too; this config is merged
over it, and each op's ``dagster-k8s/config`` tags over this (the GPU step's in
assets/detections.py). Sizes are for the CPU steps: ``events`` and ``highlights`` hold a whole
video's detections in memory (an hour at 10 frames/s with ~10 people is ~360k rows, a few GiB
as Python objects), and every step keeps its copy of the raw video (up to a few GiB for an hour
of 1080p) in the video cache, an ``emptyDir`` that goes with the pod.
"""

#: Where the steps cache videos and weights: $DEEPSENTINEL_HOME/cache in the image.
VIDEO_CACHE_PATH = "/opt/dagster/deepsentinel/cache"

STEP_K8S_CONFIG = {
    "container_config": {
        "resources": {
            "requests": {"cpu": "1", "memory": "4Gi", "ephemeral-storage": "20Gi"},
            "limits": {"memory": "8Gi", "ephemeral-storage": "40Gi"},
        },
        "volume_mounts": [{"name": "video-cache", "mount_path": VIDEO_CACHE_PATH}],
    },
    "pod_spec_config": {
        "volumes": [{"name": "video-cache", "empty_dir": {"size_limit": "40Gi"}}],
    },
}
