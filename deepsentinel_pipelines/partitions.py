"""Partitions: one per video, one per camera, and a camera's days (day x camera).

Video partition keys are reversible, sanitized object keys.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

from dagster import (
    DagsterInstance,
    DailyPartitionsDefinition,
    DynamicPartitionsDefinition,
    MultiPartitionKey,
    MultiPartitionsDefinition,
)

videos = DynamicPartitionsDefinition(name="videos")
#: Every camera a video was registered for (``raw_video`` adds its camera).
cameras = DynamicPartitionsDefinition(name="cameras")
#: The first day a camera's day report can be built for.
FIRST_DAY = "2025-01-01"
#: A day is a date in the camera's own time zone (``timezone`` in cameras.yaml). Days up to
#: the day after tomorrow (UTC) exist, so every zone's today does.
days = DailyPartitionsDefinition(start_date=FIRST_DAY, end_offset=2)
camera_days = MultiPartitionsDefinition({"day": days, "camera": cameras})

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


def register_camera(instance: DagsterInstance, camera: str) -> None:
    """Add a camera to the ``cameras`` partitions (its day reports), once."""
    if not instance.has_dynamic_partition(cameras.name, camera):
        instance.add_dynamic_partitions(cameras.name, [camera])


def camera_day_key(camera: str, day: date) -> MultiPartitionKey:
    """The partition key of one camera's day."""
    return MultiPartitionKey({"day": day.isoformat(), "camera": camera})
