"""The reader login cannot lift its limits, even with its password in the wrong hands.

Each test logs in the way a leaked password would (a plain connection, no options of ours) and
tries one thing the issue saw work; each is refused by the server itself. The limits the
application relies on are set by its own connections and transactions, so even what PostgreSQL
lets every login do (change its own role's defaults) changes nothing for the application.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors

from deepsentinel_pipelines.db.reader_login import connect_reader
from deepsentinel_pipelines.local_stack.bootstrap import ensure_roles
from deepsentinel_pipelines.local_stack.postgres import database_url, running_info
from deepsentinel_pipelines.settings import Settings


@pytest.fixture()
def leaked(settings: Settings) -> Iterator[psycopg.Connection]:
    """The reader logged in with nothing but its URL (autocommit, no options of ours)."""
    with psycopg.connect(settings.reader_database_url, autocommit=True) as conn:
        yield conn


@pytest.mark.parametrize("database", ["dagster", "postgres", "template1"])
def test_no_other_database(settings: Settings, database: str) -> None:
    url = settings.reader_database_url.replace("/deepsentinel?", f"/{database}?")
    assert f"/{database}?" in url
    with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
        psycopg.connect(url).close()


@pytest.mark.parametrize(
    "statement",
    [
        "CREATE TEMP TABLE pwned (a int)",
        "CREATE TEMP VIEW pwned AS SELECT 1",
        "CREATE FUNCTION pg_temp.pwned() RETURNS int LANGUAGE sql AS 'SELECT 1'",
        "CREATE TABLE public.pwned (a int)",
        "CREATE TABLE qa.pwned (a int)",
        "CREATE SCHEMA pwned",
        "INSERT INTO public.qa_sessions (session_id) VALUES (gen_random_uuid())",
        "SELECT lo_create(0)",
        "SELECT lo_from_bytea(0, 'x')",
    ],
)
def test_a_read_write_transaction_can_write_nothing(
    leaked: psycopg.Connection, statement: str
) -> None:
    with leaked.transaction():
        leaked.execute("SET TRANSACTION READ WRITE")
        with pytest.raises(errors.InsufficientPrivilege):
            leaked.execute(statement)
        raise psycopg.Rollback()


@pytest.mark.parametrize(
    "statement",
    [
        "SELECT pg_sleep(0)",
        "SELECT pg_sleep_for('0 seconds')",
        "SELECT pg_sleep_until(now())",
        "SELECT pg_advisory_lock(1)",
        "SELECT pg_try_advisory_lock(1)",
        "SELECT pg_advisory_xact_lock(1)",
        "SELECT pg_advisory_lock_shared(1, 2)",
        "SELECT set_config('statement_timeout', '0', false)",
        "SELECT set_config('work_mem', '4GB', false)",
        "SELECT pg_notify('x', 'y')",
    ],
)
def test_dangerous_builtins_are_not_the_readers(leaked: psycopg.Connection, statement: str) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        leaked.execute(statement)


def test_the_application_keeps_the_builtins_it_uses(db: psycopg.Connection) -> None:
    db.execute("SELECT pg_advisory_xact_lock(1), set_config('work_mem', '8MB', true)")
    db.rollback()


def test_its_own_role_defaults_do_not_reach_the_application(
    settings: Settings, leaked: psycopg.Connection
) -> None:
    # PostgreSQL lets every login set its own role's defaults; the application's connections
    # set their limits in their options, which win over any role default.
    with pytest.raises(errors.InsufficientPrivilege), leaked.transaction():
        leaked.execute("SET TRANSACTION READ WRITE")
        leaked.execute("ALTER ROLE deepsentinel_reader RESET temp_file_limit")  # superuser's
    leaked.execute("BEGIN READ WRITE")
    leaked.execute("ALTER ROLE deepsentinel_reader SET statement_timeout = '1h'")
    leaked.execute("ALTER ROLE deepsentinel_reader SET default_transaction_read_only = off")
    leaked.execute("COMMIT")
    try:
        with psycopg.connect(settings.reader_database_url) as raw:
            assert raw.execute("SHOW statement_timeout").fetchone() == ("1h",)
        with connect_reader(settings.reader_database_url) as app:
            shown = {
                name: app.execute(f"SHOW {name}").fetchone()[0]
                for name in (
                    "statement_timeout",
                    "default_transaction_read_only",
                    "temp_file_limit",
                )
            }
        assert shown == {
            "statement_timeout": "5s",
            "default_transaction_read_only": "on",
            "temp_file_limit": "64MB",
        }
    finally:
        # `services up` puts the role's defaults back (as it does on every start).
        ensure_roles(database_url(running_info(settings.pgdata).get_uri(), "postgres"))
    with psycopg.connect(settings.reader_database_url) as raw:
        assert raw.execute("SHOW statement_timeout").fetchone() == ("5s",)
