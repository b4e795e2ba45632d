"""Times given on the command line: ``--recorded-at`` of uploads, ``--from``/``--to`` of ``ask``.

Checked before anything starts, so a mistyped time is one line naming it (exit 2). A time
without an offset is kept as written: it is read later in the camera's zone.
"""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from deepsentinel_pipelines.cli.errors import stderr
from deepsentinel_pipelines.ingest.recorded_at import parse_time

RECORDED_AT_HELP = (
    "when the video was recorded (ISO 8601, e.g. 2026-12-01T14:00:00+01:00; without an offset, "
    "in the camera's timezone from cameras.yaml); stored as the object's recorded-at metadata"
)
#: Checking a time needs a zone for naive times; which one does not matter.
_CHECK_ZONE = ZoneInfo("UTC")


def valid_time(value: str | None, option: str, as_json: bool = False) -> bool:
    """Whether ``value`` (None: not given) is an ISO 8601 time; if not, say so in one line."""
    if value is None:
        return True
    try:
        parse_time(value, _CHECK_ZONE)
    except ValueError as err:
        message = f"error: {option}: {err}"
        stderr(message)
        if as_json:
            print(json.dumps({"success": False, "error": message}))
        return False
    return True
