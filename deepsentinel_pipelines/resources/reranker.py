"""Reranking of retrieved events: cosine similarity (local) or Cohere Rerank 3.5 on Bedrock."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from dagster import ConfigurableResource
from pydantic import PrivateAttr

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.rag import ports
from deepsentinel_pipelines.rag.local_models import CosineReranker
from deepsentinel_pipelines.rag.retrieval import RerankDocument
from deepsentinel_pipelines.settings import DEFAULT_BEDROCK_RERANK_MODEL

__all__ = [
    "BedrockCohereRerankerResource",
    "LocalRerankerResource",
    "RerankDocument",
    "RerankerResource",
]


class RerankerResource(ConfigurableResource):
    """Orders candidates by relevance to a question and keeps the best ``top_n``."""

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        top_n: int,
        *,
        query_vector: np.ndarray | None = None,
        embedder: ports.Embedder | None = None,
    ) -> list[tuple[int, float]]:
        """``(document id, score)`` for the best ``top_n`` documents, best first.

        Args:
            query: The question.
            documents: Candidates, in the retrievers' fused order (ties keep it).
            top_n: How many to keep.
            query_vector: The question's embedding, when the caller already has it.
            embedder: Embeds the question or documents that lack a vector (local reranker).
        """
        raise NotImplementedError


class LocalRerankerResource(RerankerResource):
    """Cosine similarity between the question's and the stored events' embeddings.

    The code is :class:`~deepsentinel_pipelines.rag.local_models.CosineReranker`, shared with
    ``deepsentinel ask``.
    """

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        top_n: int,
        *,
        query_vector: np.ndarray | None = None,
        embedder: ports.Embedder | None = None,
    ) -> list[tuple[int, float]]:
        """Order by cosine similarity; ties keep the input order."""
        return CosineReranker().rerank(
            query, documents, top_n, query_vector=query_vector, embedder=embedder
        )


def cohere_rerank_request(query: str, documents: Sequence[str], top_n: int) -> str:
    """Body of a Cohere Rerank 3.5 InvokeModel request on Bedrock."""
    return json.dumps(
        {"query": query, "documents": list(documents), "top_n": int(top_n), "api_version": 2}
    )


def cohere_rerank_results(response_body: bytes) -> list[tuple[int, float]]:
    """``(document index, relevance score)`` from a Cohere Rerank response body, best first."""
    results = json.loads(response_body)["results"]
    pairs = [(int(r["index"]), float(r["relevance_score"])) for r in results]
    return sorted(pairs, key=lambda pair: -pair[1])


class BedrockCohereRerankerResource(RerankerResource):
    """Cohere Rerank 3.5 through bedrock-runtime ``InvokeModel``.

    ``InvokeModel`` rather than the bedrock-agent-runtime ``Rerank`` API: it uses the same
    client, endpoint and ``bedrock:InvokeModel`` permission as Claude and Titan, and takes the
    plain model id instead of a model ARN.
    """

    region: str = "us-east-1"
    model_id: str = DEFAULT_BEDROCK_RERANK_MODEL

    _client: Any = PrivateAttr(default=None)

    def client(self) -> Any:
        """The bedrock-runtime client, made once (real AWS: Bedrock has no local endpoint)."""
        if self._client is None:
            self._client = make_client("bedrock-runtime", None, self.region)
        return self._client

    def rerank(
        self,
        query: str,
        documents: Sequence[RerankDocument],
        top_n: int,
        *,
        query_vector: np.ndarray | None = None,
        embedder: ports.Embedder | None = None,
    ) -> list[tuple[int, float]]:
        """One InvokeModel call for all documents; the vectors are not needed."""
        del query_vector, embedder
        if not documents or top_n <= 0:
            return []
        response = self.client().invoke_model(
            modelId=self.model_id,
            body=cohere_rerank_request(query, [d.text for d in documents], top_n),
            contentType="application/json",
            accept="application/json",
        )
        ranked = cohere_rerank_results(response["body"].read())
        return [(documents[i].id, score) for i, score in ranked if 0 <= i < len(documents)][:top_n]
