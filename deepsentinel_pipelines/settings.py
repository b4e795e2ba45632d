"""The one place that decides the environment: embedded services or given URLs and AWS.

Everything else reads :func:`load_settings` (CLI, tests, Dagster resources through ``EnvVar``
values exported by :func:`service_environment`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The checkout (tests, scripts); for an installed package this is site-packages: not a home.
REPO_ROOT = PACKAGE_DIR.parent
#: A checkout keeps its services' data beside it; an installed package in the user's home.
DEFAULT_HOME = (
    REPO_ROOT / ".deepsentinel"
    if (REPO_ROOT / "pyproject.toml").is_file()
    else Path.home() / ".deepsentinel"
)
#: Dagster's workspace and instance files. Package data, linked to the repository's top-level
#: files so there is one copy; resolved, so in a checkout they are those files themselves.
WORKSPACE_YAML = (PACKAGE_DIR / "config" / "workspace.yaml").resolve()
INSTANCE_YAML = (PACKAGE_DIR / "config" / "dagster.yaml").resolve()
#: The bundled sample of `deepsentinel demo` (package data, so it ships with a plain install).
SAMPLE_VIDEO = PACKAGE_DIR / "data" / "sample_plaza.mp4"

DEFAULT_BUCKETS = {
    "raw_videos": "raw-videos",
    "thumbnails": "thumbnails",
    "highlights": "highlights",
    "models": "analysis-models",
}
DEFAULT_REGION = "us-east-1"
DEFAULT_EMBEDDED_AWS_PORT = 4566
#: The login that owns the application's objects on the embedded server (not a superuser).
APP_LOGIN = "deepsentinel_app"
#: The login that model- and parser-written SQL runs as (SELECT on listed view columns only).
READER_LOGIN = "deepsentinel_reader"
#: Credentials the embedded S3/SQS emulator accepts; never used against real AWS.
EMBEDDED_AWS_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one environment."""

    home: Path
    database_url: str | None  # None: the embedded PostgreSQL under ``home`` is used
    reader_url: str | None  # the read-only login for question SQL; None: derived from the above
    aws_endpoint_url: str | None  # None: real AWS
    embedded_aws_port: int
    region: str
    raw_videos_bucket: str
    thumbnails_bucket: str
    highlights_bucket: str
    models_bucket: str
    jobs_queue: str
    dead_letter_queue: str
    embedding_dim: int

    @property
    def embedded_postgres(self) -> bool:
        """True when this environment runs its own PostgreSQL."""
        return self.database_url is None

    @property
    def reader_database_url(self) -> str | None:
        """The reader login's URL: as given, or the application URL with the reader's name."""
        if self.reader_url or self.database_url is None:
            return self.reader_url
        return with_user(self.database_url, READER_LOGIN)

    @property
    def embedded_aws(self) -> bool:
        """True when this environment runs its own S3/SQS emulator."""
        return self.aws_endpoint_url == f"http://127.0.0.1:{self.embedded_aws_port}"

    @property
    def pgdata(self) -> Path:
        """Data folder of the embedded PostgreSQL."""
        return self.home / "pgdata"

    @property
    def dagster_home(self) -> Path:
        """DAGSTER_HOME: a folder whose dagster.yaml is the repository's."""
        return self.home / "dagster_home"

    @property
    def buckets(self) -> list[str]:
        """Every bucket the pipeline uses."""
        return [
            self.raw_videos_bucket,
            self.thumbnails_bucket,
            self.highlights_bucket,
            self.models_bucket,
        ]


def with_user(url: str, user: str) -> str:
    """``url`` (``postgresql://user:pw@host/db?...``) logging in as ``user`` without a password."""
    scheme, rest = url.split("://", 1)
    creds_host, slash, tail = rest.partition("/")
    host = creds_host.rpartition("@")[2]
    return f"{scheme}://{user}@{host}{slash}{tail}"


def _has_aws_credentials(env: dict[str, str]) -> bool:
    if env.get("AWS_ACCESS_KEY_ID") or env.get("AWS_PROFILE"):
        return True
    return Path(env.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials")).expanduser().exists()


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Resolve the environment from variables (see the README's table)."""
    env = dict(os.environ if env is None else env)
    home = Path(env.get("DEEPSENTINEL_HOME") or DEFAULT_HOME).resolve()
    port = int(env.get("DEEPSENTINEL_AWS_PORT", DEFAULT_EMBEDDED_AWS_PORT))
    endpoint = env.get("AWS_ENDPOINT_URL") or None
    if endpoint is None and not _has_aws_credentials(env):
        endpoint = f"http://127.0.0.1:{port}"
    return Settings(
        home=home,
        database_url=env.get("DEEPSENTINEL_DATABASE_URL") or None,
        reader_url=env.get("DEEPSENTINEL_READER_URL") or None,
        aws_endpoint_url=endpoint,
        embedded_aws_port=port,
        region=env.get("AWS_DEFAULT_REGION") or env.get("AWS_REGION") or DEFAULT_REGION,
        raw_videos_bucket=env.get("DEEPSENTINEL_RAW_VIDEOS_BUCKET", DEFAULT_BUCKETS["raw_videos"]),
        thumbnails_bucket=env.get("DEEPSENTINEL_THUMBNAILS_BUCKET", DEFAULT_BUCKETS["thumbnails"]),
        highlights_bucket=env.get("DEEPSENTINEL_HIGHLIGHTS_BUCKET", DEFAULT_BUCKETS["highlights"]),
        models_bucket=env.get("DEEPSENTINEL_MODELS_BUCKET", DEFAULT_BUCKETS["models"]),
        jobs_queue=env.get("DEEPSENTINEL_JOBS_QUEUE", "video-jobs"),
        dead_letter_queue=env.get("DEEPSENTINEL_DLQ", "video-jobs-dlq"),
        embedding_dim=int(env.get("DEEPSENTINEL_EMBEDDING_DIM", 384)),
    )
