"""`deepsentinel services up|down|status`: start, stop and check everything a run needs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.local_stack import aws_emulator, postgres
from deepsentinel_pipelines.local_stack.bootstrap import (
    ensure_buckets,
    ensure_databases,
    ensure_queues,
    ensure_roles,
    ensure_schema,
    lock_down_reader,
)
from deepsentinel_pipelines.local_stack.postgres import database_urls
from deepsentinel_pipelines.rag.minilm import cached_ir, shipped_model_dir
from deepsentinel_pipelines.settings import (
    INSTANCE_YAML,
    Settings,
    embedded_aws_credentials,
)
from deepsentinel_pipelines.text.redaction import redact


def _aws_dir(settings: Settings) -> Path:
    return settings.home / "aws"


def services_up(settings: Settings) -> dict[str, str]:
    """Start what is embedded, create buckets, queues and schema; return the environment."""
    settings.home.mkdir(parents=True, exist_ok=True)
    # The emulator first: a taken port then fails before anything has been started.
    if settings.embedded_aws:
        aws_emulator.start_emulator(_aws_dir(settings), settings.embedded_aws_port)
    if settings.embedded_postgres:
        admin = postgres.start_postgres(settings.pgdata)
        ensure_roles(admin)
        databases = [postgres.APP_DATABASE, postgres.DAGSTER_DATABASE]
        ensure_databases(admin, databases)
        lock_down_reader(admin, postgres.APP_DATABASE, databases)
    env = service_environment(settings)
    ensure_schema(env["DEEPSENTINEL_DATABASE_URL"], settings.embedding_dim)
    ensure_buckets(make_client("s3", settings.aws_endpoint_url, settings.region), settings)
    ensure_queues(make_client("sqs", settings.aws_endpoint_url, settings.region), settings)
    if settings.model_backend == "local":
        # Once per home: later questions only read the converted model.
        cached_ir(shipped_model_dir(), settings.home / "models")
    return env


def services_down(settings: Settings) -> dict[str, bool]:
    """Stop every process `services_up` started; report which were running."""
    return {
        "postgres": settings.embedded_postgres and postgres.stop_postgres(settings.pgdata),
        "aws": settings.embedded_aws and aws_emulator.stop_emulator(_aws_dir(settings)),
    }


def service_environment(settings: Settings) -> dict[str, str]:
    """Variables that point Dagster, the resources and child processes at these services."""
    app_url, reader_url, dagster_url = database_urls(settings)
    settings.dagster_home.mkdir(parents=True, exist_ok=True)
    link = settings.dagster_home / "dagster.yaml"
    if not (link.is_symlink() and link.readlink() == INSTANCE_YAML):
        link.unlink(missing_ok=True)
        link.symlink_to(INSTANCE_YAML)
    env = {
        "DEEPSENTINEL_HOME": str(settings.home),
        "DEEPSENTINEL_DATABASE_URL": app_url,
        "DEEPSENTINEL_READER_URL": reader_url,
        "DAGSTER_PG_URL": dagster_url,
        "DAGSTER_HOME": str(settings.dagster_home),
        "DEEPSENTINEL_COMPUTE_LOGS_DIR": str(settings.home / "compute_logs"),
        "AWS_DEFAULT_REGION": settings.region,
    }
    if settings.aws_endpoint_url:
        env["AWS_ENDPOINT_URL"] = settings.aws_endpoint_url
    if settings.embedded_aws:
        # A child process keeps credentials given to this one; else the emulator's.
        for key, value in embedded_aws_credentials().items():
            env.setdefault(key, value)
    return env


def services_status(settings: Settings) -> dict[str, dict[str, Any]]:
    """Health of PostgreSQL (with pgvector), S3 (buckets) and SQS (queues)."""
    status: dict[str, dict[str, Any]] = {}
    try:
        app_url, _, _ = database_urls(settings)
        with psycopg.connect(app_url, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT extversion FROM pg_extension WHERE extname = 'vector'"
            ).fetchone()
        status["postgres"] = {"ok": row is not None, "pgvector": row[0] if row else None}
    except Exception as err:  # noqa: BLE001 - a status report names any failure
        status["postgres"] = {"ok": False, "pgvector": None, "error": redact(err)}
    if settings.embedded_aws and not aws_emulator.port_open(settings.embedded_aws_port):
        down = {"ok": False, "error": "the S3/SQS emulator is not running"}
        return status | {"s3": down | {"buckets": []}, "sqs": down | {"queues": []}}
    try:
        s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
        names = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
        buckets = [b for b in settings.buckets if b in names]
        status["s3"] = {"ok": len(buckets) == len(settings.buckets), "buckets": buckets}
    except Exception as err:  # noqa: BLE001
        status["s3"] = {"ok": False, "buckets": [], "error": redact(err)}
    try:
        sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
        wanted = [settings.jobs_queue, settings.dead_letter_queue]
        urls = sqs.list_queues().get("QueueUrls", [])
        queues = [q for q in wanted if any(u.rsplit("/", 1)[-1] == q for u in urls)]
        status["sqs"] = {"ok": len(queues) == len(wanted), "queues": queues}
    except Exception as err:  # noqa: BLE001
        status["sqs"] = {"ok": False, "queues": [], "error": redact(err)}
    return status
