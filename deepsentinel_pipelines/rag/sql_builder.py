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
from typing import Any

from deepsentinel_pipelines.rag.question import ParsedQuestion, Window

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
)

#: Default number of rows the listing query returns.
DEFAULT_LIMIT = 50


def build_event_sql(
    parsed: ParsedQuestion,
    video_ids: Sequence[str] = (),
    window: Window | None = None,
    *,
    count: bool | None = None,
    limit: int = DEFAULT_LIMIT,
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

    Returns:
        ``(sql, params)`` for ``cursor.execute``. The listing selects :data:`EVENT_COLUMNS`
        ordered by video and time; the counting query returns one row with one column ``n``.

    Raises:
        ValueError: If ``limit`` is not a positive integer.
    """
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValueError(f"limit must be a positive integer, got {limit!r}")
    counting = parsed.is_count if count is None else count
    where: list[str] = []
    params: dict[str, Any] = {}
    join = ""

    if parsed.event_types:
        where.append("e.event_type = ANY(%(event_types)s)")
        params["event_types"] = list(parsed.event_types)
    videos = list(video_ids) or list(parsed.video_ids)
    if videos:
        where.append("e.video_id = ANY(%(video_ids)s)")
        params["video_ids"] = videos
    if parsed.zones:
        where.append("lower(e.zone) = ANY(%(zones)s)")
        params["zones"] = [z.lower() for z in parsed.zones]
    if parsed.orientation is not None:
        # Orientation is an attribute of orientation events; other asked-for types still match.
        where.append(
            "(e.event_type <> 'orientation' OR e.attributes ->> 'orientation' = %(orientation)s)"
        )
        params["orientation"] = parsed.orientation

    if window is None and parsed.relative_to_end:
        join = " JOIN qa.videos AS v ON v.video_id = e.video_id"
        if parsed.start_s is not None:
            where.append("e.end_s >= v.duration_s + %(rel_start_s)s")
            params["rel_start_s"] = float(parsed.start_s)
        if parsed.end_s is not None:
            where.append("e.start_s <= v.duration_s + %(rel_end_s)s")
            params["rel_end_s"] = float(parsed.end_s)
    else:
        start, end = window if window is not None else (parsed.start_s, parsed.end_s)
        # Overlap, not containment: an event that straddles the window edge still happened in it.
        if start is not None:
            where.append("e.end_s >= %(start_s)s")
            params["start_s"] = float(start)
        if end is not None:
            where.append("e.start_s <= %(end_s)s")
            params["end_s"] = float(end)

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
