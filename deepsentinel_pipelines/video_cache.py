"""Local copies of raw videos, so the steps of one run (or one machine) download once."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from deepsentinel_pipelines.resources.object_store import ObjectStoreResource


def cache_root() -> Path:
    """Folder for downloaded videos and model weights."""
    home = os.environ.get("DEEPSENTINEL_HOME") or str(Path.cwd() / ".deepsentinel")
    return Path(home) / "cache"


def local_video(store: ObjectStoreResource, key: str, head: dict[str, Any] | None = None) -> Path:
    """A local file with the bytes of ``key`` in the raw-videos bucket (re-fetched on change).

    ``head`` is the object's HEAD response when the caller already has it.
    """
    head = head or store.head(store.raw_videos_bucket, key)
    etag = head["ETag"].strip('"')
    digest = hashlib.sha256(f"{store.raw_videos_bucket}/{key}".encode()).hexdigest()[:16]
    suffix = Path(key).suffix[:10]
    path = cache_root() / "videos" / digest / f"{etag}{suffix}"
    if path.exists() and path.stat().st_size == head["ContentLength"]:
        return path
    tmp = path.with_name(path.name + ".part")
    store.download(store.raw_videos_bucket, key, tmp)
    tmp.replace(path)
    return path
