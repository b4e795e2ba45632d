"""Occupancy questions answered from ``qa.occupancy``, and clip links beside highlight links."""

from __future__ import annotations

import psycopg
import pytest

from deepsentinel_pipelines.db.clip_rows import drop_event_clips, save_event_clip
from deepsentinel_pipelines.db.occupancy_rows import replace_occupancy
from deepsentinel_pipelines.ops.rag_query import answer_metadata
from deepsentinel_pipelines.video.clips import EncodedClip
from deepsentinel_pipelines.video.occupancy import OccupancyRow
from tests.rag.corpus import Corpus


@pytest.fixture()
def plaza_occupancy(settings, corpus: Corpus) -> str:
    """Hand-made rows: 2 people in view, 6 at 0:42 and 1:15; the entrance holds 3 at 1:20."""
    plaza = corpus.videos(["plaza"])[0]
    peaks = {42: 6, 75: 6}
    rows = [OccupancyRow("frame", s, peaks.get(s, 2), 2.0) for s in range(180)]
    rows += [OccupancyRow("entrance", s, 3 if s == 80 else 1, 1.0) for s in range(180)]
    with psycopg.connect(settings.database_url) as conn:
        replace_occupancy(conn, plaza, rows, analysis_id=None)
    yield plaza
    with psycopg.connect(settings.database_url) as conn:
        replace_occupancy(conn, plaza, [], analysis_id=None)


def test_busiest_time_comes_from_the_occupancy_rows(ask_local, plaza_occupancy):
    result = ask_local("When was it busiest?", video_ids=[plaza_occupancy])
    assert result.answer.startswith(
        f"It was busiest at 00:42 in {plaza_occupancy}, with 6 people in view at once. "
    )
    assert f"The same peak was also reached at 01:15 in {plaza_occupancy}." in result.answer
    assert "qa.occupancy" in result.sql and result.count == 6


def test_people_in_a_zone_at_a_moment(ask_local, plaza_occupancy):
    result = ask_local("How many people were in the entrance at 1:20?", video_ids=[plaza_occupancy])
    assert result.answer == "3 people were in zone entrance at 01:20 in " + plaza_occupancy + "."
    later = ask_local("How many people were in the entrance at 9:00?", video_ids=[plaza_occupancy])
    assert later.answer.startswith("No occupancy was recorded at 09:00")


def test_answers_cite_the_clip_beside_the_frame(ask_local, settings, corpus: Corpus):
    plaza = corpus.videos(["plaza"])[0]
    [fall] = corpus.ids(["plaza.fall5"])
    clip = EncodedClip(fall, f"clips/{plaza}/fall.mp4", b"", 30, 768, 576, 1.0, 4.0)
    with psycopg.connect(settings.database_url) as conn:
        save_event_clip(conn, plaza, clip, analysis_id=None)
    try:
        result = ask_local("did anyone fall?", video_ids=[plaza])
    finally:
        with psycopg.connect(settings.database_url) as conn:
            drop_event_clips(conn, plaza, [fall], analysis_id=None)
    [cited] = [e for e in result.events if e.event_id == fall]
    assert cited.clip_url == f"https://highlights.example/clips/{plaza}/fall.mp4"
    assert cited.highlight_url is not None
    assert result.as_json()["events"][0]["clip"] == cited.clip_url
    table = answer_metadata(result)["cited_events"].value
    assert f"[frame]({cited.highlight_url}) | [clip]({cited.clip_url}) |" in table
