"""Local copies of raw videos, so the steps of one run (or one machine) download once."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.settings import load_settings


def cache_root() -> Path:
    """Folder for downloaded videos and model weights, under the settings' home."""
    return load_settings().home / "cache"


class ObjectChangedError(RuntimeError):
    """The object is no longer the version a run was started for."""


def local_video(
    store: ObjectStoreResource,
    key: str,
    head: dict[str, Any] | None = None,
    etag: str | None = None,
) -> Path:
    """A local file with the bytes of ``key`` in the raw-videos bucket.

    ``head`` is the object's HEAD response when the caller already has it. ``etag`` pins the
    version: when the object is another one now, ObjectChangedError (the download itself is
    conditional, so an overwrite in between is caught too).
    """
    head = head or store.head(store.raw_videos_bucket, key)
    current = head["ETag"].strip('"')
    where = f"s3://{store.raw_videos_bucket}/{key}"
    if etag and current != etag:
        raise ObjectChangedError(
            f"{where} changed since this run was started for version {etag} (now {current}); "
            "the new version gets a run of its own"
        )
    digest = hashlib.sha256(f"{store.raw_videos_bucket}/{key}".encode()).hexdigest()[:16]
    suffix = Path(key).suffix[:10]
    path = cache_root() / "videos" / digest / f"{current}{suffix}"
    if path.exists() and path.stat().st_size == head["ContentLength"]:
        return path
    tmp = path.with_name(path.name + ".part")
    try:
        store.download(store.raw_videos_bucket, key, tmp, if_match=current)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") not in ("PreconditionFailed", "412"):
            raise
        raise ObjectChangedError(f"{where} changed while version {current} was downloaded") from err
    tmp.replace(path)
    return path
