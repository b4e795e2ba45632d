"""Idempotent set-up of buckets (with lifecycle rules), queues (with redrive) and databases."""

from __future__ import annotations

import json
from typing import Any

import psycopg
from botocore.exceptions import ClientError
from psycopg import sql as pgsql

from deepsentinel_pipelines.db.migrate import apply_migrations
from deepsentinel_pipelines.db.reader_login import READER_ROLE_LIMITS, REVOKED_FUNCTIONS_SQL
from deepsentinel_pipelines.ingest.storage_classes import ARCHIVE_CLASS
from deepsentinel_pipelines.local_stack.postgres import database_url
from deepsentinel_pipelines.settings import APP_LOGIN, READER_LOGIN, Settings
from deepsentinel_pipelines.upkeep.retention import RAW_VIDEO_ARCHIVE_DAYS, THUMBNAIL_EXPIRY_DAYS

DLQ_MAX_RECEIVES = 3
#: Seconds a received job message stays hidden before it can be received again.
JOB_VISIBILITY_TIMEOUT_S = 60


def lifecycle_rules(settings: Settings) -> dict[str, list[dict[str, Any]]]:
    """Lifecycle rules per bucket: raw videos to an archive class, thumbnails expire."""
    return {
        settings.raw_videos_bucket: [
            {
                "ID": "archive-raw-videos",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "Transitions": [{"Days": RAW_VIDEO_ARCHIVE_DAYS, "StorageClass": ARCHIVE_CLASS}],
            }
        ],
        settings.thumbnails_bucket: [
            {
                "ID": "expire-thumbnails",
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "Expiration": {"Days": THUMBNAIL_EXPIRY_DAYS},
            }
        ],
    }


def ensure_buckets(s3: Any, settings: Settings) -> None:
    """Create the buckets that are missing and (re)apply their lifecycle rules."""
    existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
    for bucket in settings.buckets:
        if bucket not in existing:
            kwargs: dict[str, Any] = {"Bucket": bucket}
            if settings.region != "us-east-1":
                kwargs["CreateBucketConfiguration"] = {"LocationConstraint": settings.region}
            try:
                s3.create_bucket(**kwargs)
            except ClientError as err:
                if err.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou",):
                    raise
    for bucket, rules in lifecycle_rules(settings).items():
        s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": rules}
        )


def ensure_queues(sqs: Any, settings: Settings) -> dict[str, str]:
    """Create the jobs queue and its dead-letter queue; return their URLs by name."""
    dlq_url = sqs.create_queue(QueueName=settings.dead_letter_queue)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": DLQ_MAX_RECEIVES})
    attributes = {
        "RedrivePolicy": redrive,
        "VisibilityTimeout": str(JOB_VISIBILITY_TIMEOUT_S),
    }
    jobs_url = sqs.create_queue(QueueName=settings.jobs_queue)["QueueUrl"]
    sqs.set_queue_attributes(QueueUrl=jobs_url, Attributes=attributes)
    return {settings.jobs_queue: jobs_url, settings.dead_letter_queue: dlq_url}


def ensure_roles(admin_url: str) -> None:
    """Create or correct the two logins on an embedded server (as its superuser).

    ``deepsentinel_app`` owns the databases and the application's objects and is no superuser;
    ``deepsentinel_reader`` logs in for question SQL, belongs to no role (nothing to ``SET ROLE``
    to) and carries the limits in
    :data:`~deepsentinel_pipelines.db.reader_login.READER_ROLE_LIMITS` (any defaults it gave
    itself are reset).
    """
    with psycopg.connect(admin_url, autocommit=True) as conn:
        existing = {r[0] for r in conn.execute("SELECT rolname FROM pg_roles")}
        for role in (APP_LOGIN, READER_LOGIN):
            if role not in existing:
                conn.execute(pgsql.SQL("CREATE ROLE {}").format(pgsql.Identifier(role)))
        conn.execute(
            pgsql.SQL(
                "ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
            ).format(pgsql.Identifier(APP_LOGIN))
        )
        conn.execute(
            pgsql.SQL(
                "ALTER ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                "NOINHERIT CONNECTION LIMIT 32"
            ).format(pgsql.Identifier(READER_LOGIN))
        )
        conn.execute(pgsql.SQL("ALTER ROLE {} RESET ALL").format(pgsql.Identifier(READER_LOGIN)))
        for name, value in READER_ROLE_LIMITS.items():
            conn.execute(
                pgsql.SQL("ALTER ROLE {} SET {} = {}").format(
                    pgsql.Identifier(READER_LOGIN), pgsql.Identifier(name), pgsql.Literal(value)
                )
            )
        # A role granted to the reader would be one it could SET ROLE to.
        for (granted,) in conn.execute(
            "SELECT roleid::regrole::text FROM pg_auth_members WHERE member = %s::regrole",
            (READER_LOGIN,),
        ).fetchall():
            conn.execute(
                pgsql.SQL("REVOKE {} FROM {}").format(
                    pgsql.Identifier(granted), pgsql.Identifier(READER_LOGIN)
                )
            )


