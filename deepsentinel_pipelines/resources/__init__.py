"""Resources, built from :class:`~deepsentinel_pipelines.settings.Settings`.

Values that may carry credentials (the database, reader and webhook URLs) are passed as
``EnvVar``: the definitions never hold them, the Dagster UI shows the variable's name, and a run
reads them when its resources start. Settings decide whether an optional one is set. AWS
credentials never pass through here: boto3 finds them itself. Everything else (endpoint, region,
bucket and queue names, model choices and sizes) is a plain value from the settings, so their
defaults live in one place.
"""

from __future__ import annotations

from typing import Any

from dagster import EnvVar, mem_io_manager

from deepsentinel_pipelines.resources.attributes import (
    AttributeEstimatorResource,
    DisabledAttributeEstimatorResource,
    TorchScriptAttributeEstimatorResource,
)
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.detector import DetectorResource
from deepsentinel_pipelines.resources.embedder import (
    BedrockTitanEmbedderResource,
    EmbedderResource,
    LocalEmbedderResource,
)
from deepsentinel_pipelines.resources.event_webhook import EventWebhookResource
from deepsentinel_pipelines.resources.job_queue import JobQueueResource
from deepsentinel_pipelines.resources.llm import (
    BedrockLanguageModelResource,
    LanguageModelResource,
    LocalLanguageModelResource,
)
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.reranker import (
    BedrockCohereRerankerResource,
    LocalRerankerResource,
    RerankerResource,
)
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.settings import Settings

#: Results of the question and retention ops: kept in the run's memory (both jobs run in one
#: process), shown as metadata, never pickled to storage.
RESULT_IO_MANAGER = "result_io_manager"


def _secret(name: str, value: str | None) -> EnvVar | None:
    """``EnvVar(name)`` when the settings found a value for it, else None (optional)."""
    return EnvVar(name) if value else None


def build_embedder(settings: Settings) -> EmbedderResource:
    """MiniLM from its pip package, or Titan v2 when the backend is bedrock."""
    if settings.model_backend == "bedrock":
        return BedrockTitanEmbedderResource(
            region=settings.region, dimensions=settings.embedding_dim
        )
    return LocalEmbedderResource(device=settings.embedding_device)


def build_reranker(settings: Settings) -> RerankerResource:
    """Cosine similarity to stored vectors, or Cohere Rerank 3.5 when the backend is bedrock."""
    if settings.model_backend == "bedrock":
        return BedrockCohereRerankerResource(
            region=settings.region, model_id=settings.bedrock_rerank_model
        )
    return LocalRerankerResource()


def build_llm(settings: Settings) -> LanguageModelResource:
    """The deterministic local composer, or Claude when the backend is bedrock."""
    if settings.model_backend == "bedrock":
        return BedrockLanguageModelResource(
            region=settings.region, model_id=settings.bedrock_llm_model
        )
    return LocalLanguageModelResource()


def build_attribute_estimator(settings: Settings) -> AttributeEstimatorResource:
    """Off unless DEEPSENTINEL_ATTRIBUTES_MODEL names a TorchScript age/gender model."""
    if settings.attributes_model:
        return TorchScriptAttributeEstimatorResource(
            model_path=settings.attributes_model, device=settings.attributes_device
        )
    return DisabledAttributeEstimatorResource()


def build_resources(settings: Settings) -> dict[str, Any]:
    """Every resource the definitions use, keyed by the name assets ask for."""
    return {
        "database": PostgresResource(
            url=EnvVar("DEEPSENTINEL_DATABASE_URL"),
            reader_url=_secret("DEEPSENTINEL_READER_URL", settings.reader_url),
            embedding_dim=settings.embedding_dim,
        ),
        "object_store": ObjectStoreResource(
            endpoint_url=settings.aws_endpoint_url,
            region=settings.region,
            raw_videos_bucket=settings.raw_videos_bucket,
            thumbnails_bucket=settings.thumbnails_bucket,
            highlights_bucket=settings.highlights_bucket,
            models_bucket=settings.models_bucket,
        ),
        "detector": DetectorResource(
            weights=settings.detector_weights,
            device=settings.detector_device,
            backend=settings.detector_backend,
            motion_gating=settings.motion_gating,
            imgsz=settings.detector_imgsz,
            analysis_fps=settings.analysis_fps,
        ),
        "attribute_estimator": build_attribute_estimator(settings),
        "embedder": build_embedder(settings),
        "llm": build_llm(settings),
        "reranker": build_reranker(settings),
        # Alerts on events go to their own webhook, else to the run-failure one.
        "event_webhook": EventWebhookResource(
            url=_secret("DEEPSENTINEL_EVENT_WEBHOOK_URL", settings.event_webhook_url)
            or _secret("DEEPSENTINEL_ALERT_WEBHOOK_URL", settings.alerts.webhook_url)
        ),
        "job_queue": JobQueueResource(
            endpoint_url=settings.aws_endpoint_url,
            region=settings.region,
            queue_name=settings.jobs_queue,
            dead_letter_queue_name=settings.dead_letter_queue,
        ),
        "site": SiteResource(
            cameras_config=str(settings.cameras_config),
            review_url=settings.review_url,
            attributes_enabled=settings.attributes_model is not None,
        ),
        RESULT_IO_MANAGER: mem_io_manager,
    }
