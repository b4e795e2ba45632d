"""Pure ingest logic (keys, messages, the S3 cursor) and uploads/presigning on the emulator."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from deepsentinel_pipelines.ingest.cursor import ListingCursor, select_new_objects
from deepsentinel_pipelines.ingest.keys import run_key, skip_reason
from deepsentinel_pipelines.ingest.messages import (
    InvalidJobMessage,
    parse_job_message,
    seed_message,
)
from deepsentinel_pipelines.ingest.uploads import list_videos, parse_since, presign_put, upload_file

RAW = "raw-videos"
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "size", "storage_class", "reason"),
    [
        ("cam1/clip.mp4", 10, None, None),
        ("cam1/CLIP.MOV", 10, "STANDARD", None),
        ("cam1/", 0, None, "folder marker"),
        ("notes.txt", 10, None, "not a video file (.txt)"),
        ("README", 10, None, "not a video file (no extension)"),
        ("empty.mp4", 0, None, "empty object"),
        (" lead.mp4", 10, None, "key starts or ends with whitespace"),
        ("old.mp4", 10, "GLACIER", "archived (GLACIER); restore it first"),
    ],
)
def test_skip_reason(key: str, size: int, storage_class: str | None, reason: str | None) -> None:
    assert skip_reason(key, size, storage_class) == reason


def test_run_key_strips_etag_quotes() -> None:
    assert run_key(RAW, "a b/c.mp4", '"abc"') == "s3://raw-videos/a b/c.mp4@abc"


def _s3_event(key: str, bucket: str = RAW, name: str = "ObjectCreated:Put") -> str:
    record = {
        "eventSource": "aws:s3",
        "eventName": name,
        "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 5, "eTag": "e1"}},
    }
    return json.dumps({"Records": [record]})


@pytest.mark.parametrize(
    ("body", "bucket", "key", "source"),
    [
        (json.dumps({"video_id": "v1", "s3_key": "cam1/a.mp4"}), RAW, "cam1/a.mp4", "seed"),
        (json.dumps({"video_id": "v1", "s3_key": "s3://raw-videos/x.mp4"}), RAW, "x.mp4", "seed"),
        (_s3_event("cam+1/my+clip%282%29.mp4"), RAW, "cam 1/my clip(2).mp4", "s3-event"),
        (
            json.dumps({"Type": "Notification", "Message": _s3_event("sns/a.mkv")}),
            RAW,
            "sns/a.mkv",
            "s3-event",
        ),
    ],
)
def test_parse_job_message(body: str, bucket: str, key: str, source: str) -> None:
    parsed = parse_job_message(body, RAW)
    assert [(j.bucket, j.key, j.source) for j in parsed.jobs] == [(bucket, key, source)]


@pytest.mark.parametrize(
    ("body", "ignored"),
    [
        (json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"}), "S3 test event"),
        (_s3_event("a.mp4", name="ObjectRemoved:Delete"), "ObjectRemoved:Delete"),
    ],
)
def test_parse_job_message_without_jobs(body: str, ignored: str) -> None:
    parsed = parse_job_message(body, RAW)
    assert parsed.jobs == () and ignored in str(parsed.ignored)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json", "body is not JSON"),
        ("[1, 2]", "JSON list"),
        (json.dumps({"video_id": "v1"}), "'s3_key' is missing"),
        (json.dumps({"video_id": 3, "s3_key": "a.mp4"}), "'video_id' is not a string"),
        (json.dumps({"s3_key": "notes.txt"}), "not a video file"),
        (json.dumps({"s3_key": "s3://other-bucket/a.mp4"}), "is not the raw videos bucket"),
        (json.dumps({"hello": "world"}), "neither a job message"),
        (_s3_event("a.mp4", bucket="elsewhere"), "is not the raw videos bucket"),
        (json.dumps({"Records": []}), "non-empty list"),
        (json.dumps({"Records": [{"eventSource": "aws:sqs"}]}), "not an S3 event"),
        (
            json.dumps({"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put"}]}),
            "lacks",
        ),
        (json.dumps({"s3_key": "a.mp4", "recorded_at": "noon"}), "'recorded_at': 'noon' is not"),
        (json.dumps({"s3_key": "a.mp4", "recorded_at": 1764597600}), "'recorded_at' is not a"),
        (json.dumps({"s3_key": "a.mp4", "recorded_at": "1970-01-01T00:00:00Z"}), "before 1990"),
    ],
)
def test_parse_job_message_rejects(body: str, reason: str) -> None:
    with pytest.raises(InvalidJobMessage) as err:
        parse_job_message(body, RAW)
    assert reason in err.value.reason


def test_a_job_message_carries_its_recording_time_as_sent() -> None:
    body = seed_message("v1", "cam/a.mp4", recorded_at="2026-12-01T14:00:00")
    (job,) = parse_job_message(body, RAW).jobs
    assert job.recorded_at == "2026-12-01T14:00:00"  # naive: read later in the camera's zone
    assert json.loads(seed_message("v1", "cam/a.mp4")) == {"video_id": "v1", "s3_key": "cam/a.mp4"}


def _obj(key: str, seconds: int, etag: str = "e", size: int = 10) -> dict:
    return {
        "Key": key,
        "ETag": f'"{etag}"',
        "Size": size,
        "LastModified": T0 + timedelta(seconds=seconds),
    }


def test_select_new_objects_cap_and_cursor_round_trip() -> None:
    listing = [_obj("c.mp4", 3), _obj("a.mp4", 1), _obj("notes.txt", 2), _obj("b.mp4", 2)]
    first = select_new_objects(listing, None, max_new=2, lookback_s=60)
    assert [o["Key"] for o in first.new] == ["a.mp4", "b.mp4"]
    assert first.skipped == [("notes.txt", "not a video file (.txt)")]
    assert first.deferred == 1
    cursor = ListingCursor.loads(first.cursor.dumps())
    assert cursor is not None and cursor.high_water == (T0 + timedelta(seconds=2)).timestamp()
    second = select_new_objects(listing, cursor, max_new=2, lookback_s=60)
    assert [o["Key"] for o in second.new] == ["c.mp4"] and second.skipped == []
    third = select_new_objects(listing, second.cursor, max_new=2, lookback_s=60)
    assert third.new == [] and third.deferred == 0


def test_select_new_objects_reupload_with_new_content_is_new() -> None:
    first = select_new_objects([_obj("a.mp4", 1, "v1")], None, 5, 60)
    same = select_new_objects([_obj("a.mp4", 2, "v1")], first.cursor, 5, 60)
    changed = select_new_objects([_obj("a.mp4", 3, "v2")], first.cursor, 5, 60)
    assert same.new == [] and [o["ETag"] for o in changed.new] == ['"v2"']


def test_cursor_forgets_objects_outside_the_lookback() -> None:
    sel = select_new_objects([_obj("a.mp4", 0), _obj("b.mp4", 500)], None, 5, lookback_s=60)
    assert set(sel.cursor.recent) == {"b.mp4"}
    assert sel.cursor.since(60) == T0 + timedelta(seconds=440)


def test_legacy_cursor_is_a_key() -> None:
    cursor = ListingCursor.loads("cam1/old.mp4")
    assert cursor is not None and cursor.legacy_key == "cam1/old.mp4"
    assert ListingCursor.loads(None) is None


def test_parse_since() -> None:
    assert parse_since("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_since("2024-05-01T10:00:00+02:00").utcoffset() == timedelta(hours=2)


def test_upload_list_and_presigned_put(s3, buckets: dict[str, str], tmp_path: Path) -> None:
    bucket = buckets["raw_videos"]
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"not really a video, but a video name")
    stored = upload_file(s3, clip, bucket, "cam1/clip.mp4", camera="lobby")
    head = s3.head_object(Bucket=bucket, Key="cam1/clip.mp4")
    assert head["Metadata"] == {"camera": "lobby"} and stored.size == clip.stat().st_size

    upload = presign_put(s3, bucket, "browser/put.mp4", expires_s=300, camera="gate")
    response = requests.put(upload.url, data=b"browser bytes", headers=upload.headers, timeout=10)
    assert response.status_code == 200, response.text
    assert s3.get_object(Bucket=bucket, Key="browser/put.mp4")["Body"].read() == b"browser bytes"

    s3.put_object(Bucket=bucket, Key="cam1/notes.txt", Body=b"x")
    videos, skipped = list_videos(s3, bucket, prefix="cam1/")
    assert [v.key for v in videos] == ["cam1/clip.mp4"]
    assert skipped == [("cam1/notes.txt", "not a video file (.txt)")]
    assert list_videos(s3, bucket, since=datetime.now(UTC) + timedelta(days=1))[0] == []
