"""boto3 clients for S3 and SQS: the local emulator or real AWS, by endpoint."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

from deepsentinel_pipelines.settings import EMBEDDED_AWS_CREDENTIALS, aws_access_key_set


def make_client(service: str, endpoint_url: str | None, region: str) -> Any:
    """A boto3 client; against a loopback endpoint without credentials, the emulator's."""
    kwargs: dict[str, Any] = {
        "region_name": region,
        "config": Config(retries={"max_attempts": 3, "mode": "standard"}, signature_version="s3v4"),
    }
    if endpoint_url:
        kwargs["endpoint_url"] = endpoint_url
        if "127.0.0.1" in endpoint_url and not aws_access_key_set():
            kwargs["aws_access_key_id"] = EMBEDDED_AWS_CREDENTIALS["AWS_ACCESS_KEY_ID"]
            kwargs["aws_secret_access_key"] = EMBEDDED_AWS_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
    return boto3.client(service, **kwargs)
