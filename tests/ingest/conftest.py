"""The ingest tests use the sensor tests' buckets and S3 client."""

from tests.sensors.conftest import buckets, s3

__all__ = ["buckets", "s3"]
