"""S3 object store resource (the local emulator or AWS, by endpoint)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.ingest.uploads import (
    PresignedUpload,
    StoredVideo,
    list_videos,
    presign_put,
    upload_file,
)


class ObjectStoreResource(ConfigurableResource):
    """Buckets for raw videos, thumbnails, highlight frames and model weights."""

    endpoint_url: str | None = None
    region: str = "us-east-1"
    raw_videos_bucket: str = "raw-videos"
    thumbnails_bucket: str = "thumbnails"
    highlights_bucket: str = "highlights"
    models_bucket: str = "analysis-models"

    _client: Any = PrivateAttr(default=None)

    def client(self) -> Any:
        """The boto3 S3 client, made once (boto3 clients are thread-safe)."""
        if self._client is None:
            self._client = make_client("s3", self.endpoint_url, self.region)
        return self._client

    def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str) -> None:
        """Write an object (overwrites: keys derive from the partition, so re-runs replace)."""
        self.client().put_object(Bucket=bucket, Key=key, Body=data, ContentType=content_type)

    def get_bytes(self, bucket: str, key: str) -> bytes:
        """Read a whole object."""
        return self.client().get_object(Bucket=bucket, Key=key)["Body"].read()

    def download(self, bucket: str, key: str, path: Path, if_match: str | None = None) -> Path:
        """Download an object to a local file; ``if_match``: only that version (ETag)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        if if_match is None:
            self.client().download_file(bucket, key, str(path))
            return path
        # download_file takes no IfMatch: one conditional GET, streamed to the file.
        body = self.client().get_object(Bucket=bucket, Key=key, IfMatch=f'"{if_match}"')["Body"]
        with path.open("wb") as out:
            for chunk in body.iter_chunks(1 << 20):
                out.write(chunk)
        return path

    def upload(
        self,
        path: Path,
        bucket: str,
        key: str,
        camera: str | None = None,
        single_part: bool = False,
        recorded_at: str | None = None,
    ) -> StoredVideo:
        """Upload a local file with its content type, camera and recording time (metadata).

        ``camera`` and ``recorded_at`` become the ``camera`` and ``recorded-at`` metadata;
        ``single_part``: one PUT (up to 5 GiB), so the ETag is the file's MD5.
        """
        return upload_file(self.client(), path, bucket, key, camera, single_part, recorded_at)

    def list_videos(
        self, bucket: str, prefix: str = "", since: datetime | None = None
    ) -> tuple[list[StoredVideo], list[tuple[str, str]]]:
        """Video objects under a prefix modified since ``since``, and the skipped keys."""
        return list_videos(self.client(), bucket, prefix, since)

    def head(self, bucket: str, key: str) -> dict[str, Any]:
        """Object metadata (size, ETag); raises botocore ClientError when missing."""
        return self.client().head_object(Bucket=bucket, Key=key)

    def list_objects(self, bucket: str, prefix: str = "") -> Iterator[dict[str, Any]]:
        """Every object under a prefix, as listed by S3."""
        paginator = self.client().get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    def delete_keys(self, bucket: str, keys: list[str]) -> None:
        """Delete the named objects (in batches of 1000, as S3 allows)."""
        client = self.client()
        for start in range(0, len(keys), 1000):
            batch = [{"Key": key} for key in keys[start : start + 1000]]
            client.delete_objects(Bucket=bucket, Delete={"Objects": batch})

    def tags(self, bucket: str, key: str) -> dict[str, str]:
        """The object's tags, by name."""
        tag_set = self.client().get_object_tagging(Bucket=bucket, Key=key).get("TagSet", [])
        return {t["Key"]: t["Value"] for t in tag_set}

    def set_tag(self, bucket: str, key: str, name: str, value: str) -> None:
        """Add or replace one tag, keeping the object's other tags."""
        tag_set = [
            {"Key": k, "Value": v} for k, v in (self.tags(bucket, key) | {name: value}).items()
        ]
        self.client().put_object_tagging(Bucket=bucket, Key=key, Tagging={"TagSet": tag_set})

    def set_storage_class(self, bucket: str, key: str, storage_class: str) -> None:
        """Move an object to another storage class (a copy onto itself, metadata kept)."""
        self.client().copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": key},
            StorageClass=storage_class,
            MetadataDirective="COPY",
        )

    def presigned_get(self, bucket: str, key: str, expires_s: int = 3600) -> str:
        """A time-limited download URL."""
        return self.client().generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_s
        )

    def object_url(self, bucket: str, key: str) -> str:
        """A lasting link to an object: the AWS console's page, or the endpoint's path-style URL."""
        if self.endpoint_url:
            return f"{self.endpoint_url.rstrip('/')}/{bucket}/{quote(key)}"
        return (
            f"https://{self.region}.console.aws.amazon.com/s3/object/{bucket}"
            f"?region={self.region}&prefix={quote(key, safe='')}"
        )

    def presigned_put(
        self,
        bucket: str,
        key: str,
        expires_s: int = 3600,
        camera: str | None = None,
        recorded_at: str | None = None,
    ) -> PresignedUpload:
        """A time-limited upload URL (HTTP PUT of the file's bytes) and the headers it signs."""
        return presign_put(self.client(), bucket, key, expires_s, camera, recorded_at)
