"""Which objects are videos we analyse, and the run key and tags of one object version."""

from __future__ import annotations

from pathlib import PurePosixPath

from deepsentinel_pipelines.ingest.storage_classes import ARCHIVE_CLASSES

VIDEO_EXTENSIONS = frozenset(
    {".mp4", ".m4v", ".mov", ".mkv", ".avi", ".webm", ".mpg", ".mpeg", ".ts", ".mts", ".3gp"}
)
#: S3 keys are at most 1024 bytes.
MAX_KEY_BYTES = 1024


#: The run key again, as a tag of ours: Dagster's own `dagster/run_key` deduplicates per sensor,
#: this one across both sensors and any other launcher that sets it (e.g. `deepsentinel process`).
RUN_KEY_TAG = "deepsentinel/run_key"
#: The ETag of the object version a run is for: every step reads exactly that version.
ETAG_TAG = "deepsentinel/etag"
#: The job message's ``recorded_at``, as sent: the most trusted source of the recording time.
RECORDED_AT_TAG = "deepsentinel/recorded_at"
#: The camera a job message named (validated), which wins over the object's metadata.
CAMERA_TAG = "deepsentinel/camera"


def normalize_etag(etag: str | None) -> str:
    """An ETag without the quotes S3 wraps it in."""
    return (etag or "").strip().strip('"')


def run_key(bucket: str, key: str, etag: str | None) -> str:
    """Run key of one version of one object: the same content never runs twice, new content does."""
    return f"s3://{bucket}/{key}@{normalize_etag(etag)}"


def skip_reason(key: str, size: int | None = None, storage_class: str | None = None) -> str | None:
    """Why an object is not a video to analyse, or None when it is one."""
    if key.endswith("/"):
        return "folder marker"
    if key.strip() != key:
        return "key starts or ends with whitespace"
    if len(key.encode()) > MAX_KEY_BYTES:
        return "key longer than 1024 bytes"
    suffix = PurePosixPath(key).suffix.lower()
    if suffix not in VIDEO_EXTENSIONS:
        return f"not a video file ({suffix or 'no extension'})"
    if size is not None and size <= 0:
        return "empty object"
    if storage_class in ARCHIVE_CLASSES:
        return f"archived ({storage_class}); restore it first"
    return None
