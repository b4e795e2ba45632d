"""PostgreSQL + pgvector resource: a psycopg pool, migrations applied at start-up."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from dagster import ConfigurableResource, InitResourceContext
from pgvector.psycopg import register_vector
from psycopg_pool import ConnectionPool
from pydantic import PrivateAttr

from deepsentinel_pipelines.db.migrate import apply_migrations
from deepsentinel_pipelines.db.reader_login import connect_reader
from deepsentinel_pipelines.settings import READER_LOGIN, with_user


class PostgresResource(ConfigurableResource):
    """The application database (videos, detections, events, QA sessions, incidents)."""

    url: str
    reader_url: str | None = None  # None: ``url`` logging in as the reader
    embedding_dim: int = 384
    max_connections: int = 4

    _pool: ConnectionPool | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Apply pending migrations, then open the pool."""
        del context
        with psycopg.connect(self.url) as conn:
            apply_migrations(conn, self.embedding_dim)
        self._pool = ConnectionPool(
            self.url,
            min_size=1,
            max_size=self.max_connections,
            configure=register_vector,
            # A restarted server leaves dead connections in the pool: test each before use.
            check=ConnectionPool.check_connection,
            open=True,
        )

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        """Close the pool."""
        del context
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection (pgvector types registered); commit or roll back on exit."""
        if self._pool is None:
            # Outside a Dagster run (CLI, tests): a plain connection.
            with psycopg.connect(self.url) as conn:
                register_vector(conn)
                yield conn
            return
        with self._pool.connection() as conn:
            yield conn

    @contextmanager
    def reader_connection(self) -> Iterator[psycopg.Connection]:
        """A connection logged in as the reader (question SQL only); closed on exit.

        Not pooled: a question opens one (a Unix-socket login takes milliseconds), and a pool
        would hold reader sessions open between runs for nothing. Its limits are set by the
        connection itself (``db/reader_login.py``), whatever the role's defaults say.
        """
        with connect_reader(self.reader_url or with_user(self.url, READER_LOGIN)) as conn:
            yield conn
