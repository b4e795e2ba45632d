"""What reaches stdout: the command's own answer only (one JSON object with ``--json``)."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def chatter_to_stderr() -> Iterator[None]:
    """Send whatever is written to stdout meanwhile to stderr, at the file-descriptor level.

    Libraries log to stdout from Python and from C (ultralytics' exporter prints a page while it
    builds the OpenVINO model on first use); a pipe into ``jq`` must still get one JSON object.
    """
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
