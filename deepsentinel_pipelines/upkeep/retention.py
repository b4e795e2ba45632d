"""Which stored objects the retention rules make due, given a listing and the time (no Dagster).

The rules are the buckets' lifecycle rules (local_stack/bootstrap.py builds them from the ages
here): thumbnails expire after 90 days, raw videos move to an archive class after 30. Real S3
applies them itself; an S3-compatible endpoint (the local emulator, MinIO) stores them but does
nothing, so the weekly job does it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from deepsentinel_pipelines.ingest.storage_classes import ARCHIVE_CLASSES

RAW_VIDEO_ARCHIVE_DAYS = 30
THUMBNAIL_EXPIRY_DAYS = 90
#: Object tag that marks a raw video as archived where the endpoint has no archive class.
ARCHIVE_TAG = ("deepsentinel:retention", "archived")


@dataclass(frozen=True)
class StoredObject:
    """The listing fields the rules look at."""

    key: str
    size: int
    last_modified: datetime
    storage_class: str = "STANDARD"

    @classmethod
    def from_listing(cls, obj: dict[str, Any]) -> StoredObject:
        """From one ``list_objects_v2`` entry."""
        return cls(
            obj["Key"],
            int(obj.get("Size", 0)),
            obj["LastModified"],
            obj.get("StorageClass") or "STANDARD",
        )


@dataclass(frozen=True)
class Tally:
    """How many objects and bytes."""

    objects: int
    bytes: int


def tally(objects: Iterable[StoredObject]) -> Tally:
    """Count objects and sum their sizes."""
    items = list(objects)
    return Tally(len(items), sum(o.size for o in items))


def due(obj: StoredObject, now: datetime, days: int) -> bool:
    """True when the object is older than ``days`` at ``now``."""
    return now - obj.last_modified > timedelta(days=days)


def thumbnails_to_delete(
    listing: Iterable[StoredObject], now: datetime, days: int = THUMBNAIL_EXPIRY_DAYS
) -> list[StoredObject]:
    """Thumbnails older than ``days``."""
    return [o for o in listing if due(o, now, days)]


def raw_videos_to_archive(
    listing: Iterable[StoredObject],
    now: datetime,
    days: int = RAW_VIDEO_ARCHIVE_DAYS,
    marked: frozenset[str] | set[str] = frozenset(),
) -> list[StoredObject]:
    """Raw videos older than ``days`` that are neither in an archive class nor marked."""
    return [
        o
        for o in listing
        if due(o, now, days) and o.storage_class not in ARCHIVE_CLASSES and o.key not in marked
    ]


def enforce_locally(endpoint_url: str | None, force: bool = False) -> bool:
    """Whether the job acts: only where the endpoint does not apply lifecycle rules itself.

    Real S3 (no endpoint URL) does; any other endpoint is assumed not to.
    """
    return force or endpoint_url is not None
