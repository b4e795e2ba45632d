"""SQS resource: the video jobs queue, its dead-letter queue and its CloudWatch age metric."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from dagster import ConfigurableResource
from pydantic import PrivateAttr

from deepsentinel_pipelines.aws.clients import make_client


def cloudwatch_oldest_age(cloudwatch: Any, queue_name: str, now: datetime) -> float | None:
    """``ApproximateAgeOfOldestMessage`` from CloudWatch (real SQS), None without datapoints."""
    points = cloudwatch.get_metric_statistics(
        Namespace="AWS/SQS",
        MetricName="ApproximateAgeOfOldestMessage",
        Dimensions=[{"Name": "QueueName", "Value": queue_name}],
        StartTime=now - timedelta(minutes=10),
        EndTime=now,
        Period=60,
        Statistics=["Maximum"],
    ).get("Datapoints", [])
    if not points:
        return None
    return float(max(points, key=lambda p: p["Timestamp"])["Maximum"])


class JobQueueResource(ConfigurableResource):
    """Video job messages in, unprocessable ones out to the dead-letter queue."""

    endpoint_url: str | None = None
    region: str = "us-east-1"
    queue_name: str = "video-jobs"
    dead_letter_queue_name: str = "video-jobs-dlq"

    _client: Any = PrivateAttr(default=None)
    _cloudwatch: Any = PrivateAttr(default=None)
    _urls: dict[str, str] = PrivateAttr(default_factory=dict)

    def client(self) -> Any:
        """The boto3 SQS client, made once (boto3 clients are thread-safe)."""
        if self._client is None:
            self._client = make_client("sqs", self.endpoint_url, self.region)
        return self._client

    def _url(self, name: str) -> str:
        # Looked up once: every send, receive and delete needs it.
        if name not in self._urls:
            self._urls[name] = self.client().get_queue_url(QueueName=name)["QueueUrl"]
        return self._urls[name]

    @property
    def queue_url(self) -> str:
        """URL of the jobs queue."""
        return self._url(self.queue_name)

    @property
    def dead_letter_queue_url(self) -> str:
        """URL of the dead-letter queue."""
        return self._url(self.dead_letter_queue_name)

    def send(self, body: dict[str, Any] | str) -> str:
        """Send a job message; return its message id."""
        text = body if isinstance(body, str) else json.dumps(body)
        return self.client().send_message(QueueUrl=self.queue_url, MessageBody=text)["MessageId"]

    def receive(self, max_messages: int = 10, wait_s: int = 0) -> list[dict[str, Any]]:
        """Receive up to ``max_messages`` (each stays hidden for the visibility timeout)."""
        response = self.client().receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=max_messages,
            WaitTimeSeconds=wait_s,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return response.get("Messages", [])

    def receive_up_to(self, limit: int) -> list[dict[str, Any]]:
        """Receive up to ``limit`` messages without waiting, ten (SQS's most) per call."""
        messages: list[dict[str, Any]] = []
        while len(messages) < limit:
            batch = self.receive(min(10, limit - len(messages)))
            if not batch:
                break
            messages.extend(batch)
        return messages

    def extend_visibility(self, receipt_handles: list[str], visibility_s: int) -> None:
        """Keep received messages hidden for ``visibility_s`` more seconds."""
        for start in range(0, len(receipt_handles), 10):
            self.client().change_message_visibility_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": visibility_s}
                    for i, handle in enumerate(receipt_handles[start : start + 10])
                ],
            )

    def delete(self, receipt_handle: str) -> None:
        """Delete a handled message."""
        self.client().delete_message(QueueUrl=self.queue_url, ReceiptHandle=receipt_handle)

    def dead_letter(self, body: str, reason: str) -> None:
        """Send a body to the DLQ with the reason (the part of a message that cannot run)."""
        self.client().send_message(
            QueueUrl=self.dead_letter_queue_url,
            MessageBody=body,
            MessageAttributes={"reason": {"DataType": "String", "StringValue": reason[:1000]}},
        )

    def move_to_dead_letter(self, message: dict[str, Any], reason: str) -> None:
        """Copy a message to the DLQ with the reason, then delete it from the jobs queue."""
        self.dead_letter(message["Body"], reason)
        self.delete(message["ReceiptHandle"])

    def depth(self) -> dict[str, int]:
        """Approximate visible and in-flight counts of both queues."""
        client = self.client()
        counts = {}
        for name, url in (("jobs", self.queue_url), ("dead_letter", self.dead_letter_queue_url)):
            attrs = client.get_queue_attributes(
                QueueUrl=url,
                AttributeNames=[
                    "ApproximateNumberOfMessages",
                    "ApproximateNumberOfMessagesNotVisible",
                ],
            )["Attributes"]
            counts[name] = int(attrs.get("ApproximateNumberOfMessages", 0))
            counts[f"{name}_in_flight"] = int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0))
        return counts

    def oldest_message_age_s(self, now: datetime) -> float | None:
        """Age of the jobs queue's oldest message per CloudWatch (real SQS); None without data."""
        if self._cloudwatch is None:
            self._cloudwatch = make_client("cloudwatch", self.endpoint_url, self.region)
        return cloudwatch_oldest_age(self._cloudwatch, self.queue_name, now)
