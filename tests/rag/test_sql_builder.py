import re

import pytest
import sqlglot
from sqlglot import exp

from deepsentinel_pipelines.rag.answer import EventRow
from deepsentinel_pipelines.rag.question import ParsedQuestion, parse_question
from deepsentinel_pipelines.rag.sql_builder import EVENT_COLUMNS, build_event_sql
from deepsentinel_pipelines.rag.sql_guard import validate_sql

VIDEOS = ("plaza.mp4", "lobby.mp4")
ZONES = ("entrance", "loading dock")

QUESTIONS = [
    "what happened",
    "Did anyone fall between 3 and 5 minutes in plaza?",
    "How many people fell near the entrance?",
    "how many falls in the last 30 seconds?",
    "how many people left in the last minute?",
    "anyone facing away after 1:10",
    "loitering or crowding in the 'loading dock' before 2 minutes",
    "count the line crossings in lobby and plaza",
    "who sat down around 2:15",
    "how many times did someone enter at 0:42",
]


def _placeholders(sql: str) -> set[str]:
    return set(re.findall(r"%\((\w+)\)s", sql))


@pytest.mark.parametrize("question", QUESTIONS)
@pytest.mark.parametrize("count", [False, True])
def test_output_passes_the_guard(question: str, count: bool) -> None:
    parsed = parse_question(question, VIDEOS, ZONES)
    sql, params = build_event_sql(parsed, count=count)
    validated = validate_sql(sql)
    assert _placeholders(sql) == set(params) == _placeholders(validated)
    # nothing from the question is spliced into the SQL text (only fixed fragments are)
    fixed = sql.replace("e.event_type <> 'orientation'", "").replace("->> 'orientation'", "")
    for value in params.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                assert f"'{item}'" not in fixed


def test_listing_selects_event_row_columns_in_order() -> None:
    sql, _ = build_event_sql(parse_question("falls"), count=False)
    tree = sqlglot.parse_one(sql, read="postgres")
    assert tuple(c.name for c in tree.expressions) == EVENT_COLUMNS
    # a row from the listing maps onto EventRow positionally
    row = (1, "plaza.mp4", "fall", 1.0, 2.0, 3, "entrance", "Person 3 fell", None, 0.9)
    assert EventRow(*row).confidence == 0.9
    assert "ORDER BY e.video_id, e.start_s, e.event_id LIMIT 50" in sql


def test_filters_and_params() -> None:
    parsed = parse_question(
        "Did anyone fall near the entrance in plaza between 3 and 5 minutes?", VIDEOS, ZONES
    )
    sql, params = build_event_sql(parsed)
    assert params == {
        "event_types": ["fall"],
        "video_ids": ["plaza.mp4"],
        "zones": ["entrance"],
        "start_s": 180.0,
        "end_s": 300.0,
    }
    assert "e.event_type = ANY(%(event_types)s)" in sql
    assert "e.video_id = ANY(%(video_ids)s)" in sql
    assert "lower(e.zone) = ANY(%(zones)s)" in sql
    # overlap, so events straddling the window edges are found
    assert "e.end_s >= %(start_s)s AND e.start_s <= %(end_s)s" in sql


def test_no_filters_means_no_where() -> None:
    sql, params = build_event_sql(ParsedQuestion(text="what happened"))
    assert params == {}
    assert "WHERE" not in sql


def test_explicit_videos_and_window_override_the_question() -> None:
    parsed = parse_question("falls in plaza after 1:10", VIDEOS)
    sql, params = build_event_sql(parsed, video_ids=["lobby.mp4"], window=(10.0, 20.0))
    assert params["video_ids"] == ["lobby.mp4"]
    assert (params["start_s"], params["end_s"]) == (10.0, 20.0)


@pytest.mark.parametrize(
    ("window", "present", "absent"),
    [
        ((70.0, None), {"start_s"}, {"end_s"}),
        ((None, 120.0), {"end_s"}, {"start_s"}),
        ((None, None), set(), {"start_s", "end_s"}),
    ],
)
def test_open_windows(window: tuple, present: set[str], absent: set[str]) -> None:
    _, params = build_event_sql(ParsedQuestion(text="x"), window=window)
    assert present <= set(params)
    assert not absent & set(params)


def test_relative_window_is_resolved_against_video_duration() -> None:
    parsed = parse_question("falls in the last 30 seconds")
    sql, params = build_event_sql(parsed)
    assert "JOIN qa.videos AS v ON v.video_id = e.video_id" in sql
    assert "e.end_s >= v.duration_s + %(rel_start_s)s" in sql
    assert (params["rel_start_s"], params["rel_end_s"]) == (-30.0, 0.0)
    # a caller that knows the duration passes the resolved window instead
    sql, params = build_event_sql(parsed, window=parsed.resolve_window(300.0))
    assert "qa.videos" not in sql
    assert (params["start_s"], params["end_s"]) == (270.0, 300.0)


def test_orientation_filter_applies_to_orientation_events() -> None:
    parsed = parse_question("who was facing away")
    sql, params = build_event_sql(parsed)
    assert params["orientation"] == "facing_away"
    assert params["event_types"] == ["orientation"]
    assert (
        "(e.event_type <> 'orientation' OR e.attributes ->> 'orientation' = %(orientation)s)" in sql
    )


def test_people_count_counts_distinct_tracks_per_video() -> None:
    sql, _ = build_event_sql(parse_question("how many people fell?"))
    tree = sqlglot.parse_one(sql, read="postgres")
    inner = tree.find(exp.Subquery).this
    assert inner.args.get("distinct") is not None
    assert [c.name for c in inner.expressions] == ["video_id", "track_id"]
    assert "e.track_id IS NOT NULL" in sql
    assert sql.startswith("SELECT count(*) AS n FROM (SELECT DISTINCT")


def test_event_count_counts_rows() -> None:
    sql, _ = build_event_sql(parse_question("how many falls?"))
    assert sql.startswith("SELECT count(*) AS n FROM qa.events AS e WHERE")
    assert "DISTINCT" not in sql


def test_count_flag_overrides_the_question() -> None:
    parsed = parse_question("how many falls?")
    assert "count(*)" in build_event_sql(parsed)[0]
    assert "count(*)" not in build_event_sql(parsed, count=False)[0]
    assert "count(*)" in build_event_sql(parse_question("falls"), count=True)[0]


def test_zone_and_video_values_never_reach_the_sql_text() -> None:
    hostile = "x'); DROP TABLE events; --"
    parsed = ParsedQuestion(text="q", zones=(hostile,), video_ids=(hostile,), orientation=hostile)
    sql, params = build_event_sql(parsed)
    assert "DROP" not in sql
    assert params["zones"] == [hostile.lower()]
    validate_sql(sql)


@pytest.mark.parametrize("limit", [0, -5, True])
def test_limit_must_be_positive(limit: int) -> None:
    with pytest.raises(ValueError, match="limit"):
        build_event_sql(ParsedQuestion(text="q"), limit=limit)


def test_custom_limit() -> None:
    sql, _ = build_event_sql(ParsedQuestion(text="q"), limit=7)
    assert sql.endswith("LIMIT 7")
