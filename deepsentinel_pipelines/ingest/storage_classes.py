"""S3 storage classes that the ingest checks and the retention rules agree on (no Dagster)."""

#: Classes whose objects cannot be read without a restore (Glacier Flexible Retrieval and Deep
#: Archive). Glacier Instant Retrieval reads like STANDARD, so it is not one of them, and the
#: raw videos' lifecycle rule still moves such an object on to :data:`ARCHIVE_CLASS`.
ARCHIVE_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})
#: The class raw videos move to after ``RAW_VIDEO_ARCHIVE_DAYS`` (lifecycle rule and local job).
ARCHIVE_CLASS = "GLACIER"
