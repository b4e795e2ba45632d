"""One compiler: a :class:`~deepsentinel_pipelines.rag.plan.QueryPlan` -> parameterised SELECTs.

Only fixed SQL fragments are concatenated; every value from the question travels as a psycopg
``%(name)s`` parameter. Every statement reads the ``qa`` views and is accepted by
:func:`~deepsentinel_pipelines.rag.sql_guard.validate_sql` (the caller runs it through the guard
on the reader login, like any other statement; the tests check each shape).

People are distinct ``(video_id, track_id)`` pairs (track ids restart in every video; events
without a track are no person). A time window keeps the events that overlap it; a part of the
video ("the second half") keeps the events that start in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deepsentinel_pipelines.rag.plan import Filters, Operation, QueryPlan, Subject
from deepsentinel_pipelines.rag.rows import EVENT_COLUMNS
from deepsentinel_pipelines.video.camera_config import WHOLE_FRAME_ZONE

#: Rows of an event listing (the answer cites a few; the count states the rest).
LISTING_LIMIT = 50
#: Rows of one person's timeline.
TIMELINE_LIMIT = 200
#: Tracks read for the busiest moment when a video has no occupancy rows.
PEAK_TRACKS_LIMIT = 20_000

_COLUMNS = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
_DURATION = "(e.end_s - e.start_s)"
_CROWD_SIZE = "CAST(e.attributes ->> 'count' AS INT)"


@dataclass(frozen=True)
class Statement:
    """One SELECT of a plan.

    Attributes:
        name: What its rows are to the composer (``count``, ``events``, ``tracked``, ...).
        sql: The statement, with ``%(name)s`` placeholders.
        params: Their values.
        limit: Most rows the guard lets it return.
    """

    name: str
    sql: str
    params: dict[str, Any] = field(default_factory=dict)
    limit: int = 200


@dataclass(frozen=True)
class Scope:
    """``FROM`` extras, conditions and parameters of some filters, over one alias."""

    join: str = ""
    conditions: tuple[str, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    def where(self, *more: str) -> str:
        """`` WHERE ...`` of the conditions and ``more`` (empty when there are none)."""
        conditions = [*self.conditions, *more]
        return (" WHERE " + " AND ".join(conditions)) if conditions else ""


def event_scope(f: Filters) -> Scope:
    """The conditions of ``f`` over ``qa.events AS e`` (a ``qa.videos AS v`` join when needed)."""
    conditions: list[str] = []
    params: dict[str, Any] = {}
    needs_video = f.relative_to_end or f.fraction is not None or bool(f.cameras)
    if f.event_types:
        conditions.append("e.event_type = ANY(%(event_types)s)")
        params["event_types"] = list(f.event_types)
    if f.video_ids:
        conditions.append("e.video_id = ANY(%(video_ids)s)")
        params["video_ids"] = list(f.video_ids)
    if f.cameras:
        conditions.append("v.camera = ANY(%(cameras)s)")
        params["cameras"] = list(f.cameras)
    if f.zones:
        conditions.append("lower(e.zone) = ANY(%(zones)s)")
        params["zones"] = [z.lower() for z in f.zones]
    if f.frame_only:
        conditions.append("e.zone IS NULL")
    if f.arrivals_only:
        conditions.append("coalesce(e.attributes ->> 'from_start', 'false') <> 'true'")
    if f.lines:
        conditions.append("lower(e.attributes ->> 'line') = ANY(%(lines)s)")
        params["lines"] = [ln.lower() for ln in f.lines]
    if f.direction is not None:
        conditions.append("e.attributes ->> 'direction' = %(direction)s")
        params["direction"] = f.direction
    if f.orientation is not None:
        conditions.append(
            "(e.event_type <> 'orientation' OR e.attributes ->> 'orientation' = %(orientation)s)"
        )
        params["orientation"] = f.orientation
    if f.track_id is not None:
        conditions.append("e.track_id = %(track_id)s")
        params["track_id"] = int(f.track_id)
    if f.min_duration_s is not None:
        conditions.append(f"{_DURATION} >= %(min_duration_s)s")
        params["min_duration_s"] = float(f.min_duration_s)
    _window(f, "e.start_s", "e.end_s", conditions, params)
    _clock(f, "e.started_at", "e.ended_at", conditions, params)
    join = " JOIN qa.videos AS v ON v.video_id = e.video_id" if needs_video else ""
    return Scope(join, tuple(conditions), params)


def track_scope(f: Filters) -> Scope:
    """The conditions of ``f`` that apply to tracks (``qa.tracks AS t``): videos, person, time."""
    conditions = ["t.class_name = 'person'"]
    params: dict[str, Any] = {}
    if f.video_ids:
        conditions.append("t.video_id = ANY(%(video_ids)s)")
        params["video_ids"] = list(f.video_ids)
    if f.cameras:
        conditions.append("v.camera = ANY(%(cameras)s)")
        params["cameras"] = list(f.cameras)
    if f.track_id is not None:
        conditions.append("t.track_id = %(track_id)s")
        params["track_id"] = int(f.track_id)
    _window(f, "t.first_s", "t.last_s", conditions, params)
    _clock(f, "t.started_at", "t.ended_at", conditions, params)
    needs_video = f.relative_to_end or f.fraction is not None or bool(f.cameras)
    join = " JOIN qa.videos AS v ON v.video_id = t.video_id" if needs_video else ""
    return Scope(join, tuple(conditions), params)


def _window(
    f: Filters, start: str, end: str, conditions: list[str], params: dict[str, Any]
) -> None:
    if f.fraction is not None:
        # A part of the video holds what starts in it, so the halves never share an event.
        conditions.append(f"{start} >= v.duration_s * %(fraction_from)s")
        conditions.append(
            f"{start} {'<=' if f.fraction[1] >= 1 else '<'} v.duration_s * %(fraction_to)s"
        )
        params.update(fraction_from=float(f.fraction[0]), fraction_to=float(f.fraction[1]))
    if f.relative_to_end:
        low, high = "v.duration_s + %(rel_start_s)s", "v.duration_s + %(rel_end_s)s"
        names = ("rel_start_s", "rel_end_s")
    else:
        low, high = "%(start_s)s", "%(end_s)s"
        names = ("start_s", "end_s")
    # Overlap, not containment: an event that straddles the window's edge happened in it.
    if f.start_s is not None:
        conditions.append(f"{end} >= {low}")
        params[names[0]] = float(f.start_s)
    if f.end_s is not None:
        conditions.append(f"{start} <= {high}")
        params[names[1]] = float(f.end_s)


def _clock(f: Filters, start: str, end: str, conditions: list[str], params: dict[str, Any]) -> None:
    """A window of real time: overlap again; a video of unknown time has NULL times (outside)."""
    if f.clock_start is not None:
        conditions.append(f"{end} >= %(from_at)s")
        params["from_at"] = f.clock_start
    if f.clock_end is not None:
        conditions.append(f"{start} {'<=' if f.clock_end_included else '<'} %(to_at)s")
        params["to_at"] = f.clock_end


def _occupancy_where(f: Filters, conditions: list[str], params: dict[str, Any]) -> None:
    """Videos, cameras, an offset window and a clock window over ``qa.occupancy AS o``."""
    if f.video_ids:
        conditions.append("o.video_id = ANY(%(video_ids)s)")
        params["video_ids"] = list(f.video_ids)
    if f.cameras:
        conditions.append("v.camera = ANY(%(cameras)s)")
        params["cameras"] = list(f.cameras)
    if f.start_s is not None and not f.relative_to_end:
        conditions.append("o.second >= %(start_s)s")
        params["start_s"] = float(f.start_s)
    if f.end_s is not None and not f.relative_to_end:
        conditions.append("o.second <= %(end_s)s")
        params["end_s"] = float(f.end_s)
    _clock(f, "o.at", "o.at", conditions, params)


#: Columns of the occupancy listings, in :class:`~deepsentinel_pipelines.rag.rows.OccupancyFinding`
#: order, then the camera.
_OCCUPANCY_COLUMNS = "o.video_id, o.zone, o.second, o.people, o.at, v.camera"
_OCCUPANCY_FROM = "FROM qa.occupancy AS o JOIN qa.videos AS v ON v.video_id = o.video_id"


def compile_plan(plan: QueryPlan) -> list[Statement]:
    """The statements whose rows answer ``plan``, in the order they run."""
    op, f = plan.operation, plan.filters
    if op in (Operation.CANNOT_TELL, Operation.SEARCH):
        return []
    if op is Operation.SUMMARY:
        return [summaries(f)]
    if op is Operation.BUSIEST:
        return [busiest(f), durations(f)]
    if op is Operation.PEOPLE_AT:
        return [occupancy_at(f)]
    if op is Operation.COMPARE and not plan.versus:
        return [grouped(plan.subject, f, plan.group_by or "video")]
    if op is Operation.COMPARE:
        return [count_of(plan.subject, side, f"side{i}") for i, (_, side) in enumerate(plan.versus)]
    if op is Operation.DIRECTIONS:
        crossings_and_facings = f.but(event_types=("line_crossing", "orientation"))
        return [directions(f), listing(crossings_and_facings, "time")]
    if op is Operation.DESCRIBE_PERSON:
        return [listing(f, "time", limit=TIMELINE_LIMIT), tracks(f, "time")]
    if op is Operation.HOW_LONG and plan.subject is Subject.TRACKS:
        return [tracks(f, "time"), listing(f, "time")]
    statements: list[Statement] = []
    if plan.group_by is not None:
        statements.append(grouped(plan.subject, f, plan.group_by))
    if plan.subject is Subject.TRACKS:
        statements.append(count_of(Subject.TRACKS, f, "count"))
        order = {
            Operation.FIRST: "time",
            Operation.WHEN: "time",
            Operation.LAST: "time desc",
            Operation.NTH: "time",
            Operation.LONGEST: "duration desc",
            Operation.SHORTEST: "duration",
        }.get(op, "time")
        statements.append(
            tracks(f, order, offset=(plan.nth or 1) - 1 if op is Operation.NTH else 0)
        )
        return statements
    if plan.at_least is not None:
        statements.append(repeated_people(f, plan.at_least))
    else:
        statements.append(count_of(plan.subject, f, "count"))
    if plan.subject is Subject.PEOPLE and op is Operation.COUNT_PEOPLE:
        statements.append(count_of(Subject.TRACKS, f.but(**_unfiltered_events()), "tracked"))
    order = plan.order or {
        Operation.LAST: "time desc",
        Operation.LONGEST: "duration desc",
        Operation.SHORTEST: "duration",
        Operation.LARGEST: "size desc",
    }.get(op, "time")
    offset = (plan.nth or 1) - 1 if op is Operation.NTH else 0
    statements.append(listing(f, order, offset=offset))
    if op in (Operation.LONGEST, Operation.SHORTEST, Operation.HOW_LONG):
        statements.append(total_duration(f))
    return statements


def _unfiltered_events() -> dict[str, Any]:
    """The event filters cleared: "of N people tracked" counts everyone in the same scope."""
    return {
        "event_types": (),
        "zones": (),
        "lines": (),
        "direction": None,
        "orientation": None,
        "track_id": None,
        "min_duration_s": None,
        "frame_only": False,
    }


def count_of(subject: Subject, f: Filters, name: str) -> Statement:
    """One number: events, people among them, tracked people, or peak people in view."""
    if subject is Subject.TRACKS:
        s = track_scope(f)
        sql = f"SELECT count(*) AS n FROM qa.tracks AS t{s.join}{s.where()}"
        return Statement(name, sql, s.params)
    if subject is Subject.OCCUPANCY:
        return Statement(name, *_occupancy_peak_sql(f))
    s = event_scope(f)
    if subject is Subject.PEOPLE:
        inner = f"SELECT DISTINCT e.video_id, e.track_id FROM qa.events AS e{s.join}"
        sql = f"SELECT count(*) AS n FROM ({inner}{s.where('e.track_id IS NOT NULL')}) AS p"
        return Statement(name, sql, s.params)
    return Statement(name, f"SELECT count(*) AS n FROM qa.events AS e{s.join}{s.where()}", s.params)


def repeated_people(f: Filters, at_least: int) -> Statement:
    """People with at least ``at_least`` matching events (``n``)."""
    s = event_scope(f)
    inner = (
        f"SELECT e.video_id, e.track_id FROM qa.events AS e{s.join}"
        f"{s.where('e.track_id IS NOT NULL')} GROUP BY e.video_id, e.track_id "
        "HAVING count(*) >= %(at_least)s"
    )
    params = {**s.params, "at_least": int(at_least)}
    return Statement("count", f"SELECT count(*) AS n FROM ({inner}) AS p", params)


def _occupancy_peak_sql(f: Filters) -> tuple[str, dict[str, Any]]:
    conditions = ["lower(o.zone) = %(zone)s"]
    params: dict[str, Any] = {"zone": (f.zones[0] if f.zones else WHOLE_FRAME_ZONE).lower()}
    _occupancy_where(f, conditions, params)
    where = " AND ".join(conditions)
    return f"SELECT max(o.people) AS n {_OCCUPANCY_FROM} WHERE {where}", params


def listing(f: Filters, order: str, *, limit: int = LISTING_LIMIT, offset: int = 0) -> Statement:
    """The matching events (:data:`EVENT_COLUMNS`, then what the order measures)."""
    s = event_scope(f)
    measure, sort = {
        "time": ("NULL", "e.start_s, e.video_id, e.event_id"),
        "time desc": ("NULL", "e.start_s DESC, e.video_id, e.event_id DESC"),
        "end desc": ("e.end_s", "e.end_s DESC, e.video_id, e.event_id DESC"),
        "duration desc": (_DURATION, f"{_DURATION} DESC, e.start_s, e.event_id"),
        "duration": (_DURATION, f"{_DURATION}, e.start_s, e.event_id"),
        "size desc": (_CROWD_SIZE, f"{_CROWD_SIZE} DESC NULLS LAST, e.start_s, e.event_id"),
    }[order]
    tail = f" OFFSET {int(offset)}" if offset else ""
    sql = (
        f"SELECT {_COLUMNS}, {measure} AS value FROM qa.events AS e{s.join}{s.where()} "
        f"ORDER BY {sort} LIMIT {int(limit)}{tail}"
    )
    return Statement("events", sql, s.params, limit=limit)


def total_duration(f: Filters) -> Statement:
    """How long the matching events lasted together, and the longest (``total``, ``longest``)."""
    s = event_scope(f)
    sql = (
        f"SELECT sum({_DURATION}) AS total, max({_DURATION}) AS longest, avg({_DURATION}) AS mean "
        f"FROM qa.events AS e{s.join}{s.where()}"
    )
    return Statement("durations_of_events", sql, s.params)


def tracks(f: Filters, order: str, *, limit: int = LISTING_LIMIT, offset: int = 0) -> Statement:
    """Tracked people (video, track, first and last seen), ordered."""
    s = track_scope(f)
    sort = {
        "time": "t.first_s, t.video_id, t.track_id",
        "time desc": "t.last_s DESC, t.video_id, t.track_id",
        "duration desc": "t.last_s - t.first_s DESC, t.first_s, t.track_id",
        "duration": "t.last_s - t.first_s, t.first_s, t.track_id",
    }[order]
    tail = f" OFFSET {int(offset)}" if offset else ""
    sql = (
        f"SELECT t.video_id, t.track_id, t.first_s, t.last_s FROM qa.tracks AS t{s.join}"
        f"{s.where()} ORDER BY {sort} LIMIT {int(limit)}{tail}"
    )
    return Statement("tracks", sql, s.params, limit=limit)


_GROUP_EXPRESSIONS = {
    "video": "e.video_id",
    "camera": "v.camera",
    "zone": f"coalesce(e.zone, '{WHOLE_FRAME_ZONE}')",
    "line": "e.attributes ->> 'line'",
    "direction": "e.attributes ->> 'direction'",
    "event_type": "e.event_type",
    "track": "e.video_id || ' #' || CAST(e.track_id AS TEXT)",
    "half": "CASE WHEN e.start_s < v.duration_s / 2 THEN 'first half' ELSE 'second half' END",
}


def grouped(subject: Subject, f: Filters, group_by: str) -> Statement:
    """A number per group: ``(label, n)``, largest first."""
    if subject is Subject.TRACKS:
        s = track_scope(f)
        label = {"video": "t.video_id", "camera": "v.camera"}.get(group_by, "t.video_id")
        join = s.join or (
            " JOIN qa.videos AS v ON v.video_id = t.video_id" if group_by == "camera" else ""
        )
        sql = (
            f"SELECT {label} AS label, count(*) AS n FROM qa.tracks AS t{join}{s.where()} "
            "GROUP BY 1 ORDER BY n DESC, label"
        )
        return Statement("groups", sql, s.params)
    s = event_scope(f)
    expression = _GROUP_EXPRESSIONS[group_by]
    join = s.join
    if "v." in expression and not join:
        join = " JOIN qa.videos AS v ON v.video_id = e.video_id"
    if subject is Subject.PEOPLE:
        inner = (
            f"SELECT DISTINCT {expression} AS label, e.video_id, e.track_id "
            f"FROM qa.events AS e{join}{s.where('e.track_id IS NOT NULL')}"
        )
        sql = f"SELECT p.label, count(*) AS n FROM ({inner}) AS p GROUP BY 1 ORDER BY n DESC, 1"
    else:
        sql = (
            f"SELECT {expression} AS label, count(*) AS n FROM qa.events AS e{join}{s.where()} "
            "GROUP BY 1 ORDER BY n DESC, label"
        )
    return Statement("groups", sql, s.params)


def directions(f: Filters) -> Statement:
    """Line crossings per line and direction, and orientation events per orientation."""
    s = event_scope(f.but(event_types=("line_crossing", "orientation")))
    sql = (
        "SELECT e.event_type, coalesce(e.attributes ->> 'line', ''), "
        "coalesce(e.attributes ->> 'direction', e.attributes ->> 'orientation') AS way, "
        f"count(*) AS n FROM qa.events AS e{s.join}{s.where()} GROUP BY 1, 2, 3 "
        "ORDER BY n DESC, 1, 2, 3"
    )
    return Statement("directions", sql, s.params)


def summaries(f: Filters) -> Statement:
    """Each video's stored summary: ``(video_id, summary)``."""
    conditions, params = [], {}
    if f.video_ids:
        conditions.append("v.video_id = ANY(%(video_ids)s)")
        params["video_ids"] = list(f.video_ids)
    if f.cameras:
        conditions.append("v.camera = ANY(%(cameras)s)")
        params["cameras"] = list(f.cameras)
    where = (" WHERE " + " AND ".join(conditions)) if conditions else ""
    return Statement(
        "summaries",
        f"SELECT v.video_id, v.summary FROM qa.videos AS v{where} ORDER BY v.video_id",
        params,
    )


