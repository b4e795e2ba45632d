"""How the command line reports a failure: one or two lines on stderr, never a stack trace.

With ``--json`` the same failure is also one JSON object on stdout, ``{"success": false,
"error": ...}``, so a script reading stdout always gets an object.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from deepsentinel_pipelines.text.escaping import terminal_text
from deepsentinel_pipelines.text.redaction import redact

#: Help of ``-v/--verbose``, accepted before the command and after `demo` and `process`.
VERBOSE_HELP = "show stack traces and the run's warnings"
#: Exit status of a mistake in what the user gave (a file, an option, a name).
USER_ERROR = 2


class UserError(Exception):
    """A mistake in the command's input, told in one line; the exit status is 2.

    Attributes:
        message: The line, naming what was given and what is wrong with it.
        fields: Extra members of the ``--json`` error object (e.g. ``{"file": ...}``).
    """

    def __init__(self, message: str, **fields: Any) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


def stderr(line: str) -> None:
    """Write one line to stderr at once (progress and errors interleave with stdout)."""
    print(line, file=sys.stderr, flush=True)


def report_failure(message: str, status: int, as_json: bool, **fields: Any) -> int:
    """Say ``message`` in one line (and as a JSON object under ``--json``); return ``status``.

    The line is redacted and shown with control characters escaped: it may quote a file name
    or a value the user typed.
    """
    line = terminal_text(redact(message).splitlines()[0] if message.strip() else message)
    stderr(f"error: {line}")
    if as_json:
        print(json.dumps(fields | {"success": False, "error": redact(message)}), flush=True)
    return status


def report_internal_error(err: Exception, as_json: bool = False) -> int:
    """Name an unexpected error in one line, say how to see more; the exit status 1."""
    status = report_failure(f"{type(err).__name__}: {err}", 1, as_json)
    stderr("(an internal error; run again with --verbose for the stack trace)")
    return status
