"""Resources, configured from environment variables through ``EnvVar``."""

from __future__ import annotations

import os
from typing import Any

from dagster import EnvVar

from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.job_queue import JobQueueResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.settings import DEFAULT_BUCKETS, DEFAULT_REGION


def _env(name: str, default: Any) -> Any:
    """``EnvVar(name)`` when the variable is set, else the default (read at load time)."""
    return EnvVar(name) if os.environ.get(name) else default


def _env_int(name: str, default: int) -> Any:
    return EnvVar.int(name) if os.environ.get(name) else default


def build_resources() -> dict[str, Any]:
    """Every resource the definitions use, keyed by the name assets ask for."""
    region = _env("AWS_DEFAULT_REGION", DEFAULT_REGION)
    endpoint = _env("AWS_ENDPOINT_URL", None)
    return {
        "database": PostgresResource(
            url=EnvVar("DEEPSENTINEL_DATABASE_URL"),
            embedding_dim=_env_int("DEEPSENTINEL_EMBEDDING_DIM", 384),
        ),
        "object_store": ObjectStoreResource(
            endpoint_url=endpoint,
            region=region,
            raw_videos_bucket=_env("DEEPSENTINEL_RAW_VIDEOS_BUCKET", DEFAULT_BUCKETS["raw_videos"]),
            thumbnails_bucket=_env("DEEPSENTINEL_THUMBNAILS_BUCKET", DEFAULT_BUCKETS["thumbnails"]),
            highlights_bucket=_env("DEEPSENTINEL_HIGHLIGHTS_BUCKET", DEFAULT_BUCKETS["highlights"]),
            models_bucket=_env("DEEPSENTINEL_MODELS_BUCKET", DEFAULT_BUCKETS["models"]),
        ),
        "job_queue": JobQueueResource(
            endpoint_url=endpoint,
            region=region,
            queue_name=_env("DEEPSENTINEL_JOBS_QUEUE", "video-jobs"),
            dead_letter_queue_name=_env("DEEPSENTINEL_DLQ", "video-jobs-dlq"),
        ),
    }
