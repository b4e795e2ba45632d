"""Each Bedrock resource builds its bedrock-runtime client once, not once per call."""

from __future__ import annotations

import pytest

from deepsentinel_pipelines.resources import embedder, llm, reranker


@pytest.mark.parametrize(
    ("module", "resource"),
    [
        (embedder, embedder.BedrockTitanEmbedderResource()),
        (llm, llm.BedrockLanguageModelResource()),
        (reranker, reranker.BedrockCohereRerankerResource()),
    ],
)
def test_one_client_per_resource(module, resource, monkeypatch: pytest.MonkeyPatch) -> None:
    made = []
    monkeypatch.setattr(module, "make_client", lambda *args: made.append(args) or object())
    first = resource.client()
    assert resource.client() is first and resource.client() is first
    assert made == [("bedrock-runtime", None, "us-east-1")]
