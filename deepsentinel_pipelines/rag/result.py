"""The answer to one question and what it rests on (the CLI, the op and the session store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from deepsentinel_pipelines.rag.plan import QueryPlan
from deepsentinel_pipelines.rag.rows import EventRow
from deepsentinel_pipelines.rag.wording import event_time


def _iso(at: datetime | None, zone: str | None) -> str | None:
    return None if at is None else at.astimezone(ZoneInfo(zone or "UTC")).isoformat()


@dataclass
class AskResult:
    """The answer to one question and what it rests on.

    Attributes:
        question: The question as asked.
        answer: The text for the operator: the direct answer first.
        events: The cited events, with presigned highlight and clip URLs.
        sql: The SQL that ran (validated text, parameters inlined for reading), or None.
        session_id: The QA session (a UUID string).
        interaction_id: The saved ``qa_interactions`` row, or None before saving.
        timings_ms: Milliseconds per stage, and ``total``.
        refused: The question was refused before anything ran.
        count: The answer's number when it states one (a count, a crowd's size), else None.
        retrieved_ids: The events the statements or the retrievers returned.
        notes: What the operator should know about how the answer was reached (for example a
            rejected model query).
        plan: The query plan: how the question was understood (None when refused).
        time_window: The window of real time searched, in words (with the camera), or None.
    """

    question: str
    answer: str
    events: list[EventRow] = field(default_factory=list)
    sql: str | None = None
    session_id: str = ""
    interaction_id: int | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    refused: bool = False
    count: int | None = None
    retrieved_ids: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    plan: QueryPlan | None = None
    time_window: str | None = None

    def as_json(self) -> dict[str, Any]:
        """The object ``deepsentinel ask --json`` prints (and ``GET /api/ask`` returns)."""
        return {
            "answer": self.answer,
            "plan": self.plan.as_json() if self.plan is not None else None,
            "events": [
                {
                    "event_id": e.event_id,
                    "video_id": e.video_id,
                    "type": e.event_type,
                    "start_s": e.start_s,
                    "end_s": e.end_s,
                    "camera": e.camera,
                    # ISO 8601 in the camera's zone; null when the recording time is unknown
                    "started_at": _iso(e.started_at, e.timezone),
                    "ended_at": _iso(e.ended_at, e.timezone),
                    "timezone": e.timezone,
                    "time": event_time(e),
                    "highlight": e.highlight_url,
                    "clip": e.clip_url,
                }
                for e in self.events
            ],
            "time_window": self.time_window,
            "sql": self.sql,
            "session_id": self.session_id,
            "timings_ms": self.timings_ms,
            "refused": self.refused,
            "count": self.count,
            "notes": self.notes,
        }
