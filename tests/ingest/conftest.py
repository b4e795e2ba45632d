"""The ingest tests use the sensor tests' S3 client."""

from tests.sensors.conftest import s3

__all__ = ["s3"]
