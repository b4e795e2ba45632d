"""The compiler's statements: every shape passes the guard, values travel as parameters."""

from datetime import UTC, datetime

import pytest

from deepsentinel_pipelines.rag import compiler
from deepsentinel_pipelines.rag.compiler import compile_plan, event_scope
from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.sql_guard import validate_sql

EVERYTHING = Filters(
    event_types=("line_crossing",),
    zones=("Entrance",),
    lines=("path",),
    direction="in",
    orientation="facing_camera",
    track_id=7,
    video_ids=("a.mp4", "b.mp4"),
    cameras=("plaza",),
    start_s=10.0,
    end_s=40.0,
    min_duration_s=5.0,
    arrivals_only=True,
    clock_start=datetime(2026, 12, 1, 13, tzinfo=UTC),
    clock_end=datetime(2026, 12, 1, 14, tzinfo=UTC),
)
HALF = Filters(event_types=("crowding",), fraction=(0.5, 1.0))
LAST = Filters(event_types=("exit",), start_s=-10.0, end_s=0.0, relative_to_end=True)

PLANS = [
    QueryPlan("t", Operation.COUNT_PEOPLE, Subject.PEOPLE, EVERYTHING),
    QueryPlan("t", Operation.COUNT_PEOPLE, Subject.TRACKS, EVERYTHING),
    QueryPlan("t", Operation.COUNT_EVENTS, Subject.EVENTS, HALF, group_by="half"),
    QueryPlan("t", Operation.COUNT_PEOPLE, Subject.PEOPLE, LAST, group_by="camera"),
    QueryPlan("t", Operation.COUNT_PEOPLE, Subject.PEOPLE, EVERYTHING, at_least=2),
    QueryPlan("t", Operation.EXISTS, Subject.EVENTS, EVERYTHING),
    QueryPlan("t", Operation.LIST, Subject.EVENTS, EVERYTHING, group_by="video"),
    QueryPlan("t", Operation.FIRST, Subject.EVENTS, EVERYTHING),
    QueryPlan("t", Operation.LAST, Subject.TRACKS, EVERYTHING),
    QueryPlan("t", Operation.NTH, Subject.EVENTS, HALF, nth=2),
    QueryPlan("t", Operation.LONGEST, Subject.EVENTS, EVERYTHING),
    QueryPlan("t", Operation.SHORTEST, Subject.TRACKS, LAST),
    QueryPlan("t", Operation.LARGEST, Subject.EVENTS, HALF, order="size desc"),
    QueryPlan("t", Operation.LARGEST, Subject.EVENTS, EVERYTHING, group_by="track"),
    QueryPlan("t", Operation.HOW_LONG, Subject.TRACKS, EVERYTHING),
    QueryPlan("t", Operation.HOW_LONG, Subject.EVENTS, EVERYTHING),
    QueryPlan(
        "t",
        Operation.COMPARE,
        Subject.PEOPLE,
        HALF,
        versus=(("a", HALF.but(fraction=(0.0, 0.5))), ("b", HALF)),
    ),
    QueryPlan("t", Operation.COMPARE, Subject.TRACKS, EVERYTHING, group_by="camera"),
    QueryPlan("t", Operation.DESCRIBE_PERSON, Subject.EVENTS, EVERYTHING),
    QueryPlan("t", Operation.SUMMARY, filters=EVERYTHING),
    QueryPlan("t", Operation.BUSIEST, Subject.OCCUPANCY, EVERYTHING),
    QueryPlan("t", Operation.PEOPLE_AT, Subject.OCCUPANCY, Filters(start_s=43.0, end_s=47.0)),
    QueryPlan("t", Operation.DIRECTIONS, filters=EVERYTHING, group_by="direction"),
]


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.describe())
def test_every_statement_passes_the_guard(plan: QueryPlan) -> None:
    statements = compile_plan(plan)
    assert statements
    for statement in statements:
        validate_sql(statement.sql, limit=statement.limit)
        # every value travels as a parameter, none is spliced into the text
        for value in ("a.mp4", "Entrance", "entrance", "path", "facing_camera", "plaza"):
            assert value not in statement.sql.replace("'frame'", "")


def test_cannot_tell_and_search_run_no_statement() -> None:
    assert compile_plan(QueryPlan("t", Operation.CANNOT_TELL)) == []
    assert compile_plan(QueryPlan("t", Operation.SEARCH)) == []


def test_windows_overlap_halves_contain_and_clocks_use_clock_columns() -> None:
    scope = event_scope(EVERYTHING)
    assert "e.end_s >= %(start_s)s" in scope.conditions
    assert "e.start_s <= %(end_s)s" in scope.conditions
    assert "e.ended_at >= %(from_at)s" in scope.conditions
    assert "e.started_at <= %(to_at)s" in scope.conditions
    half = event_scope(HALF)
    assert "e.start_s >= v.duration_s * %(fraction_from)s" in half.conditions
    assert "e.start_s <= v.duration_s * %(fraction_to)s" in half.conditions
    assert half.join == " JOIN qa.videos AS v ON v.video_id = e.video_id"
    last = event_scope(LAST)
    assert "e.end_s >= v.duration_s + %(rel_start_s)s" in last.conditions
    assert event_scope(EVERYTHING).params["zones"] == ["entrance"]  # compared lowercased


def test_people_are_distinct_tracks_and_events_rows() -> None:
    people = compiler.count_of(Subject.PEOPLE, Filters(event_types=("fall",)), "count")
    assert "SELECT DISTINCT e.video_id, e.track_id" in people.sql
    assert "e.track_id IS NOT NULL" in people.sql
    events = compiler.count_of(Subject.EVENTS, Filters(event_types=("fall",)), "count")
    assert events.sql.startswith("SELECT count(*) AS n FROM qa.events AS e WHERE")


def test_orders_cite_what_the_answer_is_about() -> None:
    longest = compiler.listing(Filters(), "duration desc")
    assert "ORDER BY (e.end_s - e.start_s) DESC" in longest.sql
    nth = compile_plan(QueryPlan("t", Operation.NTH, Subject.EVENTS, HALF, nth=3))
    assert nth[-1].sql.endswith("OFFSET 2")
    largest = compiler.listing(Filters(), "size desc")
    assert "CAST(e.attributes ->> 'count' AS INT) DESC" in largest.sql
