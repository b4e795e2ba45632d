"""Every backend the question path can be given satisfies the port it is passed as.

``isinstance`` against a runtime-checkable protocol only sees that the members exist, so each
member's signature is compared too (parameter names, kinds and defaults): a renamed keyword
would pass ``isinstance`` and fail at the call. The local backends are then called through the
port. The Bedrock backends (their client faked in ``test_bedrock_shapes.py``) are checked by
signature here, without a client.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from deepsentinel_pipelines.rag import ports
from deepsentinel_pipelines.rag.background_encoder import BackgroundEncoder
from deepsentinel_pipelines.rag.local_models import CosineReranker, DraftAnswers
from deepsentinel_pipelines.rag.minilm import MiniLMEncoder
from deepsentinel_pipelines.rag.retrieval import RerankDocument
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.embedder import (
    BedrockTitanEmbedderResource,
    LocalEmbedderResource,
)
from deepsentinel_pipelines.resources.llm import (
    BedrockLanguageModelResource,
    LocalLanguageModelResource,
)
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.resources.reranker import (
    BedrockCohereRerankerResource,
    LocalRerankerResource,
)

IMPLEMENTATIONS = [
    (ports.Embedder, LocalEmbedderResource),
    (ports.Embedder, BedrockTitanEmbedderResource),
    (ports.Embedder, MiniLMEncoder),
    (ports.Embedder, BackgroundEncoder),
    (ports.LanguageModel, LocalLanguageModelResource),
    (ports.LanguageModel, BedrockLanguageModelResource),
    (ports.LanguageModel, DraftAnswers),
    (ports.Reranker, LocalRerankerResource),
    (ports.Reranker, BedrockCohereRerankerResource),
    (ports.Reranker, CosineReranker),
    (ports.Database, PostgresResource),
    (ports.HighlightStore, ObjectStoreResource),
]


def _members(port: type) -> list[str]:
    return [
        name
        for name, value in vars(port).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    ]


def _parameters(function: object) -> list[tuple[str, object, object]]:
    signature = inspect.signature(function)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in list(signature.parameters.values())[1:]]


@pytest.mark.parametrize(
    ("port", "implementation"),
    IMPLEMENTATIONS,
    ids=[f"{impl.__name__}-{port.__name__}" for port, impl in IMPLEMENTATIONS],
)
def test_each_backend_has_the_ports_members_with_its_signatures(
    port: type, implementation: type
) -> None:
    members = _members(port)
    assert members, port
    for name in members:
        expected = vars(port)[name]
        got = inspect.getattr_static(implementation, name, None)
        if isinstance(expected, property):
            # A resource's config field reads as the attribute the port names.
            fields = getattr(implementation, "model_fields", {})
            assert got is not None or name in fields, f"{implementation.__name__} lacks {name}"
            continue
        assert got is not None, f"{implementation.__name__} lacks {name}"
        assert _parameters(got) == _parameters(expected), f"{implementation.__name__}.{name}"


def test_isinstance_sees_the_ports_and_refuses_a_stranger() -> None:
    assert isinstance(LocalLanguageModelResource(), ports.LanguageModel)
    assert isinstance(BedrockCohereRerankerResource(), ports.Reranker)
    assert isinstance(BedrockTitanEmbedderResource(), ports.Embedder)
    assert isinstance(PostgresResource(url="postgresql://nowhere/db"), ports.Database)
    assert not isinstance(DraftAnswers(), ports.Reranker)
    assert not isinstance(CosineReranker(), ports.Embedder)


@pytest.mark.slow
def test_the_local_backends_work_through_their_ports(embedder: LocalEmbedderResource) -> None:
    """MiniLM gives vectors of the port's size; the cosine reranker puts the fall first."""
    through_port: ports.Embedder = embedder
    vectors = through_port.embed(["Someone fell down near the entrance"])
    assert vectors.shape == (1, through_port.dim()) == (1, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)

    reranker: ports.Reranker = LocalRerankerResource()
    documents = [
        RerankDocument(7, "A car parked in the lot"),
        RerankDocument(9, "A person fell to the ground"),
    ]
    ranked = reranker.rerank("did anyone fall?", documents, 2, embedder=through_port)
    assert [event_id for event_id, _ in ranked] == [9, 7]

    model: ports.LanguageModel = LocalLanguageModelResource()
    assert model.write_sql("did anyone fall?", "qa.events(event_id int)") is None
    assert model.answer("did anyone fall?", "rows", "1 fall: #9.") == "1 fall: #9."
