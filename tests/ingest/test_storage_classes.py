"""Which S3 storage classes need a restore: the ingest checks and the retention rules agree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deepsentinel_pipelines.ingest.keys import skip_reason
from deepsentinel_pipelines.upkeep.retention import StoredObject, raw_videos_to_archive

NOW = datetime(2024, 6, 1, tzinfo=UTC)

# Per the S3 documentation: GetObject on GLACIER (Flexible Retrieval) and DEEP_ARCHIVE objects
# fails with InvalidObjectState until they are restored; every other class reads directly.
NEEDS_RESTORE = {
    "STANDARD": False,
    "STANDARD_IA": False,
    "ONEZONE_IA": False,
    "INTELLIGENT_TIERING": False,
    "REDUCED_REDUNDANCY": False,
    "GLACIER_IR": False,
    "GLACIER": True,
    "DEEP_ARCHIVE": True,
}


@pytest.mark.parametrize(("storage_class", "needs_restore"), NEEDS_RESTORE.items())
def test_ingest_skips_only_what_needs_a_restore(storage_class: str, needs_restore: bool) -> None:
    reason = skip_reason("cam1/old.mp4", 10, storage_class)
    assert (reason == f"archived ({storage_class}); restore it first") is needs_restore
    assert reason is None or needs_restore


@pytest.mark.parametrize(("storage_class", "needs_restore"), NEEDS_RESTORE.items())
def test_retention_archives_what_is_still_readable(storage_class: str, needs_restore: bool) -> None:
    # Like the lifecycle rule, which moves Glacier Instant Retrieval objects on to GLACIER too.
    old = StoredObject("cam1/old.mp4", 10, NOW - timedelta(days=31), storage_class)
    assert bool(raw_videos_to_archive([old], NOW)) is not needs_restore
