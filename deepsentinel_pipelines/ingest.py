"""Getting videos in: uploads, presigned URLs, listings, job messages and the S3 sensor cursor.

Plain functions over boto3 clients and dicts (no Dagster), used by the sensors and the CLI.
"""

from __future__ import annotations

import json
import mimetypes
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote_plus

from deepsentinel_pipelines.storage_classes import ARCHIVE_CLASSES

VIDEO_EXTENSIONS = frozenset(
    {".mp4", ".m4v", ".mov", ".mkv", ".avi", ".webm", ".mpg", ".mpeg", ".ts", ".mts", ".3gp"}
)
#: S3 keys are at most 1024 bytes.
MAX_KEY_BYTES = 1024
#: S3's limit for one PUT: below it an upload is single-part, its ETag the file's MD5.
SINGLE_PART_MAX_BYTES = 5 * 1024**3


#: The run key again, as a tag of ours: Dagster's own `dagster/run_key` deduplicates per sensor,
#: this one across both sensors and any other launcher that sets it (e.g. `deepsentinel process`).
RUN_KEY_TAG = "deepsentinel/run_key"
#: The ETag of the object version a run is for: every step reads exactly that version.
ETAG_TAG = "deepsentinel/etag"


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


# ---------------------------------------------------------------------------------------------
# The S3 sensor's cursor: a high-water mark of LastModified plus the objects seen just before it.


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


# ---------------------------------------------------------------------------------------------
# Job messages on the video-jobs queue.


class InvalidJobMessage(ValueError):
    """A message that is not a job this pipeline can run; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class JobRequest:
    """One object a message asks to analyse."""

    bucket: str
    key: str
    etag: str | None  # as stated by an S3 event; None in the seed's format
    source: str  # "seed" or "s3-event"
    video_id: str | None = None  # the seed's own id, kept as a tag
    body: str = ""  # an S3 event record alone, for the DLQ should only it fail


@dataclass(frozen=True)
class RejectedRecord:
    """One record of a message that cannot run: its own body for the DLQ, and why."""

    body: str
    reason: str


@dataclass(frozen=True)
class ParsedMessage:
    """The jobs of a message, the records rejected, or why it needs no run (an S3 test event)."""

    jobs: tuple[JobRequest, ...]
    ignored: str | None = None
    rejected: tuple[RejectedRecord, ...] = ()


def _split_s3_url(value: str, default_bucket: str) -> tuple[str, str]:
    if value.startswith("s3://"):
        bucket, _, key = value[len("s3://") :].partition("/")
        return bucket, key
    return default_bucket, value


def _checked(job: JobRequest, raw_bucket: str) -> JobRequest:
    if job.bucket != raw_bucket:
        raise InvalidJobMessage(
            f"bucket {job.bucket!r} is not the raw videos bucket {raw_bucket!r}"
        )
    reason = skip_reason(job.key)
    if reason is not None:
        raise InvalidJobMessage(f"s3://{job.bucket}/{job.key}: {reason}")
    return job


def _seed_job(data: dict[str, Any], raw_bucket: str) -> JobRequest:
    video_id, s3_key = data.get("video_id"), data.get("s3_key")
    if not isinstance(s3_key, str) or not s3_key:
        raise InvalidJobMessage("field 's3_key' is missing or not a non-empty string")
    if video_id is not None and not isinstance(video_id, str):
        raise InvalidJobMessage("field 'video_id' is not a string")
    bucket, key = _split_s3_url(s3_key, data.get("bucket") or raw_bucket)
    if not key:
        raise InvalidJobMessage(f"s3_key {s3_key!r} names no object")
    return _checked(JobRequest(bucket, key, None, "seed", video_id), raw_bucket)


def _s3_event_job(record: Any, raw_bucket: str) -> JobRequest | None:
    """The job of one S3 event record; None for a record that needs no run (not a creation)."""
    if not isinstance(record, dict) or record.get("eventSource") != "aws:s3":
        raise InvalidJobMessage("a record is not an S3 event (eventSource != 'aws:s3')")
    if not str(record.get("eventName", "")).startswith("ObjectCreated:"):
        return None
    try:
        bucket = record["s3"]["bucket"]["name"]
        obj = record["s3"]["object"]
        key = unquote_plus(obj["key"])  # S3 events URL-encode keys, spaces as '+'
    except (KeyError, TypeError) as err:
        raise InvalidJobMessage(f"S3 event record lacks {err}") from err
    job = JobRequest(bucket, key, obj.get("eTag"), "s3-event", body=record_body(record))
    return _checked(job, raw_bucket)


def record_body(record: Any) -> str:
    """A message body holding one S3 event record, as S3 itself would send it."""
    return json.dumps({"Records": [record]})


def _s3_event_jobs(records: Any, raw_bucket: str) -> ParsedMessage:
    """Jobs of the good records; each bad record is rejected alone, the others still run."""
    if not isinstance(records, list) or not records:
        raise InvalidJobMessage("'Records' is not a non-empty list")
    jobs, ignored, rejected = [], [], []
    for record in records:
        try:
            job = _s3_event_job(record, raw_bucket)
        except InvalidJobMessage as err:
            rejected.append(RejectedRecord(record_body(record), err.reason))
            continue
        if job is None:
            ignored.append(str(record.get("eventName")) or "unnamed event")
        else:
            jobs.append(job)
    if rejected and not jobs and not ignored:  # nothing good in it: the message goes whole
        raise InvalidJobMessage("; ".join(r.reason for r in rejected))
    note = None if jobs else f"no ObjectCreated record ({', '.join(ignored) or 'none valid'})"
    return ParsedMessage(tuple(jobs), note, tuple(rejected))


def parse_job_message(body: str, raw_bucket: str) -> ParsedMessage:
    """Parse the seed's ``{"video_id", "s3_key"}`` or an S3 event notification (SNS-wrapped too).

    Raises:
        InvalidJobMessage: the message is malformed or names something that is not a video in
            the raw videos bucket; it belongs in the dead-letter queue.
    """
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, TypeError) as err:
        raise InvalidJobMessage(f"body is not JSON: {err}") from err
    if isinstance(data, dict) and data.get("Type") == "Notification" and "Message" in data:
        return parse_job_message(data["Message"], raw_bucket)  # S3 -> SNS -> SQS
    if not isinstance(data, dict):
        raise InvalidJobMessage(f"body is a JSON {type(data).__name__}, not an object")
    if data.get("Event") == "s3:TestEvent":
        return ParsedMessage((), "S3 test event")
    if "Records" in data:
        return _s3_event_jobs(data["Records"], raw_bucket)
    if "s3_key" in data or "video_id" in data:
        return ParsedMessage((_seed_job(data, raw_bucket),))
    raise InvalidJobMessage("neither a job message {video_id, s3_key} nor an S3 event")


def seed_message(video_id: str, key: str) -> str:
    """Body of a job message in the seed's format."""
    return json.dumps({"video_id": video_id, "s3_key": key})


