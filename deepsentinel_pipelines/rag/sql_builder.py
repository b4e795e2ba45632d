"""Build parameterised SELECTs over ``qa.events`` from a parsed question.

Only fixed SQL fragments are concatenated; every value from the question travels as a psycopg
``%(name)s`` parameter. The output is accepted by
:func:`deepsentinel_pipelines.rag.sql_guard.validate_sql` (the tests check this), so the same
guard can sit in front of both generated and built SQL.

Counting: a question about people ("how many people fell?") counts distinct tracked persons,
i.e. distinct ``(video_id, track_id)`` pairs, because ``track_id`` restarts in every video and one
person can trigger several events; events without a track are not people and are left out. Every
other count ("how many falls?", "how many times ...") is ``count(*)`` over the matching events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from deepsentinel_pipelines.rag.clock_window import ClockWindow
from deepsentinel_pipelines.rag.question import OccupancyQuestion, ParsedQuestion, Window

#: Columns of the listing query, in :class:`deepsentinel_pipelines.rag.answer.EventRow` order.
EVENT_COLUMNS: tuple[str, ...] = (
    "event_id",
    "video_id",
    "event_type",
    "start_s",
    "end_s",
    "track_id",
    "zone",
    "description",
    "highlight_key",
    "confidence",
    "started_at",
    "camera",
)

#: Default number of rows the listing query returns.
DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class EventFilters:
    """Restrictions on ``qa.events``, shared by the built SQL and the vector and text searches.

    Attributes:
        video_ids: Videos to search; empty for all.
        event_types: Event types; empty for all.
        zones: Zone names, compared case-insensitively; empty for all.
        orientation: For orientation events, the orientation asked about.
        start_s: Events ending at or after this time (overlap), or None.
        end_s: Events starting at or before this time (overlap), or None.
        relative_to_end: ``start_s``/``end_s`` are offsets from each video's end.
        from_at: Events ending at or after this instant (aware), or None.
        to_at: Events starting before this instant (at or before it with ``to_included``).
        to_included: Whether ``to_at`` itself is in the window.
    """

    video_ids: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    orientation: str | None = None
    start_s: float | None = None
    end_s: float | None = None
    relative_to_end: bool = False
    from_at: datetime | None = None
    to_at: datetime | None = None
    to_included: bool = True

    @classmethod
    def from_question(
        cls,
        parsed: ParsedQuestion,
        video_ids: Sequence[str] = (),
        window: Window | None = None,
        clock: ClockWindow | None = None,
    ) -> EventFilters:
        """The filters that answer ``parsed`` (see :func:`build_event_sql` for the arguments)."""
        if window is None and parsed.relative_to_end:
            start, end, relative = parsed.start_s, parsed.end_s, True
        else:
            start, end = window if window is not None else (parsed.start_s, parsed.end_s)
            relative = False
        return cls(
            video_ids=tuple(video_ids) or parsed.video_ids,
            event_types=parsed.event_types,
            zones=tuple(z.lower() for z in parsed.zones),
            orientation=parsed.orientation,
            start_s=start,
            end_s=end,
            relative_to_end=relative,
            from_at=clock.start if clock else None,
            to_at=clock.end if clock else None,
            to_included=clock.end_included if clock else True,
        )

    @property
    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return not (
            self.video_ids
            or self.event_types
            or self.zones
            or self.orientation is not None
            or self.start_s is not None
            or self.end_s is not None
            or self.from_at is not None
            or self.to_at is not None
        )

    def sql(self) -> tuple[str, list[str], dict[str, Any]]:
        """``(join, conditions, params)`` over ``qa.events AS e``."""
        conditions: list[str] = []
        params: dict[str, Any] = {}
        join = ""
        if self.event_types:
            conditions.append("e.event_type = ANY(%(event_types)s)")
            params["event_types"] = list(self.event_types)
        if self.video_ids:
            conditions.append("e.video_id = ANY(%(video_ids)s)")
            params["video_ids"] = list(self.video_ids)
        if self.zones:
            conditions.append("lower(e.zone) = ANY(%(zones)s)")
            params["zones"] = list(self.zones)
        if self.orientation is not None:
            conditions.append(
                "(e.event_type <> 'orientation'"
                " OR e.attributes ->> 'orientation' = %(orientation)s)"
            )
            params["orientation"] = self.orientation
        if self.relative_to_end:
            join = " JOIN qa.videos AS v ON v.video_id = e.video_id"
            start_expr, end_expr = "v.duration_s + %(rel_start_s)s", "v.duration_s + %(rel_end_s)s"
        else:
            start_expr, end_expr = "%(start_s)s", "%(end_s)s"
        prefix = "rel_" if self.relative_to_end else ""
        # Overlap, not containment: an event that straddles the window edge happened in it.
        if self.start_s is not None:
            conditions.append(f"e.end_s >= {start_expr}")
            params[f"{prefix}start_s"] = float(self.start_s)
        if self.end_s is not None:
            conditions.append(f"e.start_s <= {end_expr}")
            params[f"{prefix}end_s"] = float(self.end_s)
        # Clock windows overlap the same way; a video of unknown time has NULL times: outside.
        if self.from_at is not None:
            conditions.append("e.ended_at >= %(from_at)s")
            params["from_at"] = self.from_at
        if self.to_at is not None:
            conditions.append(f"e.started_at {'<=' if self.to_included else '<'} %(to_at)s")
            params["to_at"] = self.to_at
        return join, conditions, params


def build_event_sql(
    parsed: ParsedQuestion,
    video_ids: Sequence[str] = (),
    window: Window | None = None,
    *,
    count: bool | None = None,
    limit: int = DEFAULT_LIMIT,
    clock: ClockWindow | None = None,
) -> tuple[str, dict[str, Any]]:
    """Build the SELECT that answers ``parsed``.

    Args:
        parsed: The parsed question (event types, zones, orientation, window, videos).
        video_ids: Videos to search; when empty, the videos named in the question, and when
            the question names none, every video.
        window: ``(start_s, end_s)`` in seconds from the start of the video, None for an open
            side. When None, the question's own window is used; a window relative to the end
            ("in the last 30 seconds") is then resolved against each video's
            ``qa.videos.duration_s`` in SQL.
        count: True for the counting query, False for the listing; None follows
            ``parsed.is_count``.
        limit: Most rows the listing query returns.
        clock: A window of real time (``qa.events.started_at``/``ended_at``), or None.

    Returns:
        ``(sql, params)`` for ``cursor.execute``. The listing selects :data:`EVENT_COLUMNS`
        ordered by video and time; the counting query returns one row with one column ``n``.

    Raises:
        ValueError: If ``limit`` is not a positive integer.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, got {limit!r}")
    counting = parsed.is_count if count is None else count
    join, where, params = EventFilters.from_question(parsed, video_ids, window, clock).sql()
    from_where = f"FROM qa.events AS e{join}"
    if where:
        from_where += " WHERE " + " AND ".join(where)

    if counting and parsed.counts_people:
        tracked = from_where + (" AND " if where else " WHERE ") + "e.track_id IS NOT NULL"
        sql = f"SELECT count(*) AS n FROM (SELECT DISTINCT e.video_id, e.track_id {tracked}) AS t"
    elif counting:
        sql = f"SELECT count(*) AS n {from_where}"
    else:
        columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS)
        sql = (
            f"SELECT {columns} {from_where} "
            f"ORDER BY e.video_id, e.start_s, e.event_id LIMIT {int(limit)}"
        )
    return sql, params


