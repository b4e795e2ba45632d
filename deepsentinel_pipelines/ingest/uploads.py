"""Uploads, presigned URLs and listings for backfills."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from deepsentinel_pipelines.ingest.keys import normalize_etag, skip_reason
from deepsentinel_pipelines.ingest.recorded_at import METADATA_KEY

#: S3's limit for one PUT: below it an upload is single-part, its ETag the file's MD5.
SINGLE_PART_MAX_BYTES = 5 * 1024**3


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
    recorded_at: str | None = None,
) -> StoredVideo:
    """Upload a local file; ``camera`` and ``recorded_at`` go into the object's metadata.

    The assets read them there (``camera``, ``recorded-at``). ``single_part``: one PUT up to
    S3's limit, so the ETag is the file's MD5 (a caller can reserve the run key before the
    upload ends); otherwise large files go in parallel parts.
    """
    extra: dict[str, Any] = {"ContentType": content_type(str(path))}
    metadata = object_metadata(camera, recorded_at)
    if metadata:
        extra["Metadata"] = metadata
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


def object_metadata(camera: str | None, recorded_at: str | None) -> dict[str, str]:
    """The S3 metadata of an upload: its camera and when it was recorded (those given)."""
    metadata = {"camera": camera, METADATA_KEY: recorded_at}
    return {name: value for name, value in metadata.items() if value}


@dataclass(frozen=True)
class PresignedUpload:
    """A URL to PUT a file to, and the headers the PUT must carry."""

    url: str
    headers: dict[str, str]
    expires_s: int


def presign_put(
    s3: Any,
    bucket: str,
    key: str,
    expires_s: int = 3600,
    camera: str | None = None,
    recorded_at: str | None = None,
) -> PresignedUpload:
    """A presigned PUT URL for a browser or ``curl -T`` upload (signed headers included)."""
    params: dict[str, Any] = {"Bucket": bucket, "Key": key, "ContentType": content_type(key)}
    headers = {"Content-Type": params["ContentType"]}
    metadata = object_metadata(camera, recorded_at)
    if metadata:
        params["Metadata"] = metadata
        headers.update({f"x-amz-meta-{name}": value for name, value in metadata.items()})
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
