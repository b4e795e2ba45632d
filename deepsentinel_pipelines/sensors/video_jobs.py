"""`video_jobs_sqs_sensor`: job messages on `video-jobs` become runs; bad ones go to the DLQ.

A message is deleted only once its run request is recorded. Dagster records a tick's run
requests after the sensor returns, so a tick keeps the messages it turned into requests in its
cursor (their visibility extended) and deletes them on the next tick, once the runs exist. A
tick that never got recorded leaves its messages in the queue: they come back after the
visibility timeout, and after 3 receives SQS's redrive policy moves them to the DLQ.
"""

import json

from botocore.exceptions import ClientError
from dagster import (
    DefaultSensorStatus,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    sensor,
)

from deepsentinel_pipelines.ingest.cameras import InvalidCameraName, metadata_camera
from deepsentinel_pipelines.ingest.keys import (
    CAMERA_TAG,
    RECORDED_AT_TAG,
    normalize_etag,
    run_key,
)
from deepsentinel_pipelines.ingest.messages import (
    InvalidJobMessage,
    JobRequest,
    ParsedMessage,
    RejectedRecord,
    parse_job_message,
)
from deepsentinel_pipelines.ingest.run_history import existing_run_keys, version_history
from deepsentinel_pipelines.jobs import video_analysis_job
from deepsentinel_pipelines.resources.job_queue import JobQueueResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.sensors.raw_videos import (
    video_run_request,
    video_sensor_result,
)
from deepsentinel_pipelines.settings import SensorLimits, Settings
from deepsentinel_pipelines.text.redaction import redact

MISSING_CODES = {"404", "NoSuchKey", "NotFound"}


def pending_visibility_s(interval_s: int) -> int:
    """How long a message waits hidden for the next tick to delete it."""
    return max(120, 4 * interval_s)


def _delete(
    context: SensorEvaluationContext, job_queue: JobQueueResource, receipt: str, what: str
) -> bool:
    try:
        job_queue.delete(receipt)
        return True
    except ClientError as err:
        # Received again since (a newer receipt handle exists): a later tick settles it.
        context.log.warning(f"could not delete {what}: {redact(err)}")
        return False


def _dead_letter(
    context: SensorEvaluationContext, job_queue: JobQueueResource, message: dict, reason: str
) -> None:
    job_queue.move_to_dead_letter(message, reason)
    context.log.warning(
        f"message {message['MessageId']} moved to {job_queue.dead_letter_queue_name}: {reason} "
        f"(body: {message['Body'][:300]!r})"
    )


def _settle_pending(
    context: SensorEvaluationContext, job_queue: JobQueueResource, pending: list[dict]
) -> int:
    """Delete last tick's messages whose runs now exist; return how many were deleted."""
    recorded = existing_run_keys(context.instance, [k for p in pending for k in p["run_keys"]])
    deleted = 0
    for item in pending:
        if all(k in recorded for k in item["run_keys"]):
            deleted += _delete(context, job_queue, item["receipt"], f"message {item['id']}")
        else:
            context.log.warning(
                f"the run of message {item['id']} was not recorded; the message stays in the "
                "queue and is received again after its visibility timeout"
            )
    return deleted


def _resolve(object_store: ObjectStoreResource, job: JobRequest) -> tuple[str, str]:
    """(run key, current ETag) of the object a job names; raises InvalidJobMessage when missing."""
    try:
        head = object_store.head(job.bucket, job.key)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in MISSING_CODES:
            raise InvalidJobMessage(f"object s3://{job.bucket}/{job.key} does not exist") from err
        raise
    if job.camera is None:
        try:
            metadata_camera(head)
        except InvalidCameraName as err:
            raise InvalidJobMessage(f"s3://{job.bucket}/{job.key}: {err.reason}") from err
    etag = normalize_etag(head.get("ETag"))
    return run_key(job.bucket, job.key, etag), etag


def _resolve_all(
    object_store: ObjectStoreResource, parsed: ParsedMessage
) -> tuple[list[tuple[JobRequest, str, str]], list[RejectedRecord]]:
    """(job, run key, ETag) of each job whose object exists; the missing ones rejected."""
    resolved, rejected = [], list(parsed.rejected)
    for job in parsed.jobs:
        try:
            resolved.append((job, *_resolve(object_store, job)))
        except InvalidJobMessage as err:
            rejected.append(RejectedRecord(job.body, err.reason))
    return resolved, rejected


