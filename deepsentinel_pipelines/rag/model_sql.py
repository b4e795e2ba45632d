"""A language model's own SQL (Bedrock): validated, explained, run read-only, or why not.

Its rows are evidence for the answering model; the answer's facts come from the plan's own
statements, so a refused or failing statement only adds a note.
"""

from __future__ import annotations

import psycopg

from deepsentinel_pipelines.rag.retrieval import MAX_RESULT_BYTES, run_model_sql
from deepsentinel_pipelines.rag.rows import QueryResult
from deepsentinel_pipelines.rag.sql_guard import ALLOWED_COLUMNS, UnsafeSQLError
from deepsentinel_pipelines.text.redaction import redact
from deepsentinel_pipelines.video.types import EVENT_TYPES, ORIENTATIONS


def run_model_statement(
    conn: psycopg.Connection,
    model_text: str | None,
    timeout_ms: int,
    planner: psycopg.Connection,
) -> tuple[str | None, QueryResult | None, str | None]:
    """Validate, explain and run the model's SQL: ``(validated text, rows, note)``.

    ``conn`` is the reader's connection, ``planner`` the application's (it only plans; see
    :func:`~deepsentinel_pipelines.rag.retrieval.run_model_sql`). The note says why the
    statement did not run (refused by the guard or for its plan, or failed in the database), or
    that its rows were cut at the byte cap.
    """
    if not model_text:
        return None, None, None
    try:
        validated, rows = run_model_sql(conn, model_text, timeout_ms, planner=planner)
    except UnsafeSQLError as err:
        note = f"The model's SQL was rejected ({err.reason}); the built-in query was used instead."
        return None, None, note
    except psycopg.Error as err:
        note = (
            f"The model's SQL failed in the database ({_first_line(err)}); "
            "the built-in query was used instead."
        )
        return None, None, note
    if rows.truncated:
        return (
            validated,
            rows,
            f"The model's SQL returned more than {MAX_RESULT_BYTES:,} bytes; only its first "
            f"{len(rows.rows)} row(s) were used.",
        )
    return validated, rows, None


def event_ids(result: QueryResult) -> list[int]:
    """The ``event_id`` values of a model's rows, once each, in order."""
    if "event_id" not in result.columns:
        return []
    index = result.columns.index("event_id")
    ids = [
        value
        for row in result.rows
        if isinstance(value := row[index], int) and not isinstance(value, bool)
    ]
    return list(dict.fromkeys(ids))


def schema_description() -> str:
    """The views, columns and vocabulary a model may write SQL against."""
    lines = [
        f"qa.{view}({', '.join(f'{name} {kind}' for name, kind in columns.items())})"
        for view, columns in ALLOWED_COLUMNS.items()
    ]
    lines.append(
        "Times (start_s, end_s, first_s, last_s, duration_s) are seconds from the "
        "start of the video."
    )
    lines.append(f"event_type is one of: {', '.join(EVENT_TYPES)}.")
    lines.append(
        f"For orientation events, attributes->>'orientation' is one of: {', '.join(ORIENTATIONS)}."
    )
    lines.append(
        "Line crossings carry attributes->>'line' and attributes->>'direction' (in or out); "
        "crowding events attributes->>'count' (people)."
    )
    lines.append("People are distinct (video_id, track_id) pairs.")
    return "\n".join(lines)


def _first_line(err: Exception) -> str:
    text = redact(err).strip().splitlines()
    return text[0][:200] if text else type(err).__name__
