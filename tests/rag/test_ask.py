"""The whole question-answering path on the fixture corpus: known answers, counts, sessions,
the Dagster op and the CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid

import psycopg
import pytest

from deepsentinel_pipelines.rag.model_sql import schema_description
from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.resources.llm import LocalLanguageModelResource
from deepsentinel_pipelines.review.links import ask_page
from deepsentinel_pipelines.settings import REPO_ROOT, load_settings
from tests.rag.corpus import QUESTIONS, Corpus, CorpusQuestion

ANSWERABLE = [q for q in QUESTIONS if q.known_limit is None]

#: The fields of each event of ``ask --json``: a script's contract.
EVENT_FIELDS = {
    "event_id", "video_id", "type", "start_s", "end_s", "camera", "started_at", "ended_at",
    "timezone", "time", "highlight", "clip",
}  # fmt: skip


@pytest.mark.parametrize("question", ANSWERABLE, ids=lambda q: q.text)
def test_known_answers(ask_local, corpus: Corpus, question: CorpusQuestion) -> None:
    result = ask_local(question.text, video_ids=corpus.videos(question.videos))
    cited = {e.event_id for e in result.events}
    expected = corpus.ids(sorted(question.expected))
    assert not result.refused
    assert cited <= expected, result.answer
    assert len(cited) == min(len(expected), 5), result.answer
    if question.count is not None:
        assert result.count == question.count
    for phrase in question.answer_contains:
        assert phrase in result.answer
    for event in result.events:  # every cited event is named in the text, with its time
        assert f"#{event.event_id} " in result.answer
        assert re.search(
            rf"#{event.event_id} in {re.escape(event.video_id)} at \d\d:\d\d", result.answer
        )
    if not expected:
        assert result.events == []


#: Counting questions over the whole corpus, with the count read off tests/rag/corpus.py by hand.
COUNTING = [
    ("how many falls are there?", 2),  # plaza.fall5, lobby.fall2
    # plaza.cross1 (person 1), plaza.cross2 and plaza.cross2b (both person 2): two people
    ("how many people crossed the plaza in the first 30 seconds?", 2),
    ("how many people entered?", 1),  # into view: parking.enter1 (the others are zones)
    ("how many crowding events?", 1),  # plaza.crowd
    ("how many loitering events near the entrance?", 2),  # plaza.loiter4, lobby.loiter3
    # entries without a zone are entries into the view: one; the other two are zone entries
    ("how many times did someone enter?", 1),
]


@pytest.mark.parametrize(("text", "count"), COUNTING, ids=[text for text, _ in COUNTING])
def test_counting_questions_give_the_hand_counted_number(
    ask_local, corpus: Corpus, text: str, count: int
) -> None:
    result = ask_local(text, video_ids=corpus.videos())
    assert result.count == count
    assert re.match(rf"(Yes: )?{count} ", result.answer), result.answer


def test_nothing_matches_says_so_plainly(ask_local, corpus: Corpus) -> None:
    parking = corpus.videos(["parking"])
    none = ask_local("did anyone fall between minute 1 and 2?", video_ids=parking)
    assert none.answer == "No: no falls were recorded between 01:00 and 02:00."
    assert none.events == [] and none.count == 0
    named = ask_local(f"did anyone fall in {parking[0]}?", video_ids=corpus.videos())
    assert named.answer == f"No: no falls were recorded in {parking[0]}."
    unrelated = ask_local("a spaceship landing on the roof", video_ids=corpus.videos())
    assert unrelated.answer.startswith("Nothing in the recorded events matches this question")
    assert unrelated.events == [] and unrelated.count is None


def test_answers_cite_highlights_as_urls(ask_local, corpus: Corpus) -> None:
    result = ask_local("did anyone fall?", video_ids=corpus.videos())
    assert {e.event_id for e in result.events} == corpus.ids(["plaza.fall5", "lobby.fall2"])
    for event in result.events:
        assert event.highlight_url == f"https://highlights.example/{event.highlight_key}"
    payload = result.as_json()
    assert set(payload) >= {"answer", "events", "sql", "session_id", "timings_ms"}
    assert payload["plan"]["operation"] == "exists"
    assert payload["plan"]["filters"]["event_types"] == ["fall"]
    assert set(payload["events"][0]) == EVENT_FIELDS
    assert payload["events"][0]["highlight"].startswith("https://highlights.example/")


def test_which_videos_lists_each_video_with_its_count(ask_local, corpus: Corpus) -> None:
    result = ask_local("which videos show loitering near the entrance?", video_ids=corpus.videos())
    plaza, lobby = corpus.video_ids["plaza"], corpus.video_ids["lobby"]
    assert f"Videos: {lobby} (1), {plaza} (1)." in result.answer
    assert "GROUP BY" in result.sql


def test_session_and_interactions_are_saved(
    ask_local, corpus: Corpus, db: psycopg.Connection
) -> None:
    first = ask_local("did anyone fall?", video_ids=corpus.videos())
    second = ask_local("how many falls?", video_ids=corpus.videos(), session_id=first.session_id)
    assert second.session_id == first.session_id
    source = db.execute(
        "SELECT source FROM qa_sessions WHERE session_id = %s", (first.session_id,)
    ).fetchone()
    assert source == ("test",)
    rows = db.execute(
        """SELECT interaction_id, question, sql, retrieved_ids, cited_ids, answer, refused,
                  latencies_ms
           FROM qa_interactions WHERE session_id = %s ORDER BY interaction_id""",
        (first.session_id,),
    ).fetchall()
    assert [r[0] for r in rows] == [first.interaction_id, second.interaction_id]
    _, question, sql, retrieved, cited, answer, refused, latencies = rows[0]
    assert question == "did anyone fall?"
    assert "FROM qa.events" in sql and "ANY('{fall}')" in sql  # parameters inlined to read
    assert cited == [e.event_id for e in first.events]
    assert set(cited) <= set(retrieved)
    assert answer == first.answer and refused is False
    assert {"parse", "sql", "answer", "total"} <= set(latencies)
    assert rows[1][5] == second.answer


def test_a_bad_session_id_is_rejected(ask_local) -> None:
    with pytest.raises(ValueError):
        ask_local("did anyone fall?", session_id="not-a-uuid")


class ScriptedModel(LocalLanguageModelResource):
    """A language model whose SQL and answers are fixed (the Bedrock path, without Bedrock)."""

    sql: str | None = None
    reply: str | None = None

    def write_sql(self, question: str, schema: str) -> str | None:
        assert "qa.events(" in schema
        return self.sql

    def answer(self, question: str, evidence: str, draft: str) -> str:
        return self.reply.format(evidence=evidence, draft=draft) if self.reply else draft


def test_model_sql_is_validated_and_run_read_only(ask_local, corpus: Corpus) -> None:
    lobby = corpus.video_ids["lobby"]
    model = ScriptedModel(
        sql=f"SELECT event_id, start_s FROM events WHERE event_type = 'fall' "
        f"AND video_id = '{lobby}'",
        reply="{evidence}",
    )
    result = ask_local("did anyone fall?", video_ids=corpus.videos(), llm=model)
    assert result.sql.startswith("SELECT events.event_id AS event_id")  # the guard's text
    assert "LIMIT 200" in result.sql.split(";\n")[0]
    assert str(corpus.event_ids["lobby.fall2"]) in result.answer  # the model saw its rows
    assert "Database count of matching rows: 2" in result.answer
    assert result.notes == []


def test_rejected_model_sql_falls_back_and_is_recorded(
    ask_local, corpus: Corpus, db: psycopg.Connection
) -> None:
    model = ScriptedModel(sql="SELECT * FROM events; DELETE FROM events")
    result = ask_local("how many falls are there?", video_ids=corpus.videos(), llm=model)
    assert result.count == 2 and result.answer.startswith("2 falls")
    assert result.notes and "rejected" in result.notes[0]
    stored = db.execute(
        "SELECT sql FROM qa_interactions WHERE interaction_id = %s", (result.interaction_id,)
    ).fetchone()[0]
    assert stored.startswith("-- The model's SQL was rejected (Only one statement")
    assert "count(*)" in stored.lower()


def test_model_sql_that_fails_in_the_database_falls_back(ask_local, corpus: Corpus) -> None:
    model = ScriptedModel(sql="SELECT 1 / (count(*) - count(*)) FROM events")
    result = ask_local("how many falls are there?", video_ids=corpus.videos(), llm=model)
    assert result.count == 2
    assert "failed in the database (division by zero)" in result.notes[0]


def test_schema_description_names_only_the_views() -> None:
    text = schema_description()
    assert "qa.videos(" in text and "qa.events(" in text and "qa.tracks(" in text
    assert "embedding" not in text and "public." not in text


def test_rag_query_job_runs_with_the_real_resources(corpus: Corpus) -> None:
    from deepsentinel_pipelines.definitions import defs

    # As the code location binds it (its launchpad example config needs the bound resources).
    result = defs.resolve_job_def("rag_query_job").execute_in_process(
        run_config={
            "ops": {
                "rag_query": {
                    "config": {
                        "question": "did anyone fall?",
                        "video_ids": corpus.videos(),
                        "start_s": 60.0,
                        "end_s": 120.0,
                    }
                }
            }
        },
        resources=build_resources(load_settings()),
    )
    assert result.success
    output = result.output_for_node("rag_query")
    assert [e["event_id"] for e in output["events"]] == [corpus.event_ids["plaza.fall5"]]
    assert output["answer"].startswith("Yes: 1 person fell")
    assert "between 01:00 and 02:00" in output["answer"]
    [materialization] = [e for e in result.all_events if e.event_type_value == "STEP_OUTPUT"]
    metadata = materialization.step_output_data.metadata
    # The answer first, as plain text, then its page in the review app.
    assert list(metadata)[:2] == ["answer", "answer_page"]
    assert metadata["answer"].value == output["answer"]
    assert metadata["answer_page"].value == ask_page(
        load_settings().review_url, "did anyone fall?", corpus.videos()
    )
    # how the question was understood, on the run page
    assert metadata["plan"].value["operation"] == "exists"
    assert metadata["understood_as"].value == output["plan"]["understood"]
    assert f"#{corpus.event_ids['plaza.fall5']}" in metadata["cited_events"].value
    assert "qa.events" in metadata["sql"].value
    assert metadata["session_id"].value == output["session_id"]
    assert "total" in metadata["timings_ms"].value


def test_cli_ask_json(corpus: Corpus) -> None:
    env = dict(os.environ)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "deepsentinel_pipelines.cli",
            "ask",
            "how many people crossed the plaza in the first 30 seconds?",
            *[arg for video in corpus.videos() for arg in ("--video", video)],
            "--json",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout.strip().splitlines()[-1])
    assert set(payload) >= {"answer", "events", "sql", "session_id", "timings_ms"}
    # how the question was understood: the plan, and the plan in one line
    assert payload["plan"]["operation"] == "count people"
    assert payload["plan"]["filters"]["event_types"] == ["line_crossing"]
    assert payload["plan"]["understood"].startswith("count people")
    assert payload["answer"].startswith("2 people crossed")
    assert {e["event_id"] for e in payload["events"]} == corpus.ids(
        ["plaza.cross1", "plaza.cross2", "plaza.cross2b"]
    )
    event = payload["events"][0]
    assert set(event) == EVENT_FIELDS
    # the corpus' videos have no recording time: offsets only, and the answer says so
    assert (
        event["started_at"] is None and ":" in event["time"] and "in the video" not in event["time"]
    )
    assert "recorded is unknown: times there are offsets" in payload["answer"]
    assert event["type"] == "line_crossing"
    assert event["highlight"].startswith("http") and "X-Amz-Signature" in event["highlight"]
    assert "COUNT(*)" in payload["sql"]
    uuid.UUID(payload["session_id"])
    assert payload["timings_ms"]["total"] > 0


def test_cli_ask_text_and_refusal(corpus: Corpus) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "deepsentinel_pipelines.cli",
            "ask",
            "how many falls; DROP TABLE events",
        ],
        cwd=REPO_ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 1, completed.stderr
    assert completed.stdout.startswith("answer   I did not run this question.")


def test_the_definitions_hold_the_job_and_its_resources() -> None:
    from deepsentinel_pipelines.definitions import defs

    job = defs.resolve_job_def("rag_query_job")
    assert {"database", "object_store", "embedder", "llm", "reranker"} <= set(
        job.required_resource_keys
    )


def test_rag_query_job_refuses_a_reversed_window(corpus: Corpus) -> None:
    from deepsentinel_pipelines.definitions import defs

    result = defs.resolve_job_def("rag_query_job").execute_in_process(
        run_config={
            "ops": {"rag_query": {"config": {"question": "falls?", "start_s": 9.0, "end_s": 1.0}}}
        },
        resources=build_resources(load_settings()),
        raise_on_error=False,
    )
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "the window starts after it ends (9 s > 1 s)" in str(failure.step_failure_data.error)


def test_one_occurrence_across_videos_is_told_for_the_video_with_most(
    ask_local, corpus: Corpus
) -> None:
    """Offsets in different videos are not comparable: "the second crossing" is one video's."""
    plaza = corpus.video_ids["plaza"]
    result = ask_local("when was the second line crossing?", video_ids=corpus.videos())
    assert result.plan.filters.video_ids == (plaza,)
    assert result.answer.startswith(f"The second line crossing in {plaza} was at 00:20")
    assert f"I read this as in {plaza}, the video with the most (4; also" in result.answer
    assert [e.event_id for e in result.events] == [corpus.event_ids["plaza.cross2"]]