#: Run in each database by the superuser: pgvector (creating it needs a superuser) and every
#: relation and schema made before the application had its own login handed to that login.
_HAND_OVER = """
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
               AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
               AND c.relowner <> '{app}'::regrole LOOP
        EXECUTE format('ALTER TABLE %s OWNER TO {app}', r.rel);
    END LOOP;
    FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
               AND c.relkind = 'S' AND c.relowner <> '{app}'::regrole
               AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid
                               AND d.deptype IN ('a', 'i')) LOOP
        EXECUTE format('ALTER SEQUENCE %s OWNER TO {app}', r.rel);
    END LOOP;
    FOR r IN SELECT nspname FROM pg_namespace
             WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public')
               AND nspname NOT LIKE 'pg!_%' ESCAPE '!' AND nspowner <> '{app}'::regrole LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO {app}', r.nspname);
    END LOOP;
END
$$
"""


def ensure_databases(admin_url: str, names: list[str]) -> None:
    """Create the databases that do not exist yet on an embedded server, owned by the app login.

    Databases made before the app had its own login are handed to it, with everything in them.
    """
    with psycopg.connect(admin_url, autocommit=True) as conn:
        existing = {r[0] for r in conn.execute("SELECT datname FROM pg_database")}
        for name in names:
            owner = pgsql.Identifier(APP_LOGIN)
            if name not in existing:
                conn.execute(
                    pgsql.SQL("CREATE DATABASE {} OWNER {}").format(pgsql.Identifier(name), owner)
                )
            else:
                conn.execute(
                    pgsql.SQL("ALTER DATABASE {} OWNER TO {}").format(pgsql.Identifier(name), owner)
                )
    for name in names:
        with psycopg.connect(database_url(admin_url, name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            conn.execute(_HAND_OVER.replace("{app}", APP_LOGIN))  # type: ignore[arg-type]


def lock_down_reader(admin_url: str, app_database: str, databases: list[str]) -> None:
    """Take from the reader (as the embedded server's superuser) what PUBLIC may do by default.

    It may connect to the application database only, create no temporary objects (tables or
    ``pg_temp`` functions) and nothing in ``public``, and execute none of the built-ins in
    :data:`~deepsentinel_pipelines.db.reader_login.REVOKED_FUNCTIONS_SQL` (they are granted
    back to the application's login, which owns everything else).
    """
    others = [d for d in [*databases, "postgres", "template1"] if d != app_database]
    app, reader = pgsql.Identifier(APP_LOGIN), pgsql.Identifier(READER_LOGIN)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        for name in [app_database, *others]:
            conn.execute(
                pgsql.SQL("REVOKE CONNECT, TEMPORARY ON DATABASE {} FROM PUBLIC").format(
                    pgsql.Identifier(name)
                )
            )
        conn.execute(
            pgsql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(
                pgsql.Identifier(app_database), reader
            )
        )
    with psycopg.connect(database_url(admin_url, app_database), autocommit=True) as conn:
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        for (function,) in conn.execute(REVOKED_FUNCTIONS_SQL).fetchall():
            conn.execute(pgsql.SQL(f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC"))
            conn.execute(pgsql.SQL(f"GRANT EXECUTE ON FUNCTION {function} TO {{}}").format(app))


def ensure_schema(database_url: str, embedding_dim: int) -> list[str]:
    """Apply pending migrations to the application database."""
    with psycopg.connect(database_url) as conn:
        return apply_migrations(conn, embedding_dim)