def durations(f: Filters) -> Statement:
    """Each video's duration: ``(video_id, duration_s)``."""
    statement = summaries(f)
    return Statement(
        "durations", statement.sql.replace("v.summary", "v.duration_s"), statement.params
    )


def busiest(f: Filters, limit: int = 10) -> Statement:
    """The seconds with the most people in view (the frame or one zone), most first."""
    conditions = ["lower(o.zone) = %(zone)s"]
    params: dict[str, Any] = {"zone": (f.zones[0] if f.zones else WHOLE_FRAME_ZONE).lower()}
    _occupancy_where(f, conditions, params)
    sql = (
        f"SELECT {_OCCUPANCY_COLUMNS} {_OCCUPANCY_FROM} WHERE {' AND '.join(conditions)} "
        f"ORDER BY o.people DESC, o.video_id, o.second LIMIT {int(limit)}"
    )
    return Statement("occupancy", sql, params)


def occupancy_at(f: Filters) -> Statement:
    """The people in view in the second a moment falls in, per video searched."""
    middle = (f.start_s or 0.0) if f.end_s is None else ((f.start_s or 0.0) + f.end_s) / 2
    if f.start_s is not None and f.start_s == 0.0 and f.end_s is not None:
        middle = max(middle, f.end_s - 2.0)  # "at 0:01" was clipped at the start
    conditions = ["lower(o.zone) = %(zone)s"]
    params: dict[str, Any] = {"zone": (f.zones[0] if f.zones else WHOLE_FRAME_ZONE).lower()}
    if f.clock_start is None and f.clock_end is None:
        conditions.append("o.second = %(second)s")
        params["second"] = int(middle)
    _occupancy_where(f.but(start_s=None, end_s=None), conditions, params)
    sql = (
        f"SELECT {_OCCUPANCY_COLUMNS} {_OCCUPANCY_FROM} WHERE {' AND '.join(conditions)} "
        "ORDER BY o.video_id, o.second LIMIT 50"
    )
    return Statement("occupancy", sql, params)


def events_near(video_id: str, second: float, limit: int = 5) -> Statement:
    """Notable events in view around a moment (what a busiest answer cites)."""
    sql = (
        f"SELECT {_COLUMNS}, NULL AS value FROM qa.events AS e WHERE e.video_id = %(video_id)s "
        "AND e.start_s <= %(at_s)s + 2 AND e.end_s >= %(at_s)s - 2 "
        "AND e.event_type = ANY(%(types)s) "
        "ORDER BY e.event_type = 'crowding' DESC, abs(e.start_s - %(at_s)s), e.event_id "
        f"LIMIT {int(limit)}"
    )
    params = {
        "video_id": video_id,
        "at_s": float(second),
        "types": ["crowding", "enter", "line_crossing", "loitering", "fall", "dwell"],
    }
    return Statement("events", sql, params, limit=limit)


def clip_keys(event_ids: list[int]) -> Statement:
    """The clips of some events: ``(event_id, clip_key)``."""
    return Statement(
        "clips",
        "SELECT c.event_id, c.clip_key FROM qa.event_clips AS c WHERE c.event_id = ANY(%(ids)s)",
        {"ids": [int(i) for i in event_ids]},
    )
