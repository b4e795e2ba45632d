"""Running a plan's statements: each through the guard on the reader login, rows into findings."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import psycopg

from deepsentinel_pipelines.rag import compiler
from deepsentinel_pipelines.rag.plan import Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.retrieval import run_validated
from deepsentinel_pipelines.rag.rows import (
    EventRow,
    Findings,
    OccupancyFinding,
    TrackRow,
    event_row,
)
from deepsentinel_pipelines.video.camera_config import WHOLE_FRAME_ZONE


@dataclass
class Executed:
    """What running a plan found, the plan that ran, and its statements (parameters inlined).

    The plan that ran may be narrower than the one asked: see :func:`_one_video`.
    """

    findings: Findings
    plan: QueryPlan
    statements: list[str] = field(default_factory=list)


#: Operations about one occurrence or one person: offsets in different videos are not
#: comparable, and track numbers restart in every video.
_ONE_VIDEO = (Operation.FIRST, Operation.LAST, Operation.NTH, Operation.WHEN,
              Operation.DESCRIBE_PERSON, Operation.HOW_LONG)  # fmt: skip


def run_plan(reader: psycopg.Connection, plan: QueryPlan, timeout_ms: int) -> Executed:
    """Run ``plan``'s statements read-only on the reader's connection and collect their rows."""
    done = Executed(Findings(), plan)
    found = done.findings

    def run(statement: compiler.Statement) -> list[tuple[Any, ...]]:
        text, result = run_validated(
            reader, statement.sql, statement.params, timeout_ms, limit=statement.limit
        )
        done.statements.append(inline(reader, text, statement.params))
        return result.rows

    plan = done.plan = _one_video(plan, run)
    for statement in compiler.compile_plan(plan):
        _COLLECT[statement.name](found, run(statement), plan)
    if plan.operation is Operation.COMPARE and plan.versus:
        found.groups = [
            (label, found.extra.get(f"side{i}", 0.0)) for i, (label, _) in enumerate(plan.versus)
        ]
        counts = [n for _, n in found.groups]
        if plan.subject is not Subject.TRACKS and max(counts) > 0:
            # The events of the side that had more are what the answer rests on.
            winner = plan.versus[counts.index(max(counts))][1]
            found.events = [event_row(r) for r in run(compiler.listing(winner, "time"))]
    if plan.operation is Operation.BUSIEST and not found.occupancy:
        _busiest_from_tracks(found, run, plan)
    if plan.operation is Operation.BUSIEST and found.occupancy:
        peak = found.occupancy[0]
        for row in run(compiler.events_near(peak.video_id, peak.second)):
            found.events.append(event_row(row))
    if plan.operation is Operation.LARGEST and plan.group_by == "track" and found.groups:
        video, _, track = found.groups[0][0].rpartition(" #")
        person = plan.filters.but(track_id=int(track), video_ids=(video,))
        found.events = [event_row(r) for r in run(compiler.listing(person, "time"))]
    return done


def _one_video(
    plan: QueryPlan, run: Callable[[compiler.Statement], list[tuple[Any, ...]]]
) -> QueryPlan:
    """The plan kept to one video when it asks for one occurrence or person across several.

    "When was the second crowd?" over two videos means the second crowd of one of them, and
    "person 4" is a different person in each: the video with the most matching events is taken
    (for a person, the most events of that track), and the answer says so.
    """
    f = plan.filters
    named = [v for v in f.video_ids if v not in plan.unnamed_videos]
    by_person = plan.operation in (Operation.DESCRIBE_PERSON, Operation.HOW_LONG)
    if (
        plan.operation not in _ONE_VIDEO
        or named
        or len(f.video_ids) == 1
        or f.clock_start is not None
        or f.clock_end is not None
        or (by_person and f.track_id is None)
    ):
        return plan
    scope = f.but(event_types=()) if by_person else f
    if plan.subject is Subject.TRACKS and not by_person:
        rows = run(compiler.grouped(Subject.TRACKS, scope, "video"))
    else:
        rows = run(compiler.grouped(Subject.EVENTS, scope, "video"))
    if len(rows) < 2:
        return plan
    (top, n), others = rows[0], rows[1:]
    also = ", ".join(f"{video} {int(m)}" for video, m in others[:2])
    what = f"person {f.track_id}" if by_person else "this"
    reading = f"read {what} as in {top}, the video with the most ({int(n)}; also {also})"
    return plan.but(
        filters=f.but(video_ids=(str(top),)),
        readings=(*plan.readings, reading),
        unnamed_videos=tuple(v for v in plan.unnamed_videos if v != top),
    )


def _count(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    value = rows[0][0] if rows else None
    found.total = int(value or 0)
    found.value = float(found.total)


def _tracked(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    found.tracked = int(rows[0][0] or 0) if rows else None


def _events(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    found.events = [event_row(r) for r in rows]


def _tracks(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    found.tracks = [TrackRow(str(v), int(t), float(a), float(b)) for v, t, a, b in rows]
    if plan.subject is Subject.TRACKS and found.total is None:
        found.total = len(found.tracks)


def _groups(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    found.groups = [(str(label), float(n)) for label, n in rows]


def _directions(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    found.groups = [(f"{kind}|{line}|{way}", float(n)) for kind, line, way, n in rows if way]


def _occupancy(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    found.occupancy = [
        OccupancyFinding(str(v), str(z), int(s), int(n), at, str(camera))
        for v, z, s, n, at, camera in rows
    ]
    if found.occupancy:
        found.value = float(found.occupancy[0].people)


def _summaries(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    found.summaries = [(str(v), s) for v, s in rows]


def _durations(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    found.durations = {str(v): float(d) for v, d in rows}


def _event_durations(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
    if rows and rows[0][0] is not None:
        total, longest, mean = rows[0]
        found.extra.update(total=float(total), longest=float(longest), mean=float(mean))


def _side(index: int) -> Callable[[Findings, list[tuple[Any, ...]], QueryPlan], None]:
    def collect(found: Findings, rows: list[tuple[Any, ...]], plan: QueryPlan) -> None:
        found.extra[f"side{index}"] = float(rows[0][0] or 0) if rows else 0.0

    return collect


_COLLECT: dict[str, Callable[[Findings, list[tuple[Any, ...]], QueryPlan], None]] = {
    "count": _count,
    "tracked": _tracked,
    "events": _events,
    "tracks": _tracks,
    "groups": _groups,
    "directions": _directions,
    "occupancy": _occupancy,
    "summaries": _summaries,
    "durations": _durations,
    "durations_of_events": _event_durations,
    **{f"side{i}": _side(i) for i in range(4)},
}


def _busiest_from_tracks(
    found: Findings, run: Callable[[compiler.Statement], list[tuple[Any, ...]]], plan: QueryPlan
) -> None:
    """Videos analysed before occupancy rows existed: the most tracks in view at once."""
    spans = run(compiler.tracks(plan.filters, "time", limit=compiler.PEAK_TRACKS_LIMIT))
    best: tuple[int, str, float] | None = None
    by_video: dict[str, list[tuple[float, int]]] = {}
    for video, _, first, last in spans:
        # Arrivals sort before departures at the same instant: both are in view then.
        by_video.setdefault(str(video), []).extend([(float(first), -1), (float(last), 1)])
    for video in sorted(by_video):
        current = 0
        for at, step in sorted(by_video[video]):
            current -= step
            if best is None or current > best[0]:
                best = (current, video, at)
    if best is not None and best[0] > 0:
        found.occupancy = [OccupancyFinding(best[1], WHOLE_FRAME_ZONE, int(best[2]), best[0], None)]
        found.value = float(best[0])


def with_links(
    reader: psycopg.Connection,
    rows: list[EventRow],
    presign: Callable[[str], str],
    timeout_ms: int,
) -> list[EventRow]:
    """The cited rows with presigned highlight and clip URLs (clips read as the reader)."""
    if not rows:
        return []
    statement = compiler.clip_keys([row.event_id for row in rows])
    _, result = run_validated(reader, statement.sql, statement.params, timeout_ms)
    clips = {int(event_id): str(key) for event_id, key in result.rows}
    return [
        replace(
            row,
            highlight_url=presign(row.highlight_key) if row.highlight_key else None,
            clip_url=presign(clips[row.event_id]) if row.event_id in clips else None,
        )
        for row in rows
    ]


def inline(conn: psycopg.Connection, sql: str, params: Mapping[str, Any] | None) -> str:
    """The statement with its parameters as literals, for reading (it is not executed)."""
    if not params:
        return sql
    return psycopg.ClientCursor(conn).mogrify(sql, params)
