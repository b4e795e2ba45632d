"""The one place that reads the environment: services, AWS, models, sensors and alerts.

No other module of the package reads ``os.environ``: the CLI, the tests and ``definitions.py``
call :func:`load_settings` and hand the values (or the whole :class:`Settings`) on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from deepsentinel_pipelines.video.defaults import DEFAULT_ANALYSIS_FPS, DEFAULT_IMGSZ
from deepsentinel_pipelines.video.weights import DEFAULT_WEIGHTS

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
MODEL_BACKENDS = ("local", "bedrock")
#: Size of ``events.embedding`` per backend: MiniLM gives 384, Titan v2 is asked for 1024.
EMBEDDING_DIMS = {"local": 384, "bedrock": 1024}
DEFAULT_BEDROCK_LLM_MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0"
DEFAULT_BEDROCK_RERANK_MODEL = "cohere.rerank-v3-5:0"
DEFAULT_GITHUB_API = "https://api.github.com"
#: Where `deepsentinel review` and `deepsentinel dev` serve by default (pages and links).
DEFAULT_REVIEW_PORT = 3001
DEFAULT_DAGSTER_UI_PORT = 3000


@dataclass(frozen=True)
class SensorLimits:
    """Knobs of the S3 and SQS sensors (see the README's table)."""

    interval_s: int = 30
    max_per_tick: int = 20
    lookback_s: int = 300
    prefix: str = ""
    reconcile_interval_s: int = 600


@dataclass(frozen=True)
class AlertConfig:
    """Where failure alerts go besides the ``incidents`` table (all optional).

    A webhook URL is a credential (its path is the secret) and so is the token: neither is
    part of the ``repr``.
    """

    webhook_url: str | None = field(default=None, repr=False)
    github_repo: str | None = None  # owner/name
    github_token: str | None = field(default=None, repr=False)
    github_api_url: str = DEFAULT_GITHUB_API
    dagster_ui_url: str | None = None  # e.g. http://localhost:3000, for links to the run
    timeout_s: float = 10.0

    @property
    def github_enabled(self) -> bool:
        """True when both the repository and a token are set."""
        return bool(self.github_repo and self.github_token)


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one environment.

    Values that may carry credentials (database URLs, webhook URLs, tokens) are left out of the
    ``repr``, so printing or logging the settings shows none of them.
    """

    home: Path
    # None: the embedded PostgreSQL under ``home`` is used
    database_url: str | None = field(repr=False)
    # the read-only login for question SQL; None: derived from the above
    reader_url: str | None = field(repr=False)
    aws_endpoint_url: str | None  # None: real AWS
    embedded_aws_port: int
    region: str
    raw_videos_bucket: str
    thumbnails_bucket: str
    highlights_bucket: str
    models_bucket: str
    jobs_queue: str
    dead_letter_queue: str
    dagster_url: str | None = field(repr=False)  # Dagster's storage; None: the app database
    model_backend: str  # "local" (MiniLM, local composer) or "bedrock" (Titan v2, Claude, Cohere)
    embedding_dim: int  # size of events.embedding: the backend's unless given
    embedding_device: str
    bedrock_llm_model: str
    bedrock_rerank_model: str
    detector_weights: str
    detector_device: str
    detector_backend: str
    detector_imgsz: int
    motion_gating: bool
    analysis_fps: float
    attributes_model: str | None  # None: the person_attributes stage is off
    attributes_device: str
    cameras_config: Path
    executor: str  # "k8s", "in_process", or "" for one process per step
    sensors: SensorLimits
    queue_health_interval_s: int
    queue_max_age_s: float
    event_alert_retry_interval_s: int
    event_webhook_url: str | None = field(repr=False)  # None: events go to the alert webhook
    alerts: AlertConfig
    #: The operator's review page (`deepsentinel review`): Dagster metadata links to it.
    review_url: str = f"http://127.0.0.1:{DEFAULT_REVIEW_PORT}"

    @property
    def dagster_ui_url(self) -> str:
        """The Dagster UI the review page links to (the alerts' link, or the local default)."""
        return self.alerts.dagster_ui_url or f"http://127.0.0.1:{DEFAULT_DAGSTER_UI_PORT}"

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


def aws_access_key_set() -> bool:
    """True when boto3 will find an access key in the environment (else: the emulator's)."""
    return bool(os.environ.get("AWS_ACCESS_KEY_ID"))


def embedded_aws_credentials() -> dict[str, str]:
    """The emulator's credentials, each replaced by the one this process was given, if any."""
    return {key: os.environ.get(key, value) for key, value in EMBEDDED_AWS_CREDENTIALS.items()}


def child_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """A copy of this process's environment with ``extra`` over it, for a child process."""
    return {**os.environ, **extra}


def export_environment(values: Mapping[str, str], *, overwrite: bool = True) -> None:
    """Put ``values`` into this process's environment, for Dagster's ``EnvVar`` and children.

    With ``overwrite=False`` a variable that is already set keeps its value.
    """
    for key, value in values.items():
        if overwrite:
            os.environ[key] = value
        else:
            os.environ.setdefault(key, value)


def _flag(value: str | None, default: bool) -> bool:
    value = (value or "").strip().lower()
    return default if not value else value not in ("0", "false", "no", "off")


def _model_backend(env: dict[str, str]) -> str:
    backend = env.get("DEEPSENTINEL_MODEL_BACKEND") or "local"
    if backend not in MODEL_BACKENDS:
        raise ValueError(f"DEEPSENTINEL_MODEL_BACKEND is 'local' or 'bedrock', not {backend!r}")
    return backend


def _sensor_limits(env: dict[str, str]) -> SensorLimits:
    default = SensorLimits()
    return SensorLimits(
        interval_s=max(1, int(env.get("DEEPSENTINEL_SENSOR_INTERVAL_S", default.interval_s))),
        max_per_tick=max(1, int(env.get("DEEPSENTINEL_SENSOR_MAX_PER_TICK", default.max_per_tick))),
        lookback_s=max(0, int(env.get("DEEPSENTINEL_S3_SENSOR_LOOKBACK_S", default.lookback_s))),
        prefix=env.get("DEEPSENTINEL_RAW_VIDEOS_PREFIX", default.prefix),
        reconcile_interval_s=max(
            1, int(env.get("DEEPSENTINEL_RECONCILE_INTERVAL_S", default.reconcile_interval_s))
        ),
    )


def _alert_config(env: dict[str, str]) -> AlertConfig:
    return AlertConfig(
        webhook_url=env.get("DEEPSENTINEL_ALERT_WEBHOOK_URL") or None,
        github_repo=env.get("DEEPSENTINEL_GITHUB_REPO") or None,
        github_token=env.get("DEEPSENTINEL_GITHUB_TOKEN") or None,
        github_api_url=env.get("DEEPSENTINEL_GITHUB_API_URL") or DEFAULT_GITHUB_API,
        dagster_ui_url=(env.get("DEEPSENTINEL_DAGSTER_UI_URL") or "").rstrip("/") or None,
    )


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Resolve the environment from variables (see the README's table).

    Raises:
        ValueError: DEEPSENTINEL_MODEL_BACKEND names no backend.
    """
    env = dict(os.environ if env is None else env)
    backend = _model_backend(env)
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
        dagster_url=env.get("DAGSTER_PG_URL") or None,
        model_backend=backend,
        embedding_dim=int(env.get("DEEPSENTINEL_EMBEDDING_DIM") or EMBEDDING_DIMS[backend]),
        embedding_device=env.get("DEEPSENTINEL_EMBEDDING_DEVICE") or "cpu",
        bedrock_llm_model=env.get("DEEPSENTINEL_BEDROCK_LLM_MODEL") or DEFAULT_BEDROCK_LLM_MODEL,
        bedrock_rerank_model=(
            env.get("DEEPSENTINEL_BEDROCK_RERANK_MODEL") or DEFAULT_BEDROCK_RERANK_MODEL
        ),
        detector_weights=env.get("DEEPSENTINEL_DETECTOR_WEIGHTS") or DEFAULT_WEIGHTS,
        detector_device=env.get("DEEPSENTINEL_DEVICE") or "auto",
        detector_backend=env.get("DEEPSENTINEL_DETECTOR_BACKEND") or "auto",
        detector_imgsz=int(env.get("DEEPSENTINEL_DETECTOR_IMGSZ") or DEFAULT_IMGSZ),
        motion_gating=_flag(env.get("DEEPSENTINEL_MOTION_GATING"), True),
        analysis_fps=float(env.get("DEEPSENTINEL_ANALYSIS_FPS") or DEFAULT_ANALYSIS_FPS),
        attributes_model=env.get("DEEPSENTINEL_ATTRIBUTES_MODEL") or None,
        attributes_device=env.get("DEEPSENTINEL_ATTRIBUTES_DEVICE") or "cpu",
        cameras_config=Path(
            env.get("DEEPSENTINEL_CAMERAS_CONFIG") or PACKAGE_DIR / "config" / "cameras.yaml"
        ),
        executor=env.get("DEEPSENTINEL_EXECUTOR", ""),
        sensors=_sensor_limits(env),
        queue_health_interval_s=int(env.get("DEEPSENTINEL_QUEUE_HEALTH_INTERVAL_S", 60)),
        queue_max_age_s=float(env.get("DEEPSENTINEL_QUEUE_MAX_AGE_S", 900)),
        event_alert_retry_interval_s=int(env.get("DEEPSENTINEL_EVENT_ALERT_RETRY_INTERVAL_S", 300)),
        event_webhook_url=env.get("DEEPSENTINEL_EVENT_WEBHOOK_URL") or None,
        alerts=_alert_config(env),
        review_url=(
            env.get("DEEPSENTINEL_REVIEW_URL") or f"http://127.0.0.1:{DEFAULT_REVIEW_PORT}"
        ).rstrip("/"),
    )
