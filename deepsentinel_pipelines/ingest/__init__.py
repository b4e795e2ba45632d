"""Getting videos in: keys and run keys, the S3 sensor's cursor, job messages, uploads.

Plain functions over boto3 clients and dicts, used by the sensors and the CLI; with them the
run history of an object version (``run_history``, over the Dagster instance) and the local
copies of raw videos the steps read (``video_cache``).
"""
