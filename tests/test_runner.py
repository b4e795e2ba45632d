"""The runner's upload (`deepsentinel process`): through the object store, with the file's type."""

from __future__ import annotations

from dagster import DagsterInstance

from deepsentinel_pipelines.aws_clients import make_client
from deepsentinel_pipelines.run_history import version_history
from deepsentinel_pipelines.runner import upload_video
from deepsentinel_pipelines.settings import Settings

#: md5sum of b"not really a movie": a single-part upload's ETag.
MOVIE_MD5 = "39439908f712db43b73e0c62f025e5b8"


def test_upload_keeps_the_file_type_and_reserves_the_md5_version(
    settings: Settings, tmp_path, unique_id
) -> None:
    movie = tmp_path / "door.mov"
    movie.write_bytes(b"not really a movie")
    key = f"tests/{unique_id}/door.mov"
    video_id, version = upload_video(movie, key, "door")
    assert video_id == key
    assert version == f"s3://{settings.raw_videos_bucket}/{key}@{MOVIE_MD5}"
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    head = s3.head_object(Bucket=settings.raw_videos_bucket, Key=key)
    assert head["ContentType"] == "video/quicktime" and head["Metadata"] == {"camera": "door"}
    assert version_history(DagsterInstance.get(), [version])[version].live  # no sensor run