# ---------------------------------------------------------------------------------------------
# Uploads, presigned URLs and listings for backfills.


@dataclass(frozen=True)
class StoredVideo:
    """An object in the raw videos bucket."""

    bucket: str
    key: str
    etag: str
    size: int
    last_modified: datetime


def content_type(path: str) -> str:
    """MIME type from the file name (video/mp4, ...)."""
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def upload_file(
    s3: Any,
    path: Path,
    bucket: str,
    key: str,
    camera: str | None = None,
    single_part: bool = False,
) -> StoredVideo:
    """Upload a local file; ``camera`` goes into the object's metadata, where assets read it.

    ``single_part``: one PUT up to S3's limit, so the ETag is the file's MD5 (a caller can
    reserve the run key before the upload ends); otherwise large files go in parallel parts.
    """
    extra: dict[str, Any] = {"ContentType": content_type(str(path))}
    if camera:
        extra["Metadata"] = {"camera": camera}
    config = None
    if single_part:
        # Imported here: the caller's client has loaded boto3 already, and this module stays
        # light for the command line's parser.
        from boto3.s3.transfer import TransferConfig

        config = TransferConfig(multipart_threshold=SINGLE_PART_MAX_BYTES)
    s3.upload_file(str(path), bucket, key, ExtraArgs=extra, Config=config)
    head = s3.head_object(Bucket=bucket, Key=key)
    return StoredVideo(
        bucket, key, normalize_etag(head["ETag"]), int(head["ContentLength"]), head["LastModified"]
    )


@dataclass(frozen=True)
class PresignedUpload:
    """A URL to PUT a file to, and the headers the PUT must carry."""

    url: str
    headers: dict[str, str]
    expires_s: int


def presign_put(
    s3: Any, bucket: str, key: str, expires_s: int = 3600, camera: str | None = None
) -> PresignedUpload:
    """A presigned PUT URL for a browser or ``curl -T`` upload (signed headers included)."""
    params: dict[str, Any] = {"Bucket": bucket, "Key": key, "ContentType": content_type(key)}
    headers = {"Content-Type": params["ContentType"]}
    if camera:
        params["Metadata"] = {"camera": camera}
        headers["x-amz-meta-camera"] = camera
    url = s3.generate_presigned_url("put_object", Params=params, ExpiresIn=expires_s)
    return PresignedUpload(url, headers, expires_s)


def list_videos(
    s3: Any, bucket: str, prefix: str = "", since: datetime | None = None
) -> tuple[list[StoredVideo], list[tuple[str, str]]]:
    """Video objects under a prefix modified at or after ``since``, and the skipped keys."""
    videos: list[StoredVideo] = []
    skipped: list[tuple[str, str]] = []
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            if since is not None and obj["LastModified"] < since:
                continue
            reason = skip_reason(obj["Key"], obj.get("Size"), obj.get("StorageClass"))
            if reason is not None:
                skipped.append((obj["Key"], reason))
                continue
            videos.append(
                StoredVideo(
                    bucket,
                    obj["Key"],
                    normalize_etag(obj.get("ETag")),
                    int(obj.get("Size", 0)),
                    obj["LastModified"],
                )
            )
    videos.sort(key=lambda v: v.last_modified)
    return videos, skipped


def parse_since(text: str) -> datetime:
    """A ``--since`` value (``2024-05-01`` or an ISO time); naive values are UTC."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)
