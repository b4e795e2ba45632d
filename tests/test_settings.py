"""Settings: the one reader of the environment, and what the definitions build from it."""

from __future__ import annotations

import re

import pytest

from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.sensors import build_sensors
from deepsentinel_pipelines.settings import PACKAGE_DIR, load_settings

#: Modules that touch os.environ outside settings.py: the detector's runtime sets ultralytics'
#: own variables before it loads. The services' environment for child processes and for
#: Dagster is built and exported by settings.py's helpers (child_environment,
#: export_environment, embedded_aws_credentials).
NOT_CONFIGURATION = {"video/runtime.py"}
ENVIRONMENT_ACCESS = re.compile(r"\bos\.(environ|getenv)\b|from os import [^\n]*(environ|getenv)")


def _embedding_sizes(env: dict[str, str]) -> tuple[int, int]:
    resources = build_resources(load_settings(env))
    return resources["database"].embedding_dim, resources["embedder"].dim()


def test_bedrock_column_and_embedder_agree_at_titan_size() -> None:
    # Titan v2 is asked for 1024 dimensions; dim() is the configured size, no AWS call.
    assert _embedding_sizes({"DEEPSENTINEL_MODEL_BACKEND": "bedrock"}) == (1024, 1024)


def test_local_column_and_embedder_agree_at_minilm_size() -> None:
    # dim() loads the shipped MiniLM: the size is the model's, not a setting.
    assert _embedding_sizes({"DEEPSENTINEL_MODEL_BACKEND": "local"}) == (384, 384)


def test_an_explicit_embedding_size_wins_for_both() -> None:
    env = {"DEEPSENTINEL_MODEL_BACKEND": "bedrock", "DEEPSENTINEL_EMBEDDING_DIM": "512"}
    assert _embedding_sizes(env) == (512, 512)


def test_an_unknown_backend_is_named() -> None:
    with pytest.raises(ValueError, match="DEEPSENTINEL_MODEL_BACKEND.*'openai'"):
        load_settings({"DEEPSENTINEL_MODEL_BACKEND": "openai"})


def test_sensors_tick_at_the_configured_intervals() -> None:
    settings = load_settings(
        {
            "DEEPSENTINEL_SENSOR_INTERVAL_S": "7",
            "DEEPSENTINEL_RECONCILE_INTERVAL_S": "70",
            "DEEPSENTINEL_QUEUE_HEALTH_INTERVAL_S": "5",
            "DEEPSENTINEL_EVENT_ALERT_RETRY_INTERVAL_S": "50",
        }
    )
    intervals = {s.name: s.minimum_interval_seconds for s in build_sensors(settings)}
    assert intervals == {
        "raw_videos_sensor": 7,
        "raw_videos_reconciliation_sensor": 70,
        "video_jobs_sqs_sensor": 7,
        "run_failure_alert_sensor": 7,
        "queue_health_sensor": 5,
        "event_alert_retry_sensor": 50,
    }


def test_secrets_stay_variables_and_the_rest_are_values() -> None:
    env = {
        "DEEPSENTINEL_READER_URL": "postgresql://reader:pw@db/app",
        "DEEPSENTINEL_ALERT_WEBHOOK_URL": "https://hooks.example/secret",
        "DEEPSENTINEL_RAW_VIDEOS_BUCKET": "cctv-uploads",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4999",
    }
    resources = build_resources(load_settings(env))
    database, webhook = resources["database"], resources["event_webhook"]
    # The definitions hold the variables' names, never the URLs with their credentials.
    assert (database.url, database.reader_url) == (
        "DEEPSENTINEL_DATABASE_URL",
        "DEEPSENTINEL_READER_URL",
    )
    assert webhook.url == "DEEPSENTINEL_ALERT_WEBHOOK_URL"
    assert resources["object_store"].raw_videos_bucket == "cctv-uploads"
    assert resources["job_queue"].endpoint_url == "http://127.0.0.1:4999"


def test_only_settings_reads_the_environment() -> None:
    readers = sorted(
        path.relative_to(PACKAGE_DIR).as_posix()
        for path in PACKAGE_DIR.rglob("*.py")
        if ENVIRONMENT_ACCESS.search(path.read_text())
    )
    allowed = NOT_CONFIGURATION | {"settings.py"}
    assert [p for p in readers if p not in allowed] == []


def test_printing_the_settings_shows_no_secret() -> None:
    secrets = {
        "DEEPSENTINEL_DATABASE_URL": "postgresql://app:pw-app-1@db.example/deepsentinel",
        "DEEPSENTINEL_READER_URL": "postgresql://reader:pw-reader-2@db.example/deepsentinel",
        "DAGSTER_PG_URL": "postgresql+psycopg2://app:pw-dagster-3@db.example/dagster",
        "DEEPSENTINEL_ALERT_WEBHOOK_URL": "https://hooks.slack.com/services/T1/B2/hook-secret-4",
        "DEEPSENTINEL_EVENT_WEBHOOK_URL": "https://example.webhook.office.com/hook-secret-5",
        "DEEPSENTINEL_GITHUB_TOKEN": "ghp_token-secret-6",
        "DEEPSENTINEL_GITHUB_REPO": "acme/cctv",
    }
    settings = load_settings(secrets)
    assert settings.alerts.github_token == "ghp_token-secret-6"  # still there to use
    for text in (repr(settings), str(settings), repr(settings.alerts)):
        assert "secret" not in text and "pw-" not in text
    assert "acme/cctv" in repr(settings)
