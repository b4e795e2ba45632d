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


class PostgresResource(ConfigurableResource):
    """The application database (videos, detections, events, QA sessions, incidents)."""

    url: str
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