def build_video_jobs_sqs_sensor(settings: Settings) -> SensorDefinition:
    """`video_jobs_sqs_sensor`, with the interval and cap of the settings."""
    limits = settings.sensors

    @sensor(
        name="video_jobs_sqs_sensor",
        job=video_analysis_job,
        minimum_interval_seconds=limits.interval_s,
        default_status=DefaultSensorStatus.RUNNING,
        description=(
            "Job messages on the video jobs queue: a run per object; bad messages to the DLQ."
        ),
    )
    def video_jobs_sqs_sensor(
        context: SensorEvaluationContext,
        job_queue: JobQueueResource,
        object_store: ObjectStoreResource,
    ) -> SensorResult:
        """Receive, validate, deduplicate; delete once the run is recorded (next tick)."""
        return video_jobs_tick(context, job_queue, object_store, limits)

    return video_jobs_sqs_sensor


def video_jobs_tick(
    context: SensorEvaluationContext,
    job_queue: JobQueueResource,
    object_store: ObjectStoreResource,
    limits: SensorLimits,
) -> SensorResult:
    """One tick of `video_jobs_sqs_sensor`."""
    state = json.loads(context.cursor) if context.cursor else {}
    deleted = _settle_pending(context, job_queue, state.get("pending", []))

    messages = job_queue.receive_up_to(limits.max_per_tick)
    wanted: dict[str, tuple[JobRequest, str, str]] = {}  # run key -> (job, etag, message id)
    holding: list[tuple[dict, list[str]]] = []
    dead = ignored = 0
    for message in messages:
        try:
            parsed = parse_job_message(message["Body"], object_store.raw_videos_bucket)
            resolved, rejected = _resolve_all(object_store, parsed)
        except InvalidJobMessage as err:
            _dead_letter(context, job_queue, message, err.reason)
            dead += 1
            continue
        except ClientError as err:
            context.log.warning(
                f"message {message['MessageId']} left in the queue, S3 did not answer: "
                f"{redact(err)}"
            )
            continue
        if rejected and not resolved and not parsed.ignored:
            _dead_letter(context, job_queue, message, "; ".join(r.reason for r in rejected))
            dead += 1
            continue
        for record in rejected:
            # Only the bad records of a mixed message go to the DLQ; the good ones still run.
            job_queue.dead_letter(record.body, record.reason)
            context.log.warning(
                f"a record of message {message['MessageId']} moved to "
                f"{job_queue.dead_letter_queue_name}: {record.reason}"
            )
            dead += 1
        if not resolved:
            context.log.info(f"message {message['MessageId']} needs no run: {parsed.ignored}")
            ignored += _delete(context, job_queue, message["ReceiptHandle"], "ignored message")
            continue
        for job, key, etag in resolved:
            wanted.setdefault(key, (job, etag, message["MessageId"]))
        holding.append((message, [key for _, key, _ in resolved]))

    # A version whose runs all failed or were canceled runs again; a live or done one does not.
    history = version_history(context.instance, wanted)
    already = {key for key, past in history.items() if past.live}
    requests = [
        video_run_request(
            job.bucket,
            job.key,
            etag,
            "sqs",
            {"deepsentinel/message_id": message_id}
            | ({"deepsentinel/seed_video_id": job.video_id} if job.video_id else {})
            | ({CAMERA_TAG: job.camera} if job.camera else {})
            | ({RECORDED_AT_TAG: job.recorded_at} if job.recorded_at else {}),
            attempt=history[key].failed if key in history else 0,
        )
        for key, (job, etag, message_id) in wanted.items()
        if key not in already
    ]
    pending = []
    for message, keys in holding:
        if all(k in already for k in keys):
            context.log.info(f"message {message['MessageId']} is a duplicate of an existing run")
            deleted += _delete(context, job_queue, message["ReceiptHandle"], "duplicate message")
            continue
        pending.append(
            {"id": message["MessageId"], "receipt": message["ReceiptHandle"], "run_keys": keys}
        )
    # Hidden until the next tick deletes them.
    job_queue.extend_visibility(
        [p["receipt"] for p in pending], pending_visibility_s(limits.interval_s)
    )
    duplicates = sum(len(keys) for _, keys in holding) - len(requests)
    if messages or deleted:
        context.log.info(
            f"video_jobs_sqs_sensor: received {len(messages)}, requested {len(requests)} run(s), "
            f"{dead} to the DLQ, {ignored} ignored, {duplicates} duplicate(s), deleted {deleted} "
            f"settled message(s), {len(pending)} waiting for their runs to be recorded"
        )
    return video_sensor_result(
        requests,
        json.dumps({"pending": pending}),
        f"no new jobs ({len(messages)} message(s) received)",
    )
