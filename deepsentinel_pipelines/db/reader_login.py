"""The reader login's limits, set from both sides: on the role, and by every connection.

Question SQL runs as ``deepsentinel_reader``. Its role carries defaults (set by the superuser,
``local_stack/bootstrap.py``), but any login may change its own role's defaults in PostgreSQL,
so the application does not rely on them: every reader connection it opens passes the limits
as connection options, which take precedence over role defaults, and each transaction sets its
own ``statement_timeout`` again (``rag/retrieval.py``). ``temp_file_limit`` can only be set by a
superuser, so it lives on the role alone, where the reader cannot change or reset it.
"""

from __future__ import annotations

from typing import Any

import psycopg

#: Set by every reader connection the application opens (connection options).
READER_SESSION_LIMITS: dict[str, str] = {
    "statement_timeout": "5s",
    "lock_timeout": "2s",
    "idle_in_transaction_session_timeout": "10s",
    "work_mem": "4MB",
    "default_transaction_read_only": "on",
}
#: Set on the role by the superuser; ``temp_file_limit`` only a superuser can change.
READER_ROLE_LIMITS: dict[str, str] = READER_SESSION_LIMITS | {"temp_file_limit": "64MB"}
#: Built-ins the reader may not execute (``REVOKE ... FROM PUBLIC``, granted back to the app):
#: sleeping, advisory locks (held across transactions), changing settings from SQL, large
#: objects (a write anywhere) and notifications.
REVOKED_FUNCTIONS_SQL = (
    "SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc AS p "
    "WHERE p.pronamespace = 'pg_catalog'::regnamespace AND ("
    "p.proname IN ('pg_sleep', 'pg_sleep_for', 'pg_sleep_until', 'set_config', 'pg_notify', "
    "'lowrite', 'loread') "
    "OR p.proname LIKE 'pg!_%advisory!_%' ESCAPE '!' OR p.proname LIKE 'lo!_%' ESCAPE '!') "
    "ORDER BY 1"
)


def reader_options() -> str:
    """The ``options`` connection parameter that sets :data:`READER_SESSION_LIMITS`."""
    return " ".join(f"-c {name}={value}" for name, value in READER_SESSION_LIMITS.items())


def connect_reader(url: str, **kwargs: Any) -> psycopg.Connection:
    """A connection logged in as the reader, with its limits set by the connection itself."""
    return psycopg.connect(url, options=reader_options(), **kwargs)


def reader_pool(url: str, max_size: int = 4) -> Any:
    """A pool of reader connections, each with the limits set (a long-running reader's)."""
    from psycopg_pool import ConnectionPool

    return ConnectionPool(
        url,
        kwargs={"options": reader_options(), "autocommit": True},
        min_size=1,
        max_size=max_size,
        open=True,
        name="deepsentinel-reader",
    )
