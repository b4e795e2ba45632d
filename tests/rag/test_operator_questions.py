"""The operator evaluation's fast subset, in `make test`: real processed videos, hand truths.

``bench/rag_eval.py`` asks all the questions; these are a spread of every category, asked the
same way (the search scoped to the two loaded videos, the shipped cameras file's line names)
and graded against the same hand-written SELECTs on the base tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from pgvector.psycopg import register_vector

from deepsentinel_pipelines.rag.site import LineBook
from deepsentinel_pipelines.rag.time_scope import TimeScope, camera_zones
from deepsentinel_pipelines.settings import REPO_ROOT, Settings
from tests.rag.eval_videos import EvalVideos, delete_eval_videos, load_eval_videos
from tests.rag.operator_questions import NOW, QUESTIONS, Question, grade, truth_of

FAST = [q for q in QUESTIONS if q.fast]
CAMERAS = REPO_ROOT / "deepsentinel_pipelines" / "config" / "cameras.yaml"
LINES = LineBook.from_file(CAMERAS)
TIME = TimeScope(zones=camera_zones(CAMERAS), now=NOW)


@pytest.fixture(scope="module")
def videos(settings: Settings, embedder) -> Iterator[EvalVideos]:
    """The two processed videos, loaded for this module."""
    with psycopg.connect(settings.database_url) as conn:
        register_vector(conn)
        loaded = load_eval_videos(conn, embedder, uuid.uuid4().hex[:8])
    yield loaded
    with psycopg.connect(settings.database_url) as conn:
        delete_eval_videos(conn, loaded)


def test_the_subset_covers_every_category() -> None:
    assert {q.category for q in FAST} == {q.category for q in QUESTIONS}
    assert len(QUESTIONS) >= 150


@pytest.mark.parametrize("question", FAST, ids=lambda q: f"{q.category}: {q.text}")
def test_operator_question(ask_local, db, videos: EvalVideos, question: Question) -> None:
    result = ask_local(question.text, video_ids=videos.ids(), lines=LINES, time_scope=TIME)
    truth = truth_of(db, question, videos)
    plan = result.plan.describe() if result.plan else "-"
    assert grade(question, result.answer, truth), f"truth {truth!r}; {plan}\n{result.answer}"
