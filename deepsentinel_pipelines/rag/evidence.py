"""What a language model may use beside its draft: the count, the rows, the SQL, bounded."""

from __future__ import annotations

import json
from collections.abc import Sequence

from deepsentinel_pipelines.rag.rows import EventRow, QueryResult
from deepsentinel_pipelines.rag.wording import event_time

#: What reaches a language model's prompt as evidence is cut: each text value of a row, each
#: row of the model's own SQL, each statement, the number of model rows, and the whole.
MAX_EVIDENCE_VALUE_CHARS = 300
MAX_EVIDENCE_ROW_CHARS = 600
MAX_EVIDENCE_ROWS = 50
MAX_EVIDENCE_STATEMENT_CHARS = 2_000
MAX_EVIDENCE_CHARS = 20_000


def evidence_text(
    count: int | None,
    cited: Sequence[EventRow],
    model_rows: QueryResult | None,
    statements: Sequence[str],
    draft: str,
) -> str:
    """What a language model may use: the count, the cited rows, the model's rows, the draft.

    Bounded whatever the rows hold: values, rows, statements and the whole text are cut (see
    :data:`MAX_EVIDENCE_CHARS`), the draft answer always kept at the end.
    """
    lines: list[str] = []
    if count is not None:
        lines.append(f"Database count of matching rows: {count}")
    lines.append("Events (id | video | start-end | type | zone | description | highlight):")
    for row in cited:
        lines.append(
            f"#{row.event_id} | {_cut(row.video_id)} | {event_time(row)} | {row.event_type} | "
            f"{_cut(row.zone or '-')} | {_cut(row.description)} | {row.highlight_url or '-'}"
        )
    if not cited:
        lines.append("(none)")
    if model_rows is not None:
        lines.append(f"Rows of your SQL ({_cut(', '.join(model_rows.columns))}):")
        lines.extend(
            _cut(
                json.dumps([_cut(v) if isinstance(v, str) else v for v in r], default=str),
                MAX_EVIDENCE_ROW_CHARS,
            )
            for r in model_rows.rows[:MAX_EVIDENCE_ROWS]
        )
        if len(model_rows.rows) > MAX_EVIDENCE_ROWS:
            lines.append(f"(and {len(model_rows.rows) - MAX_EVIDENCE_ROWS} more rows)")
    lines.append("SQL that ran:")
    lines.extend(_cut(s, MAX_EVIDENCE_STATEMENT_CHARS) for s in statements or ["(none)"])
    tail = f"Draft answer (built only from these rows): {_cut(draft, 4 * MAX_EVIDENCE_ROW_CHARS)}"
    text = _cut("\n".join(lines), MAX_EVIDENCE_CHARS - len(tail) - 1)
    return f"{text}\n{tail}"


def _cut(text: str, limit: int = MAX_EVIDENCE_VALUE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying so."""
    return text if len(text) <= limit else text[: max(0, limit - 14)] + " [...cut]"
