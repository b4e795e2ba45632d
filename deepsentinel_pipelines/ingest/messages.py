"""Job messages on the video-jobs queue."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus
from zoneinfo import ZoneInfo

from deepsentinel_pipelines.ingest.cameras import camera_name_problem
from deepsentinel_pipelines.ingest.keys import skip_reason
from deepsentinel_pipelines.ingest.recorded_at import MESSAGE_FIELD, parse_time

#: Checking a message's time needs a zone for naive times; which one does not matter.
_CHECK_ZONE = ZoneInfo("UTC")


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
    recorded_at: str | None = None  # ISO 8601 as sent; without an offset, in the camera's zone
    camera: str | None = None  # the seed's camera, when it names one (else the object's)


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
    camera = data.get("camera")
    if camera is not None and (problem := camera_name_problem(camera)) is not None:
        raise InvalidJobMessage(f"field 'camera': {problem}")
    bucket, key = _split_s3_url(s3_key, data.get("bucket") or raw_bucket)
    if not key:
        raise InvalidJobMessage(f"s3_key {s3_key!r} names no object")
    recorded_at = data.get(MESSAGE_FIELD)
    if recorded_at is not None:
        if not isinstance(recorded_at, str):
            raise InvalidJobMessage(f"field {MESSAGE_FIELD!r} is not a string")
        try:
            parse_time(recorded_at, _CHECK_ZONE)
        except ValueError as err:
            raise InvalidJobMessage(f"field {MESSAGE_FIELD!r}: {err}") from None
    job = JobRequest(bucket, key, None, "seed", video_id, camera=camera, recorded_at=recorded_at)
    return _checked(job, raw_bucket)


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


def seed_message(
    video_id: str, key: str, camera: str | None = None, recorded_at: str | None = None
) -> str:
    """Body of a job message in the seed's format (``camera``, ``recorded_at``: when given)."""
    body = {"video_id": video_id, "s3_key": key}
    if camera:
        body["camera"] = camera
    if recorded_at is not None:
        body[MESSAGE_FIELD] = recorded_at
    return json.dumps(body)
