"""How the command line reports a failure: one or two lines on stderr, never a stack trace."""

from __future__ import annotations

import sys

from deepsentinel_pipelines.text.redaction import redact

#: Help of ``-v/--verbose``, accepted before the command and after `demo` and `process`.
VERBOSE_HELP = "show stack traces and the run's warnings"


def stderr(line: str) -> None:
    """Write one line to stderr at once (progress and errors interleave with stdout)."""
    print(line, file=sys.stderr, flush=True)


def report_internal_error(err: Exception) -> int:
    """Name an unexpected error in one line, say how to see more; the exit status 1."""
    stderr(redact(f"error: {type(err).__name__}: {err}").splitlines()[0])
    stderr("(an internal error; run again with --verbose for the stack trace)")
    return 1
