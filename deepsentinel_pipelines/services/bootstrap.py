"""Idempotent set-up of buckets (with lifecycle rules), queues (with redrive) and databases."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from botocore.exceptions import ClientError

from deepsentinel_pipelines.db.migrate import apply_migrations
from deepsentinel_pipelines.settings import Settings

RAW_VIDEO_ARCHIVE_DAYS = 30
THUMBNAIL_EXPIRY_DAYS = 90
DLQ_MAX_RECEIVES = 3
#: Seconds a received job message stays hidden before it can be received again.
JOB_VISIBILITY_TIMEOUT_S = 60


def lifecycle_rules(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Lifecycle rules per bucket: raw videos to an archive class, thumbnails expire."""
    return {
        settings.raw_videos_bucket: [
            {
                "ID": "archive-raw-videos",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "Transitions": [{"Days": RAW_VIDEO_ARCHIVE_DAYS, "StorageClass": "GLACIER"}],
            }
        ],
        settings.thumbnails_bucket: [
            {
                "ID": "expire-thumbnails",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "Expiration": {"Days": THUMBNAIL_EXPIRY_DAYS},
            }
        ],
    }


def ensure_buckets(s3: Any, settings: Settings) -> None:
    """Create the buckets that are missing and (re)apply their lifecycle rules."""
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for bucket in settings.buckets:
        if bucket not in existing:
            kwargs: dict[str, Any] = {"Bucket": bucket}
            if settings.region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": settings.region}
            try:
                s3.create_bucket(**kwargs)
            except ClientError as err:
                if err.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou",):
                    raise
    for bucket, rules in lifecycle_rules(settings).items():
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": rules}
        )


def ensure_queues(sqs: Any, settings: Settings) -> dict[str, str]:
    """Create the jobs queue and its dead-letter queue; return their URLs by name."""
    dlq_url = sqs.create_queue(QueueName=settings.dead_letter_queue)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": DLQ_MAX_RECEIVES})
    attributes = {
        "RedrivePolicy": redrive,
        "VisibilityTimeout": str(JOB_VISIBILITY_TIMEOUT_S),
    }
    jobs_url = sqs.create_queue(QueueName=settings.jobs_queue)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=jobs_url, Attributes=attributes)
    return {settings.jobs_queue: jobs_url, settings.dead_letter_queue: dlq_url}


def ensure_databases(admin_url: str, names: list[str]) -> None:
    """Create the databases that do not exist yet on an embedded server."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        existing = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
        for name in names:
            if name not in existing:
                conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]


def ensure_schema(database_url: str, embedding_dim: int) -> list[str]:
    """Apply pending migrations to the application database."""
    with psycopg.connect(database_url) as conn:
        return apply_migrations(conn, embedding_dim)