#: Columns of the occupancy queries, in :class:`deepsentinel_pipelines.rag.answer.OccupancyRow`
#: order.
OCCUPANCY_COLUMNS: tuple[str, ...] = ("video_id", "zone", "second", "people", "at", "camera")
#: Zone name of the whole-frame occupancy rows.
WHOLE_FRAME = "frame"


def build_occupancy_sql(
    question: OccupancyQuestion,
    video_ids: Sequence[str] = (),
    limit: int = 10,
    clock: ClockWindow | None = None,
) -> tuple[str, dict[str, Any]]:
    """The SELECT over ``qa.occupancy`` that answers an occupancy question.

    The busiest question lists the seconds with the most people, most first (within ``clock``,
    a window of real time, when given); the question about one moment lists that second of
    every video searched.
    """
    columns = ", ".join(f"{'v' if c == 'camera' else 'o'}.{c}" for c in OCCUPANCY_COLUMNS)
    where = ["lower(o.zone) = %(zone)s"]
    params: dict[str, Any] = {"zone": (question.zone or WHOLE_FRAME).lower()}
    if video_ids:
        where.append("o.video_id = ANY(%(video_ids)s)")
        params["video_ids"] = list(video_ids)
    if clock is not None and clock.start is not None:
        where.append("o.at >= %(from_at)s")
        params["from_at"] = clock.start
    if clock is not None and clock.end is not None:
        where.append(f"o.at {'<=' if clock.end_included else '<'} %(to_at)s")
        params["to_at"] = clock.end
    if question.busiest:
        order = "o.people DESC, o.video_id, o.second"
    else:
        where.append("o.second = %(second)s")
        params["second"] = int(question.at_s or 0)
        order = "o.video_id"
    sql = (
        f"SELECT {columns} FROM qa.occupancy AS o JOIN qa.videos AS v ON v.video_id = o.video_id "
        f"WHERE {' AND '.join(where)} "
        f"ORDER BY {order} LIMIT {int(limit)}"
    )
    return sql, params
