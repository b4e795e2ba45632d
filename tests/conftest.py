"""Session fixtures: the real embedded services (PostgreSQL + pgvector, S3 + SQS over HTTP)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import psycopg
import pytest
from pgvector.psycopg import register_vector

from deepsentinel_pipelines.db.reader_login import connect_reader
from deepsentinel_pipelines.local_stack.manager import services_down, services_up
from deepsentinel_pipelines.settings import REPO_ROOT, Settings, load_settings

# Tests never touch a developer's running stack or real AWS: own home, own port, the emulator.
os.environ.setdefault("DEEPSENTINEL_HOME", str(REPO_ROOT / ".deepsentinel" / "test"))
os.environ.setdefault("DEEPSENTINEL_AWS_PORT", "4577")
os.environ["AWS_ENDPOINT_URL"] = f"http://127.0.0.1:{os.environ['DEEPSENTINEL_AWS_PORT']}"
os.environ["AWS_ACCESS_KEY_ID"] = "test"
os.environ["AWS_SECRET_ACCESS_KEY"] = "test"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"
os.environ.pop("AWS_PROFILE", None)
os.environ.setdefault("YOLO_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Model tests run on 2 CPU cores: half the default analysis rate keeps them short.
os.environ.setdefault("DEEPSENTINEL_ANALYSIS_FPS", "5")


@pytest.fixture(scope="session")
def settings() -> Iterator[Settings]:
    """Services up for the whole session, their environment exported; stopped afterwards."""
    initial = load_settings()
    os.environ.update(services_up(initial))
    yield load_settings()
    services_down(initial)


@pytest.fixture()
def db(settings: Settings) -> Iterator[psycopg.Connection]:
    """A connection to the application database."""
    with psycopg.connect(settings.database_url) as conn:
        register_vector(conn)
        yield conn


@pytest.fixture()
def reader(settings: Settings) -> Iterator[psycopg.Connection]:
    """A connection logged in as the reader, as the application opens it (limits in options)."""
    with connect_reader(settings.reader_database_url) as conn:
        yield conn


@pytest.fixture()
def unique_id() -> str:
    """A short id that keeps one test's rows and objects apart from another's."""
    return uuid.uuid4().hex[:10]
