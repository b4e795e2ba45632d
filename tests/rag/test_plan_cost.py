"""Plan bounds from table sizes, and plans judged by their largest step (hand-written plans)."""

from __future__ import annotations

from deepsentinel_pipelines.rag.plan_cost import (
    MIN_PLAN_COST,
    MIN_PLAN_ROWS,
    plan_bounds,
    plan_peaks,
    plan_problem,
)


def _step(kind: str, rows: float, cost: float, *children: dict) -> dict:
    return {"Node Type": kind, "Plan Rows": rows, "Total Cost": cost, "Plans": list(children)}


# LIMIT 3 over a join of 10,000 events on video_id with two videos: the top looks cheap.
NEAR_CARTESIAN = [
    {
        "Plan": _step(
            "Limit",
            3,
            0.3,
            _step(
                "Hash Join",
                50_000_000,
                625_000,
                _step("Seq Scan", 10_000, 220),
                _step("Hash", 10_000, 220, _step("Seq Scan", 10_000, 220)),
            ),
        )
    }
]
ONE_SCAN = [{"Plan": _step("Aggregate", 1, 250, _step("Seq Scan", 10_000, 220))}]


def test_small_installations_get_the_floor_and_large_ones_scale() -> None:
    small = plan_bounds(table_rows=500, table_pages=10)
    assert (small.max_rows, small.max_cost) == (MIN_PLAN_ROWS, MIN_PLAN_COST)
    large = plan_bounds(table_rows=1_000_000, table_pages=20_000)
    assert large.max_rows == 4_000_000
    assert large.max_cost == 20 * (20_000 + 1_000_000 * 0.01)
    assert plan_bounds(-1, -1).table_rows == 0  # never analysed: no negative sizes


def test_every_step_counts_not_only_the_top() -> None:
    assert plan_peaks(NEAR_CARTESIAN) == (50_000_000, 625_000)
    assert plan_peaks(ONE_SCAN) == (10_000, 250)


def test_a_near_cartesian_join_is_refused_in_one_line() -> None:
    problem = plan_problem(NEAR_CARTESIAN, plan_bounds(table_rows=12_000, table_pages=300))
    assert problem is not None and "\n" not in problem
    assert problem.startswith("its plan expects about 50,000,000 rows in one step")
    assert "hold about 12,000 rows" in problem and "at most 200,000" in problem
    assert plan_problem(ONE_SCAN, plan_bounds(12_000, 300)) is None


def test_a_costly_plan_with_few_rows_is_refused() -> None:
    nested = [{"Plan": _step("Nested Loop", 10, 2_000_000, _step("Seq Scan", 10_000, 220))}]
    problem = plan_problem(nested, plan_bounds(12_000, 300))
    assert problem is not None and problem.startswith("its plan costs about 2,000,000")
