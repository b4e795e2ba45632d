"""A friendly first screen for questions that try to smuggle SQL or shell commands.

This is not the security boundary: generated SQL still goes through
:func:`deepsentinel_pipelines.rag.sql_guard.validate_sql` and runs as the read-only
``deepsentinel_reader`` role. The screen exists so that an obviously hostile question gets a
clear refusal instead of reaching the model, and it errs towards letting ordinary questions
through ("who left?", "did anyone drop a bag?", "select the falls from plaza").
"""

from __future__ import annotations

import re

#: Longest question accepted.
MAX_QUESTION_CHARS = 2_000

_HINT = " Please ask in plain words, for example: 'How many people fell in plaza.mp4 after 1:10?'"

# Words that, right after a ';', start a statement rather than a sentence.
_SQL_AFTER_SEMICOLON = (
    r"(?:select|insert|delete|drop|alter|truncate|grant|revoke|copy|exec|execute|vacuum|commit|"
    r"rollback|set\s+\w+\s*(?:=|to\b)|create\s+(?:table|role|user|function|view|extension))"
)

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(rf";\s*{_SQL_AFTER_SEMICOLON}\b", re.IGNORECASE),
        "The question contains a ';' followed by a SQL command.",
    ),
    (
        re.compile(
            r"\b(?:drop|truncate|alter)\s+(?:table|database|schema|view|role|user|index|"
            r"function|extension|materialized\s+view)\b"
            r"|\bupdate\s+[\w.\"]+\s+set\b|\binsert\s+into\b|\bdelete\s+from\b"
            r"|\bcreate\s+(?:or\s+replace\s+)?(?:table|function|role|user|view|extension|"
            r"trigger|schema|database|index)\b"
            r"|\bgrant\s+\w+(?:\s*,\s*\w+)*\s+on\b|\brevoke\s+\w+.*\bfrom\b"
            r"|\bcopy\s+[\w.\"(]+.*\b(?:from|to)\s+(?:program|stdin|stdout|')"
            r"|\bset\s+(?:session\s+)?(?:role|session\s+authorization)\b"
            r"|\balter\s+system\b",
            re.IGNORECASE,
        ),
        "The question contains a SQL statement that would change data or permissions.",
    ),
    (
        re.compile(
            r"\b(?:pg_\w+|lo_import|lo_export|lo_\w+|dblink\w*|set_config|current_setting|"
            r"txid_\w+|query_to_xml|xp_cmdshell)\s*\(",
            re.IGNORECASE,
        ),
        "The question calls a database function.",
    ),
    (
        re.compile(
            r"\bpg_(?:catalog|shadow|authid|roles|user|users|group|stat\w*|settings|"
            r"tables|class|proc|namespace|database|hba_file_rules|largeobject\w*|read_file|ls_dir)"
            r"\b|\binformation_schema\b",
            re.IGNORECASE,
        ),
        "The question refers to the database's system catalogs.",
    ),
    (
        re.compile(
            r"\bselect\s+(?:\*|count\s*\(|distinct\b|[\w.]+\s*,)"
            r"|\bselect\b.{0,200}?\bfrom\s+(?:qa\.|public\.|pg_|information_schema|"
            r"(?:events|videos|tracks|detections|incidents|qa_\w+)\b)"
            r"|\bunion\s+(?:all\s+)?select\b",
            re.IGNORECASE | re.DOTALL,
        ),
        "The question contains a SQL query.",
    ),
    (
        re.compile(r"/\*|\*/|(?:^|[;'\")])\s*--|\$\w*\$", re.IGNORECASE | re.MULTILINE),
        "The question contains SQL comment or quoting tricks.",
    ),
    (
        re.compile(
            r"'\s*(?:or|and)\s+'?\w+'?\s*=\s*'?\w+|\bor\s+1\s*=\s*1\b",
            re.IGNORECASE,
        ),
        "The question contains a SQL injection pattern.",
    ),
    (
        re.compile(
            r"\$\(|`[^`]*`|(?:&&|\|\||;|\|)\s*(?:rm|cat|curl|wget|bash|sh|zsh|nc|chmod|"
            r"python\d?|perl)\b|\brm\s+-rf\b"
            r"|\.\./|/etc/(?:passwd|shadow)",
            re.IGNORECASE,
        ),
        "The question contains shell commands or file paths.",
    ),
    (
        re.compile(
            r"\b(?:ignore|disregard|forget)\s+(?:all\s+)?(?:the\s+)?(?:previous|prior|above|your)"
            r"\s+(?:instructions|rules|prompt)\b",
            re.IGNORECASE,
        ),
        "The question tries to override the assistant's instructions.",
    ),
)


def screen_question(text: str) -> str | None:
    """Return a refusal reason for a hostile question, or None for an ordinary one.

    Args:
        text: The operator's question.

    Returns:
        A short, user-facing reason to refuse, or None when the question may go on.
    """
    if not text or not text.strip():
        return "The question is empty." + _HINT
    if len(text) > MAX_QUESTION_CHARS:
        return f"The question is longer than {MAX_QUESTION_CHARS} characters." + _HINT
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
        return "The question contains control characters." + _HINT
    for pattern, reason in _RULES:
        if pattern.search(text):
            return reason + _HINT
    return None
