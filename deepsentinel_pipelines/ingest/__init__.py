"""Getting videos in: keys and run keys, the S3 sensor's cursor, job messages, uploads.

Plain functions over boto3 clients and dicts (no Dagster), used by the sensors and the CLI.
"""
