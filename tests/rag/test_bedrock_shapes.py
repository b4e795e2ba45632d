"""Bedrock request and response shapes, checked with botocore's Stubber (no network).

Stubber validates every request against the service model and the stubbed responses against
the response shape, so these tests catch misspelt parameters and misread responses.
"""

from __future__ import annotations

import io
import json

import boto3
import numpy as np
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from deepsentinel_pipelines.rag.plan import Filters
from deepsentinel_pipelines.rag.retrieval import RerankDocument
from deepsentinel_pipelines.rag.semantic import closest_events
from deepsentinel_pipelines.resources.embedder import BedrockTitanEmbedderResource, titan_request
from deepsentinel_pipelines.resources.llm import (
    ANSWER_SYSTEM,
    SQL_SYSTEM,
    BedrockLanguageModelResource,
    converse_request,
)
from deepsentinel_pipelines.resources.reranker import (
    BedrockCohereRerankerResource,
    LocalRerankerResource,
    cohere_rerank_request,
    cohere_rerank_results,
)
from tests.rag.corpus import Corpus


@pytest.fixture()
def bedrock():
    """A bedrock-runtime client that can only answer what a test stubs."""
    client = boto3.client(
        "bedrock-runtime",
        region_name="us-east-1",
        aws_access_key_id="stub",
        aws_secret_access_key="stub",
    )
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def converse_response(text: str) -> dict:
    return {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 10, "outputTokens": 5, "totalTokens": 15},
        "metrics": {"latencyMs": 12},
    }


def body(payload: dict) -> dict:
    data = json.dumps(payload).encode()
    return {"body": StreamingBody(io.BytesIO(data), len(data)), "contentType": "application/json"}


def test_converse_sql_request_and_fenced_reply(bedrock, monkeypatch) -> None:
    client, stubber = bedrock
    model = BedrockLanguageModelResource(model_id="anthropic.test-v1:0", max_tokens=300)
    monkeypatch.setattr(BedrockLanguageModelResource, "client", lambda self: client)
    expected = converse_request(
        "anthropic.test-v1:0", SQL_SYSTEM, "Views:\nqa.events(...)\n\nQuestion: any falls?", 300
    )
    assert expected["inferenceConfig"] == {"maxTokens": 300, "temperature": 0.0}
    stubber.add_response(
        "converse", converse_response("```sql\nSELECT count(*) FROM qa.events\n```"), expected
    )
    assert model.write_sql("any falls?", "qa.events(...)") == "SELECT count(*) FROM qa.events"


def test_converse_answer_gets_the_evidence(bedrock, monkeypatch) -> None:
    client, stubber = bedrock
    model = BedrockLanguageModelResource()
    monkeypatch.setattr(BedrockLanguageModelResource, "client", lambda self: client)
    stubber.add_response(
        "converse",
        converse_response("Yes: event #7 at 01:15."),
        converse_request(
            model.model_id,
            ANSWER_SYSTEM,
            "Evidence:\n#7 | v | 01:15-01:17 | fall\n\nQuestion: any falls?",
            model.max_tokens,
        ),
    )
    assert model.answer("any falls?", "#7 | v | 01:15-01:17 | fall", "draft") == (
        "Yes: event #7 at 01:15."
    )


def test_titan_invoke_model_request_and_vectors(bedrock, monkeypatch) -> None:
    client, stubber = bedrock
    embedder = BedrockTitanEmbedderResource(dimensions=256)
    monkeypatch.setattr(BedrockTitanEmbedderResource, "client", lambda self: client)
    for i, text in enumerate(["a fall", "a crowd"]):
        vector = np.zeros(256)
        vector[i] = 1.0
        stubber.add_response(
            "invoke_model",
            body({"embedding": vector.tolist(), "inputTextTokenCount": 2}),
            {
                "modelId": "amazon.titan-embed-text-v2:0",
                "body": titan_request(text, 256),
                "contentType": "application/json",
                "accept": "application/json",
            },
        )
    vectors = embedder.embed(["a fall", "a crowd"])
    assert vectors.shape == (2, 256) and vectors.dtype == np.float32
    assert vectors[0, 0] == 1.0 and vectors[1, 1] == 1.0
    assert json.loads(titan_request("x", 256)) == {
        "inputText": "x",
        "dimensions": 256,
        "normalize": True,
    }


def test_cohere_rerank_request_and_results(bedrock, monkeypatch) -> None:
    client, stubber = bedrock
    reranker = BedrockCohereRerankerResource()
    monkeypatch.setattr(BedrockCohereRerankerResource, "client", lambda self: client)
    documents = [RerankDocument(id=100 + i, text=f"doc {i}") for i in range(4)]
    stubber.add_response(
        "invoke_model",
        body(
            {
                "id": "r-1",
                "results": [
                    {"index": 2, "relevance_score": 0.91},
                    {"index": 0, "relevance_score": 0.40},
                ],
            }
        ),
        {
            "modelId": "cohere.rerank-v3-5:0",
            "body": cohere_rerank_request("who fell?", [d.text for d in documents], 2),
            "contentType": "application/json",
            "accept": "application/json",
        },
    )
    assert reranker.rerank("who fell?", documents, 2) == [(102, 0.91), (100, 0.40)]
    assert json.loads(cohere_rerank_request("q", ["a"], 1)) == {
        "query": "q",
        "documents": ["a"],
        "top_n": 1,
        "api_version": 2,
    }


