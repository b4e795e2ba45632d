"""Questions asked on the review app: the code path of `deepsentinel ask`, one at a time.

The answer is exactly what ``deepsentinel ask --json`` prints (``AskResult.as_json()``); the
app keeps one local MiniLM encoder loaded between questions, and answers one at a time (the
encoder and the two cores are shared).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from deepsentinel_pipelines.settings import Settings

#: Sessions whose earlier questions the app remembers, and questions per session.
MAX_SESSIONS = 1000
MAX_EARLIER = 20


@dataclass(frozen=True)
class Scope:
    """What a question is asked about, as the ask page and ``/api/ask`` take it."""

    video_ids: tuple[str, ...] = ()
    cameras: tuple[str, ...] = ()
    start: str | None = None  # ISO 8601, like --from
    end: str | None = None  # like --to


@dataclass(frozen=True)
class Earlier:
    """A question asked before in the same session, and where its answer is."""

    question: str
    answer: str
    scope: Scope = field(default_factory=Scope)


class Asker:
    """Answers questions with `ask`'s code path, and remembers each session's questions."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._encoder: Any = None
        self._earlier: OrderedDict[str, list[Earlier]] = OrderedDict()

    def _embedder(self) -> Any:
        if self._encoder is None and self.settings.model_backend == "local":
            from deepsentinel_pipelines.rag.background_encoder import BackgroundEncoder

            self._encoder = BackgroundEncoder()
        return self._encoder

    def warm_up(self) -> None:
        """Start loading the encoder now, so the first question does not wait for it."""
        with self._lock:
            self._embedder()

    def ask(self, question: str, scope: Scope, session_id: str | None) -> dict[str, Any]:
        """The answer, as ``deepsentinel ask --json`` prints it.

        Raises:
            ClockScopeError: ``scope.start`` or ``scope.end`` is not a time.
        """
        from deepsentinel_pipelines.cli.question_answering import ask_question

        with self._lock:
            result = ask_question(
                self.settings,
                question,
                video_ids=scope.video_ids,
                cameras=scope.cameras,
                start=scope.start,
                end=scope.end,
                session_id=session_id,
                source="review",
                embedder=self._embedder(),
            )
            answer = result.as_json()
            self._remember(answer["session_id"], Earlier(question, answer["answer"], scope))
        return answer

    def earlier(self, session_id: str | None) -> Sequence[Earlier]:
        """The session's questions, the newest first."""
        with self._lock:
            return list(reversed(self._earlier.get(session_id or "", [])))

    def _remember(self, session_id: str, asked: Earlier) -> None:
        questions = self._earlier.pop(session_id, [])
        self._earlier[session_id] = [*questions, asked][-MAX_EARLIER:]
        while len(self._earlier) > MAX_SESSIONS:
            self._earlier.popitem(last=False)
