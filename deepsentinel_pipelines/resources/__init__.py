"""Resources, configured from environment variables through ``EnvVar``."""

from __future__ import annotations

import os
from typing import Any

from dagster import EnvVar, mem_io_manager

from deepsentinel_pipelines.resources.attributes import (
    AttributeEstimator,
    DisabledAttributeEstimator,
    TorchScriptAttributeEstimator,
)
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.detector import DetectorResource
from deepsentinel_pipelines.resources.embedder import (
    BedrockTitanEmbedder,
    Embedder,
    LocalEmbedder,
)
from deepsentinel_pipelines.resources.event_webhook import EventWebhookResource
from deepsentinel_pipelines.resources.job_queue import JobQueueResource
from deepsentinel_pipelines.resources.llm import (
    BedrockLanguageModel,
    LanguageModel,
    LocalLanguageModel,
)
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.reranker import (
    BedrockCohereReranker,
    LocalReranker,
    Reranker,
)
from deepsentinel_pipelines.settings import DEFAULT_BUCKETS, DEFAULT_REGION
from deepsentinel_pipelines.video.decode import DEFAULT_ANALYSIS_FPS
from deepsentinel_pipelines.video.detector import DEFAULT_IMGSZ

#: Results of the question and retention ops: kept in the run's memory (both jobs run in one
#: process), shown as metadata, never pickled to storage.
RESULT_IO_MANAGER = "result_io_manager"


def _env(name: str, default: Any) -> Any:
    """``EnvVar(name)`` when the variable is set, else the default (read at load time)."""
    return EnvVar(name) if os.environ.get(name) else default


def _env_int(name: str, default: int) -> Any:
    return EnvVar.int(name) if os.environ.get(name) else default


def _env_float(name: str, default: float) -> Any:
    # EnvVar has no float form; the value is read when the definitions load.
    return float(os.environ[name]) if os.environ.get(name) else default


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value not in ("0", "false", "no", "off")


def _backend() -> str:
    backend = os.environ.get("DEEPSENTINEL_MODEL_BACKEND", "local")
    if backend not in ("local", "bedrock"):
        raise ValueError(f"DEEPSENTINEL_MODEL_BACKEND is 'local' or 'bedrock', not {backend!r}")
    return backend


def build_embedder() -> Embedder:
    """MiniLM from its pip package, or Titan v2 when DEEPSENTINEL_MODEL_BACKEND=bedrock."""
    if _backend() == "bedrock":
        return BedrockTitanEmbedder(
            region=_env("AWS_DEFAULT_REGION", DEFAULT_REGION),
            dimensions=_env_int("DEEPSENTINEL_EMBEDDING_DIM", 1024),
        )
    return LocalEmbedder(device=_env("DEEPSENTINEL_EMBEDDING_DEVICE", "cpu"))


def build_reranker() -> Reranker:
    """Cosine similarity to stored vectors, or Cohere Rerank 3.5 when the backend is bedrock."""
    if _backend() == "bedrock":
        return BedrockCohereReranker(
            region=_env("AWS_DEFAULT_REGION", DEFAULT_REGION),
            model_id=_env(
                "DEEPSENTINEL_BEDROCK_RERANK_MODEL",
                BedrockCohereReranker.model_fields["model_id"].default,
            ),
        )
    return LocalReranker()


def build_llm() -> LanguageModel:
    """The deterministic local composer, or Claude when DEEPSENTINEL_MODEL_BACKEND=bedrock."""
    if _backend() == "bedrock":
        return BedrockLanguageModel(
            region=_env("AWS_DEFAULT_REGION", DEFAULT_REGION),
            model_id=_env(
                "DEEPSENTINEL_BEDROCK_LLM_MODEL",
                BedrockLanguageModel.model_fields["model_id"].default,
            ),
        )
    return LocalLanguageModel()


def build_attribute_estimator() -> AttributeEstimator:
    """Off unless DEEPSENTINEL_ATTRIBUTES_MODEL names a TorchScript age/gender model."""
    if os.environ.get("DEEPSENTINEL_ATTRIBUTES_MODEL"):
        return TorchScriptAttributeEstimator(
            model_path=EnvVar("DEEPSENTINEL_ATTRIBUTES_MODEL"),
            device=_env("DEEPSENTINEL_ATTRIBUTES_DEVICE", "cpu"),
        )
    return DisabledAttributeEstimator()


def build_resources() -> dict[str, Any]:
    """Every resource the definitions use, keyed by the name assets ask for."""
    region = _env("AWS_DEFAULT_REGION", DEFAULT_REGION)
    endpoint = _env("AWS_ENDPOINT_URL", None)
    return {
        "database": PostgresResource(
            url=EnvVar("DEEPSENTINEL_DATABASE_URL"),
            reader_url=_env("DEEPSENTINEL_READER_URL", None),
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
        "detector": DetectorResource(
            weights=_env("DEEPSENTINEL_DETECTOR_WEIGHTS", "yolo11n-pose.pt"),
            device=_env("DEEPSENTINEL_DEVICE", "auto"),
            backend=_env("DEEPSENTINEL_DETECTOR_BACKEND", "auto"),
            motion_gating=_env_flag("DEEPSENTINEL_MOTION_GATING", True),
            imgsz=_env_int("DEEPSENTINEL_DETECTOR_IMGSZ", DEFAULT_IMGSZ),
            analysis_fps=_env_float("DEEPSENTINEL_ANALYSIS_FPS", DEFAULT_ANALYSIS_FPS),
        ),
        "attribute_estimator": build_attribute_estimator(),
        "embedder": build_embedder(),
        "llm": build_llm(),
        "reranker": build_reranker(),
        # Alerts on events go to their own webhook, else to the run-failure one.
        "event_webhook": EventWebhookResource(
            url=_env("DEEPSENTINEL_EVENT_WEBHOOK_URL", _env("DEEPSENTINEL_ALERT_WEBHOOK_URL", None))
        ),
        "job_queue": JobQueueResource(
            endpoint_url=endpoint,
            region=region,
            queue_name=_env("DEEPSENTINEL_JOBS_QUEUE", "video-jobs"),
            dead_letter_queue_name=_env("DEEPSENTINEL_DLQ", "video-jobs-dlq"),
        ),
        RESULT_IO_MANAGER: mem_io_manager,
    }