def test_cohere_results_are_sorted_and_nothing_is_sent_for_no_documents() -> None:
    parsed = cohere_rerank_results(
        b'{"results": [{"index": 1, "relevance_score": 0.2}, {"index": 0, "relevance_score": 0.7}]}'
    )
    assert parsed == [(0, 0.7), (1, 0.2)]
    assert BedrockCohereRerankerResource().rerank("q", [], 5) == []  # no client is even created


def test_local_reranker_uses_stored_vectors_and_embeds_only_the_missing() -> None:
    class CountingEmbedder:
        calls: list[list[str]] = []

        def embed(self, texts):
            self.calls.append(list(texts))
            return np.tile(np.array([[0.0, 1.0]], dtype=np.float32), (len(texts), 1))

    embedder = CountingEmbedder()
    documents = [
        RerankDocument(1, "stored, far", np.array([1.0, 0.0], dtype=np.float32)),
        RerankDocument(2, "no vector"),
        RerankDocument(3, "stored, close", np.array([0.6, 0.8], dtype=np.float32)),
    ]
    ranked = LocalRerankerResource().rerank(
        "q", documents, 2, query_vector=np.array([0.0, 1.0], dtype=np.float32), embedder=embedder
    )
    assert [i for i, _ in ranked] == [2, 3]
    assert embedder.calls == [["no vector"]]
    with pytest.raises(ValueError, match="needs an embedder"):
        LocalRerankerResource().rerank("q", documents, 2)


def test_the_whole_ask_path_with_bedrock_shapes(
    ask_local, corpus: Corpus, bedrock, monkeypatch, db, embedder
) -> None:
    """Claude writes SQL (validated, run read-only) and answers; Cohere reranks retrieval."""
    client, stubber = bedrock
    monkeypatch.setattr(BedrockLanguageModelResource, "client", lambda self: client)
    monkeypatch.setattr(BedrockCohereRerankerResource, "client", lambda self: client)
    lobby = corpus.video_ids["lobby"]
    stubber.add_response(
        "converse",
        converse_response(
            f"SELECT event_id FROM events WHERE event_type = 'fall' AND video_id = '{lobby}'"
        ),
        {"modelId": ANY, "system": [{"text": SQL_SYSTEM}], "messages": ANY, "inferenceConfig": ANY},
    )
    stubber.add_response(
        "converse",
        converse_response("Two people fell: #A and #B."),
        {
            "modelId": ANY,
            "system": [{"text": ANSWER_SYSTEM}],
            "messages": ANY,
            "inferenceConfig": ANY,
        },
    )
    result = ask_local(
        "did anyone fall?",
        video_ids=corpus.videos(),
        llm=BedrockLanguageModelResource(),
        reranker=BedrockCohereRerankerResource(),
    )
    assert result.answer == "Two people fell: #A and #B."
    assert result.sql.startswith("SELECT events.event_id AS event_id FROM qa.events AS events")
    assert {e.event_id for e in result.events} == corpus.ids(["plaza.fall5", "lobby.fall2"])
    assert result.count == 2
    # A question no kind plans is answered by retrieval, which Cohere reranks.
    stubber.add_response(
        "invoke_model",
        body({"results": [{"index": 1, "relevance_score": 0.9}]}),
        {
            "modelId": "cohere.rerank-v3-5:0",
            "body": ANY,
            "contentType": "application/json",
            "accept": "application/json",
        },
    )
    question = "a person lying on the floor"
    events, retrieved = closest_events(
        db,
        question,
        np.asarray(embedder.embed([question])[0]),
        Filters(video_ids=tuple(corpus.videos())),
        embedder=embedder,
        reranker=BedrockCohereRerankerResource(),
        candidates=5,
        top_k=1,
        timeout_ms=2000,
        min_similarity=0.0,
    )
    assert len(events) == 1 and events[0].event_id in retrieved
    stubber.assert_no_pending_responses()


def test_the_backend_is_picked_by_configuration(monkeypatch) -> None:
    from deepsentinel_pipelines.resources import build_reranker, build_resources
    from deepsentinel_pipelines.settings import load_settings

    monkeypatch.setenv("DEEPSENTINEL_MODEL_BACKEND", "local")
    assert isinstance(build_resources(load_settings())["reranker"], LocalRerankerResource)
    monkeypatch.setenv("DEEPSENTINEL_MODEL_BACKEND", "bedrock")
    reranker = build_reranker(load_settings())
    assert isinstance(reranker, BedrockCohereRerankerResource)
    assert reranker.model_id == "cohere.rerank-v3-5:0"
