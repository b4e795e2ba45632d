"""One dynamic partition per video; partition keys are reversible, sanitized object keys."""

from __future__ import annotations

import re
from urllib.parse import unquote

from dagster import DynamicPartitionsDefinition

videos = DynamicPartitionsDefinition(name="videos")

# Dagster rejects "..." and control characters in partition keys; "," would split a CLI
# `--partitions a,b` list; "%" is the escape character itself.
_ESCAPED = re.compile(r"[%,\x00-\x1f\x7f]")


def video_id_from_key(object_key: str) -> str:
    """The partition key of an object key: the key itself, with unsafe characters escaped.

    Spaces, unicode and slashes are kept, so ids stay readable; the mapping is one-to-one and
    :func:`object_key_from_video_id` reverses it.
    """
    if not object_key or object_key.strip() != object_key:
        raise ValueError(f"not a usable object key: {object_key!r}")
    escaped = _ESCAPED.sub(lambda m: f"%{ord(m.group()):02X}", object_key)
    return escaped.replace(".", "%2E") if "..." in escaped else escaped


def object_key_from_video_id(video_id: str) -> str:
    """The object key in the raw-videos bucket that a partition key stands for."""
    return unquote(video_id)
