"""Language model for summaries, SQL and answers: deterministic local, or Claude on Bedrock."""

from __future__ import annotations

from typing import Any

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.rag.local_models import DraftAnswers
from deepsentinel_pipelines.settings import DEFAULT_BEDROCK_LLM_MODEL
from deepsentinel_pipelines.video.summary import NOTABLE_IN_SUMMARY, VideoFacts, compose_summary


class LanguageModelResource(ConfigurableResource):
    """Writes video summaries, SQL for questions, and answers from retrieved rows."""

    def summarize(self, facts: VideoFacts) -> str:
        """A short summary of one video that states nothing ``facts`` does not hold."""
        raise NotImplementedError

    def write_sql(self, question: str, schema: str) -> str | None:
        """A SELECT answering ``question`` over ``schema``, or None to use the built-in parser."""
        raise NotImplementedError

    def answer(self, question: str, evidence: str, draft: str) -> str:
        """The final answer from evidence rows; ``draft`` is the deterministic answer."""
        raise NotImplementedError


class LocalLanguageModelResource(LanguageModelResource):
    """Deterministic composer: small local LLMs invent facts, this states only the rows."""

    def summarize(self, facts: VideoFacts) -> str:
        """Compose the summary from the facts."""
        return compose_summary(facts)

    def write_sql(self, question: str, schema: str) -> str | None:
        """None: the deterministic question parser builds the SQL."""
        return DraftAnswers().write_sql(question, schema)

    def answer(self, question: str, evidence: str, draft: str) -> str:
        """The draft, which cites only retrieved rows."""
        return DraftAnswers().answer(question, evidence, draft)


def converse_request(model_id: str, system: str, prompt: str, max_tokens: int) -> dict[str, Any]:
    """Arguments of a Bedrock Converse call with one user turn."""
    return {
        "modelId": model_id,
        "system": [{"text": system}],
        "messages": [{"role": "user", "content": [{"text": prompt}]}],
        "inferenceConfig": {"maxTokens": max_tokens, "temperature": 0.0},
    }


def converse_text(response: dict[str, Any]) -> str:
    """The text of a Converse response."""
    blocks = response["output"]["message"]["content"]
    return "".join(block.get("text", "") for block in blocks).strip()


SUMMARY_SYSTEM = (
    "You summarise CCTV analysis results for a security operator in at most 4 sentences. "
    "Use only the facts given; never add people, events or times that are not listed."
)
SQL_SYSTEM = (
    "You write one PostgreSQL SELECT statement that answers the question using only the "
    "views and columns listed. Reply with the SQL only, no explanation, no comments."
)
ANSWER_SYSTEM = (
    "You answer an operator's question about CCTV events using only the evidence rows. "
    "Cite event ids as #id and times as mm:ss. If the rows do not answer it, say so."
)


class BedrockLanguageModelResource(LanguageModelResource):
    """Claude through the Bedrock Converse API."""

    region: str = "us-east-1"
    model_id: str = DEFAULT_BEDROCK_LLM_MODEL
    max_tokens: int = 800

    _client: Any = PrivateAttr(default=None)

    def client(self) -> Any:
        """The bedrock-runtime client, made once (real AWS: Bedrock has no local endpoint)."""
        if self._client is None:
            self._client = make_client("bedrock-runtime", None, self.region)
        return self._client

    def _converse(self, system: str, prompt: str) -> str:
        request = converse_request(self.model_id, system, prompt, self.max_tokens)
        return converse_text(self.client().converse(**request))

    def summarize(self, facts: VideoFacts) -> str:
        """Claude rewrites the deterministic summary; the facts stay the same."""
        return self._converse(
            SUMMARY_SYSTEM, compose_summary(facts, max_notable=NOTABLE_IN_SUMMARY)
        )

    def write_sql(self, question: str, schema: str) -> str | None:
        """Claude's SQL (validated by the caller before it runs)."""
        sql = self._converse(SQL_SYSTEM, f"Views:\n{schema}\n\nQuestion: {question}")
        return sql.removeprefix("```sql").removeprefix("```").removesuffix("```").strip()

    def answer(self, question: str, evidence: str, draft: str) -> str:
        """Claude's answer from the evidence rows."""
        del draft
        return self._converse(ANSWER_SYSTEM, f"Evidence:\n{evidence}\n\nQuestion: {question}")
