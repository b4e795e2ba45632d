"""Every step reads the object version its run was started for; an overwrite fails the run."""

from __future__ import annotations

import psycopg
import pytest

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.ingest.keys import normalize_etag, run_key
from deepsentinel_pipelines.ingest.video_cache import ObjectChangedError, local_video
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.runs.runner import run_video_analysis, upload_video
from deepsentinel_pipelines.settings import Settings
from tests.media import no_frames, tiny_single_frame


def test_local_copy_of_a_pinned_version_refuses_another(settings: Settings, unique_id) -> None:
    store = ObjectStoreResource(
        endpoint_url=settings.aws_endpoint_url, raw_videos_bucket=settings.raw_videos_bucket
    )
    key = f"tests/{unique_id}/pinned.mp4"
    store.put_bytes(settings.raw_videos_bucket, key, b"first version", "video/mp4")
    first = normalize_etag(store.head(settings.raw_videos_bucket, key)["ETag"])
    assert local_video(store, key, etag=first).read_bytes() == b"first version"
    store.put_bytes(settings.raw_videos_bucket, key, b"second version", "video/mp4")
    with pytest.raises(ObjectChangedError, match="changed since this run was started"):
        local_video(store, key, etag=first)


def test_run_of_an_overwritten_version_fails_and_the_new_version_is_another_run(
    settings: Settings, tmp_path, unique_id
) -> None:
    key = f"tests/{unique_id}/overwritten.mp4"
    video_id, old = upload_video(tiny_single_frame(tmp_path / "a.mp4"), key, "default")
    _, new = upload_video(no_frames(tmp_path / "b.mp4"), key, "default")
    assert new != old  # the new version's run key: the sensors start a run of its own for it
    _, ok, error, _ = run_video_analysis(video_id, lambda line: None, old)
    assert not ok and "changed since this run was started" in error, error
    with psycopg.connect(settings.database_url) as conn:
        assert conn.execute(
            "SELECT count(*) FROM videos WHERE video_id = %s", (video_id,)
        ).fetchone() == (0,)
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    head = s3.head_object(Bucket=settings.raw_videos_bucket, Key=key)
    assert run_key(settings.raw_videos_bucket, key, head["ETag"]) == new
