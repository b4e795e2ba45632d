"""Kubernetes settings of every step pod (``k8s_job_executor``'s ``step_k8s_config``).

The run launcher's ``runK8sConfig`` (Helm values) reaches step pods too; this config is merged
over it, and each op's ``dagster-k8s/config`` tags over this (the GPU step's in
assets/detections.py). Sizes are for the CPU steps and come from measurements: every step
streams its rows, so its memory does not grow with the video's length. Each step run alone in
a process of its own on the 5.3- and 60-minute benchmark videos (``bench/long_video.py
--per-step``) peaked at 0.22-0.48 GiB, ``event_clips`` (the open clips' encoders) at 0.69 GiB:
1 GiB requested, 2 GiB as the limit (3x the largest peak, for a denser scene's overlapping
clips). Every step keeps its copy of the raw video (up to a few GiB for an hour of 1080p) in
the video cache, an ``emptyDir`` that goes with the pod.
"""

#: Where the steps cache videos and weights: $DEEPSENTINEL_HOME/cache in the image.
VIDEO_CACHE_PATH = "/opt/dagster/deepsentinel/cache"

STEP_K8S_CONFIG = {
    "container_config": {
        "resources": {
            "requests": {"cpu": "1", "memory": "1Gi", "ephemeral-storage": "20Gi"},
            "limits": {"memory": "2Gi", "ephemeral-storage": "40Gi"},
        },
        "volume_mounts": [{"name": "video-cache", "mount_path": VIDEO_CACHE_PATH}],
    },
    "pod_spec_config": {
        "volumes": [{"name": "video-cache", "empty_dir": {"size_limit": "40Gi"}}],
    },
}
