"""The S3 sensor's cursor: a high-water mark of LastModified plus the versions seen just before."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from deepsentinel_pipelines.ingest.keys import normalize_etag, skip_reason


@dataclass
class ListingCursor:
    """Where the S3 sensor is: newest LastModified handled, and the versions handled near it.

    S3 timestamps have one-second resolution and a multipart upload is dated when it started,
    so the sensor re-lists ``lookback_s`` before the mark and remembers what it handled there.
    """

    high_water: float | None = None  # epoch seconds
    recent: dict[str, tuple[str, float]] = field(default_factory=dict)  # key -> (etag, mtime)
    legacy_key: str | None = None  # a cursor written as a bare key (``get_s3_keys`` style)

    def dumps(self) -> str:
        """The cursor string stored by Dagster."""
        recent = {k: [etag, ts] for k, (etag, ts) in sorted(self.recent.items())}
        return json.dumps({"v": 1, "high_water": self.high_water, "recent": recent})

    @classmethod
    def loads(cls, text: str | None) -> ListingCursor | None:
        """Parse a stored cursor; None when there is none (first tick)."""
        if not text:
            return None
        try:
            data = json.loads(text)
        except json.JSONDecodeError:
            return cls(legacy_key=text)
        if not isinstance(data, dict) or data.get("v") != 1:
            return cls(legacy_key=text)
        recent = {k: (str(v[0]), float(v[1])) for k, v in data.get("recent", {}).items()}
        return cls(high_water=data.get("high_water"), recent=recent)

    def since(self, lookback_s: int) -> datetime | None:
        """List objects modified after this time (None: list everything)."""
        if self.high_water is None:
            return None
        return datetime.fromtimestamp(self.high_water - lookback_s, tz=UTC)


@dataclass
class Selection:
    """What one tick of the S3 sensor does with a listing."""

    new: list[dict[str, Any]]
    skipped: list[tuple[str, str]]  # (key, reason)
    deferred: int
    cursor: ListingCursor


def _mtime(obj: dict[str, Any]) -> float:
    return obj["LastModified"].timestamp()


def select_new_objects(
    listing: list[dict[str, Any]],
    cursor: ListingCursor | None,
    max_new: int,
    lookback_s: int,
) -> Selection:
    """Pick the unseen video objects of a listing, oldest first, at most ``max_new`` of them.

    Objects beyond the cap are left for the next tick: the mark stops before them. Non-video
    objects are skipped once (remembered like handled ones) with their reason.
    """
    cursor = cursor or ListingCursor()
    recent = dict(cursor.recent)
    high_water = cursor.high_water
    new: list[dict[str, Any]] = []
    skipped: list[tuple[str, str]] = []
    ordered = sorted(listing, key=_mtime)
    deferred = 0
    for index, obj in enumerate(ordered):
        key, etag = obj["Key"], normalize_etag(obj.get("ETag"))
        if recent.get(key, ("", 0.0))[0] == etag:
            continue
        reason = skip_reason(key, obj.get("Size"), obj.get("StorageClass"))
        if reason is None and len(new) >= max_new:
            deferred = len(ordered) - index
            break
        if reason is None:
            new.append(obj)
        else:
            skipped.append((key, reason))
        recent[key] = (etag, _mtime(obj))
        high_water = max(high_water or 0.0, _mtime(obj))
    if high_water is not None:
        recent = {k: v for k, v in recent.items() if v[1] >= high_water - lookback_s}
    return Selection(new, skipped, deferred, ListingCursor(high_water, recent))


def baseline_cursor(listing: list[dict[str, Any]], lookback_s: int) -> ListingCursor:
    """The first cursor: everything already in the bucket counts as seen (backfill runs it)."""
    selection = select_new_objects(listing, None, max_new=len(listing) + 1, lookback_s=lookback_s)
    return selection.cursor


def describe_skips(skipped: list[tuple[str, str]], limit: int = 5) -> str:
    """A log fragment: how many were skipped, by reason, with a few keys."""
    by_reason: dict[str, list[str]] = {}
    for key, reason in skipped:
        by_reason.setdefault(reason, []).append(key)
    parts = []
    for reason, keys in sorted(by_reason.items()):
        more = f", ... (+{len(keys) - limit})" if len(keys) > limit else ""
        shown = ", ".join(keys[:limit]) + more
        parts.append(f"{len(keys)} {reason}: {shown}")
    return "; ".join(parts)


def list_after(
    s3: Any,
    bucket: str,
    prefix: str = "",
    since_key: str | None = None,
    since_last_modified: datetime | None = None,
) -> list[dict[str, Any]]:
    """The objects under ``prefix``, oldest LastModified first, after a key or an instant.

    ``since_key`` (a cursor of the first sensor versions): the objects listed after that key;
    ``since_last_modified``: those modified strictly later. The sensor lists with this rather than
    dagster-aws's ``get_objects`` (same semantics) because importing dagster-aws costs every step
    process about a second of start-up.

    Raises:
        LookupError: ``since_key`` is no longer in the bucket.
    """
    objects: list[dict[str, Any]] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        objects.extend(page.get("Contents", []))
    objects.sort(key=lambda obj: obj["LastModified"])
    if since_key is not None:
        keys = [obj["Key"] for obj in objects]
        if since_key not in keys:
            raise LookupError(f"{since_key!r} is no longer in s3://{bucket}/{prefix}")
        return objects[keys.index(since_key) + 1 :]
    if since_last_modified is not None:
        return [obj for obj in objects if obj["LastModified"] > since_last_modified]
    return objects
