"""The command-line tests use the sensor tests' buckets, queues and S3 client of their own."""

from tests.sensors.conftest import buckets, job_queue, s3

__all__ = ["buckets", "job_queue", "s3"]
