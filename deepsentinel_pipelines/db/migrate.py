"""Numbered SQL migrations, applied once each, in order, and recorded in ``schema_migrations``."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from importlib import resources

import psycopg

logger = logging.getLogger(__name__)

#: Serialises concurrent start-ups (several Dagster step processes at once).
_ADVISORY_LOCK_KEY = 0x5E57_1E1


class EmbeddingDimensionMismatchError(RuntimeError):
    """The database was created for an embedding model of another size."""


class MigrationChangedError(RuntimeError):
    """A migration file differs from the one applied: schema and code may disagree."""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """sha256 of the file as shipped (before the embedding size is filled in)."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations() -> list[Migration]:
    """The package's migrations, in version order."""
    folder = resources.files("deepsentinel_pipelines.db") / "migrations"
    migrations = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            version = int(entry.name.split("_", 1)[0])
            migrations.append(Migration(version, entry.name, entry.read_text()))
    return sorted(migrations, key=lambda m: m.version)


def apply_migrations(conn: psycopg.Connection, embedding_dim: int) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied (empty: up to date)."""
    applied_now: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_ADVISORY_LOCK_KEY,))
        conn.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   version integer PRIMARY KEY,
                   name text NOT NULL,
                   checksum text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now())"""
        )
        done = dict(conn.execute("SELECT version, checksum FROM schema_migrations").fetchall())
        for migration in load_migrations():
            if migration.version in done:
                if done[migration.version] != migration.checksum:
                    raise MigrationChangedError(
                        f"migration {migration.name} was changed after it was applied to this "
                        "database; add a new numbered migration instead of editing an applied one"
                    )
                continue
            sql = migration.sql.replace("{embedding_dim}", str(int(embedding_dim)))
            conn.execute(sql)  # type: ignore[arg-type]  # trusted package file
            conn.execute(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                (migration.version, migration.name, migration.checksum),
            )
            applied_now.append(migration.name)
            logger.info("applied migration %s", migration.name)
    check_embedding_dim(conn, embedding_dim)
    return applied_now


def applied_version(conn: psycopg.Connection) -> int | None:
    """The newest migration applied to this database (None: none yet)."""
    row = conn.execute("SELECT max(version) FROM schema_migrations").fetchone()
    return None if row is None else row[0]


def check_embedding_dim(conn: psycopg.Connection, embedding_dim: int) -> None:
    """Fail clearly when ``events.embedding`` has another size than the configured model."""
    row = conn.execute(
        """SELECT atttypmod FROM pg_attribute
           WHERE attrelid = 'public.events'::regclass AND attname = 'embedding'"""
    ).fetchone()
    if row is not None and row[0] != embedding_dim:
        raise EmbeddingDimensionMismatchError(
            f"events.embedding holds {row[0]}-dimensional vectors but the configured embedding "
            f"model gives {embedding_dim}; set DEEPSENTINEL_EMBEDDING_DIM={row[0]} or migrate "
            "the column (ALTER TABLE events ALTER COLUMN embedding TYPE vector(N)) and re-embed"
        )
