"""`apply_retention`: the lifecycle rules, where S3 doesn't.

Thumbnails older than 90 days are deleted (and unset on their ``videos`` row); raw videos past
30 days are marked with an object tag (or, with ``raw_video_action: archive``, copied in place
to the archive class; with ``delete``, deleted and their ``videos`` partitions removed). Against
real S3 the buckets' lifecycle rules do this, and the op only reports what is due unless
``force`` is set.
"""

from datetime import UTC, datetime
from typing import Any, Literal

from dagster import Config, MetadataValue, OpExecutionContext, Out, Output, op

from deepsentinel_pipelines.db.video_rows import clear_thumbnail_keys
from deepsentinel_pipelines.ingest.storage_classes import ARCHIVE_CLASS
from deepsentinel_pipelines.partitions import video_id_from_key, videos
from deepsentinel_pipelines.resources import RESULT_IO_MANAGER
from deepsentinel_pipelines.resources.database import PostgresResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.upkeep.retention import (
    ARCHIVE_TAG,
    RAW_VIDEO_ARCHIVE_DAYS,
    THUMBNAIL_EXPIRY_DAYS,
    StoredObject,
    enforce_locally,
    raw_videos_to_archive,
    tally,
    thumbnails_to_delete,
)


class RetentionConfig(Config):
    """Ages, what to do with old raw videos, and limits for trying it out."""

    thumbnail_days: int = THUMBNAIL_EXPIRY_DAYS
    raw_video_days: int = RAW_VIDEO_ARCHIVE_DAYS
    raw_video_action: Literal["mark", "archive", "delete"] = "mark"
    thumbnails_prefix: str = ""
    raw_videos_prefix: str = ""
    as_of: str | None = None  # ISO time to evaluate at; default now
    dry_run: bool = False
    force: bool = False  # act even against real S3, whose lifecycle rules already do this


def _listing(object_store: ObjectStoreResource, bucket: str, prefix: str) -> list[StoredObject]:
    return [StoredObject.from_listing(o) for o in object_store.list_objects(bucket, prefix)]


def _marked(object_store: ObjectStoreResource, bucket: str, keys: list[str]) -> set[str]:
    name, value = ARCHIVE_TAG
    return {key for key in keys if object_store.tags(bucket, key).get(name) == value}


def _remove_partitions(context: OpExecutionContext, keys: list[str]) -> int:
    """Drop the partitions of deleted videos, so the UI offers no run of a missing file."""
    removed = 0
    for video_id in {video_id_from_key(k) for k in keys}:
        if context.instance.has_dynamic_partition(videos.name, video_id):
            context.instance.delete_dynamic_partition(videos.name, video_id)
            removed += 1
    return removed


@op(
    description="Delete old thumbnails and archive, mark or delete old raw videos; report bytes.",
    out=Out(dict, io_manager_key=RESULT_IO_MANAGER),
)
def apply_retention(
    context: OpExecutionContext,
    config: RetentionConfig,
    object_store: ObjectStoreResource,
    database: PostgresResource,
) -> Output[dict[str, Any]]:
    """Apply the rules at ``as_of`` (default now) and report objects and bytes affected."""
    now = datetime.fromisoformat(config.as_of) if config.as_of else datetime.now(UTC)
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    act = enforce_locally(object_store.endpoint_url, config.force) and not config.dry_run
    thumbs_bucket, raw_bucket = object_store.thumbnails_bucket, object_store.raw_videos_bucket

    old_thumbs = thumbnails_to_delete(
        _listing(object_store, thumbs_bucket, config.thumbnails_prefix), now, config.thumbnail_days
    )
    raw_listing = _listing(object_store, raw_bucket, config.raw_videos_prefix)
    candidates = raw_videos_to_archive(raw_listing, now, config.raw_video_days)
    marked = _marked(object_store, raw_bucket, [o.key for o in candidates])
    old_raw = (
        candidates
        if config.raw_video_action == "delete"
        else raw_videos_to_archive(candidates, now, config.raw_video_days, marked)
    )
    partitions_removed = 0

    if act:
        keys = [o.key for o in old_thumbs]
        object_store.delete_keys(thumbs_bucket, keys)
        if keys:
            with database.connection() as conn:
                clear_thumbnail_keys(conn, keys)
        if config.raw_video_action == "delete":
            object_store.delete_keys(raw_bucket, [o.key for o in old_raw])
            partitions_removed = _remove_partitions(context, [o.key for o in old_raw])
        elif config.raw_video_action == "archive":
            for obj in old_raw:
                object_store.set_storage_class(raw_bucket, obj.key, ARCHIVE_CLASS)
        else:
            for obj in old_raw:
                object_store.set_tag(raw_bucket, obj.key, *ARCHIVE_TAG)

    deleted, archived = tally(old_thumbs), tally(old_raw)
    done = {"mark": "marked", "archive": "archived", "delete": "deleted"}[config.raw_video_action]
    verb = "" if act else "due (not applied) "
    context.log.info(
        f"retention at {now.isoformat()}: {verb}thumbnails deleted {deleted.objects} "
        f"({deleted.bytes} bytes); {verb}raw videos {done} "
        f"{archived.objects} ({archived.bytes} bytes); {len(marked)} already marked"
    )
    report: dict[str, Any] = {
        "applied": act,
        "as_of": now.isoformat(),
        "thumbnails_deleted": deleted.objects,
        "thumbnail_bytes_deleted": deleted.bytes,
        f"raw_videos_{done}": archived.objects,
        f"raw_video_bytes_{done}": archived.bytes,
        "raw_videos_already_marked": len(marked),
        "partitions_removed": partitions_removed,
    }
    keys = {
        "thumbnail_keys": MetadataValue.json([o.key for o in old_thumbs][:100]),
        "raw_video_keys": MetadataValue.json([o.key for o in old_raw][:100]),
    }
    return Output(report, metadata=report | keys)
