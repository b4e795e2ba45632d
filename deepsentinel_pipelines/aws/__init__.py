"""boto3 clients for S3 and SQS (no Dagster): the local emulator or real AWS, by endpoint.

Kept apart from ``resources/`` so the CLI and the local stack reach AWS without importing Dagster.
"""
