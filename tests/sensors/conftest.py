"""Fixtures of the sensor tests: a Dagster instance, and buckets and queues of their own."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from dagster import DagsterInstance, instance_for_test

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.local_stack.bootstrap import ensure_queues
from deepsentinel_pipelines.resources.job_queue import JobQueueResource
from deepsentinel_pipelines.resources.object_store import ObjectStoreResource
from deepsentinel_pipelines.settings import Settings


@pytest.fixture()
def instance() -> Iterator[DagsterInstance]:
    """A temporary (SQLite) Dagster instance."""
    with instance_for_test() as inst:
        yield inst


@pytest.fixture()
def s3(settings: Settings) -> Any:
    """A boto3 S3 client on the emulator."""
    return make_client("s3", settings.aws_endpoint_url, settings.region)


def _empty_and_delete(s3: Any, bucket: str) -> None:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=obj["Key"])
    s3.delete_bucket(Bucket=bucket)


@pytest.fixture()
def buckets(s3: Any, unique_id: str) -> Iterator[dict[str, str]]:
    """A raw-videos and a thumbnails bucket for this test only."""
    names = {"raw_videos": f"raw-{unique_id}", "thumbnails": f"thumbs-{unique_id}"}
    for name in names.values():
        s3.create_bucket(Bucket=name)
    yield names
    for name in names.values():
        _empty_and_delete(s3, name)


@pytest.fixture()
def object_store(settings: Settings, buckets: dict[str, str]) -> ObjectStoreResource:
    """The object store resource on this test's buckets."""
    return ObjectStoreResource(
        endpoint_url=settings.aws_endpoint_url,
        region=settings.region,
        raw_videos_bucket=buckets["raw_videos"],
        thumbnails_bucket=buckets["thumbnails"],
    )


@pytest.fixture()
def job_queue(settings: Settings, unique_id: str) -> Iterator[JobQueueResource]:
    """A jobs queue and its DLQ (redrive after 3 receives) for this test only."""
    own = dataclasses.replace(
        settings,
        jobs_queue=f"video-jobs-{unique_id}",
        dead_letter_queue=f"video-jobs-dlq-{unique_id}",
    )
    sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
    urls = ensure_queues(sqs, own)
    yield JobQueueResource(
        endpoint_url=settings.aws_endpoint_url,
        region=settings.region,
        queue_name=own.jobs_queue,
        dead_letter_queue_name=own.dead_letter_queue,
    )
    for url in urls.values():
        sqs.delete_queue(QueueUrl=url)


class Recorder:
    """What a local HTTP server received, and what it answers."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 201
        self.url = ""


@pytest.fixture()
def http_server() -> Iterator[Recorder]:
    """An HTTP server on 127.0.0.1 that records POSTs (webhook and GitHub API stand-in)."""
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server hook name
            length = int(self.headers.get("Content-Length", 0))
            body = json.loads(self.rfile.read(length) or b"null")
            recorder.requests.append(
                {"path": self.path, "headers": dict(self.headers), "json": body}
            )
            reply = json.dumps({"html_url": f"{recorder.url}/issues/1", "number": 1}).encode()
            self.send_response(recorder.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args: Any) -> None:
            del args

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield recorder
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
