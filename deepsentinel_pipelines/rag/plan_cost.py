"""Bounds on what a model-written statement may cost, judged from PostgreSQL's own plan.

The guard keeps SQL inside a small language, but a statement inside it can still be costly: a
join on a low-cardinality equality (``a.video_id = b.video_id`` over two videos) passes the
"tied by an equality" rule and is close to a cartesian product. Before such a statement runs,
its ``EXPLAIN (FORMAT JSON)`` plan is read: the most rows any step of it expects to produce and
the highest cost of any step must stay within bounds derived from the sizes of the tables behind
the ``qa`` views (``pg_class``), so a bigger installation allows bigger plans, and a plan many
times larger than all its tables together is refused in one line.

The plan is made for the statement with each ``qa`` view replaced by its table
(:func:`base_table_sql`): the views keep the current analysis with ``analysis_id IS NOT DISTINCT
FROM current_analysis_id``, a join condition the planner cannot estimate (it guessed 1 row for a
join of 10^8), while the tables' own statistics give estimates close to the truth. A table holds
at least the rows its view shows, so the estimate errs on the safe side.

No database access here: the caller fetches the sizes and the plan (see ``rag/retrieval.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp

#: Tables whose rows the ``qa`` views show (their sizes set the bounds).
QA_TABLES: tuple[str, ...] = ("videos", "analyses", "events", "tracks", "occupancy", "event_clips")
#: A step may expect at most this many times the rows of all those tables together ...
ROWS_PER_TABLE_ROW = 4.0
#: ... and never fewer than this many (small installations answer anything cheap).
MIN_PLAN_ROWS = 200_000
#: A step may cost at most this many times reading all those tables once ...
COST_PER_SCAN = 20.0
#: ... and never less than this (PostgreSQL cost units: about 0.1-0.5 s of work here).
MIN_PLAN_COST = 50_000.0
# PostgreSQL's default costs of reading a page and a row sequentially.
_SEQ_PAGE_COST = 1.0
_CPU_TUPLE_COST = 0.01

#: The query that reads the sizes (the catalog is readable by every login).
TABLE_SIZES_SQL = (
    "SELECT coalesce(sum(greatest(c.reltuples, 0)), 0), coalesce(sum(c.relpages), 0) "
    "FROM pg_catalog.pg_class AS c JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
    "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname = ANY(%(tables)s)"
)


@dataclass(frozen=True)
class PlanBounds:
    """The largest plan a statement may have.

    Attributes:
        max_rows: Most rows any step of the plan may expect to produce.
        max_cost: Highest total cost any step of the plan may have.
        table_rows: The rows of the ``qa`` tables together (for the message).
    """

    max_rows: float
    max_cost: float
    table_rows: float


def plan_bounds(table_rows: float, table_pages: float) -> PlanBounds:
    """Bounds for tables holding ``table_rows`` rows on ``table_pages`` pages in all."""
    rows = max(float(table_rows), 0.0)
    scan_cost = max(float(table_pages), 0.0) * _SEQ_PAGE_COST + rows * _CPU_TUPLE_COST
    return PlanBounds(
        max_rows=max(MIN_PLAN_ROWS, ROWS_PER_TABLE_ROW * rows),
        max_cost=max(MIN_PLAN_COST, COST_PER_SCAN * scan_cost),
        table_rows=rows,
    )


def base_table_sql(validated: str) -> str:
    """The guard's statement with every ``qa.<view>`` read from ``public.<view>`` instead.

    Each view shows its table's columns under their own names, restricted to current
    analyses, so the statement means the same over the tables, on at least as many rows.
    """
    tree = sqlglot.parse_one(validated, read="postgres")
    for table in tree.find_all(exp.Table):
        if table.db == "qa":
            table.set("db", exp.to_identifier("public"))
    return tree.sql(dialect="postgres", comments=False)


def plan_peaks(explained: Any) -> tuple[float, float]:
    """``(most rows, highest cost)`` over every step of an ``EXPLAIN (FORMAT JSON)`` result.

    Every step counts, not only the top one: under a ``LIMIT`` the top step looks cheap while
    the join below it may have to produce millions of rows before the first one passes a filter.
    """
    documents = explained if isinstance(explained, list) else [explained]
    stack: list[Mapping[str, Any]] = [d["Plan"] for d in documents if isinstance(d, Mapping)]
    rows = cost = 0.0
    while stack:
        step = stack.pop()
        rows = max(rows, float(step.get("Plan Rows", 0.0)))
        cost = max(cost, float(step.get("Total Cost", 0.0)))
        stack.extend(step.get("Plans", ()))
    return rows, cost


def plan_problem(explained: Any, bounds: PlanBounds) -> str | None:
    """Why the plan is too large, in one line; None when it is within ``bounds``."""
    rows, cost = plan_peaks(explained)
    held = f"the views' tables hold about {bounds.table_rows:,.0f} rows"
    if rows > bounds.max_rows:
        return (
            f"its plan expects about {rows:,.0f} rows in one step ({held}; at most "
            f"{bounds.max_rows:,.0f} are allowed): join on more specific columns"
        )
    if cost > bounds.max_cost:
        return (
            f"its plan costs about {cost:,.0f} ({held}; at most {bounds.max_cost:,.0f} is "
            "allowed): filter or join on more specific columns"
        )
    return None
