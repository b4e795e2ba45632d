"""The embedded services: lifecycle with data kept, migrations, S3, SQS with redrive."""

from __future__ import annotations

import json
import socket
import subprocess
import time

import psycopg
import pytest
import requests

from deepsentinel_pipelines.aws.clients import make_client
from deepsentinel_pipelines.cli.main import main
from deepsentinel_pipelines.db.migrate import (
    EmbeddingDimensionMismatchError,
    MigrationChangedError,
    apply_migrations,
    check_embedding_dim,
    load_migrations,
)
from deepsentinel_pipelines.local_stack.bootstrap import DLQ_MAX_RECEIVES
from deepsentinel_pipelines.local_stack.manager import services_down, services_status, services_up
from deepsentinel_pipelines.local_stack.postgres import running_info
from deepsentinel_pipelines.settings import REPO_ROOT, Settings, load_settings


def _listening_addresses(port: int) -> list[str]:
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    return [line.split()[3] for line in out.splitlines() if line.split()[3].endswith(f":{port}")]


def test_services_restart_keeps_data_and_down_stops_everything(tmp_path, monkeypatch):
    env = {
        "DEEPSENTINEL_HOME": str(tmp_path / "home"),
        "DEEPSENTINEL_AWS_PORT": "4588",
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4588",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
    }
    for key in ("DEEPSENTINEL_DATABASE_URL", "DAGSTER_PG_URL"):
        monkeypatch.delenv(key, raising=False)
    settings = load_settings(env)
    try:
        exported = services_up(settings)
        status = services_status(settings)
        assert status["postgres"] == {"ok": True, "pgvector": status["postgres"]["pgvector"]}
        assert status["postgres"]["pgvector"].startswith("0.8")
        assert status["s3"] == {"ok": True, "buckets": settings.buckets}
        assert status["sqs"] == {"ok": True, "queues": ["video-jobs", "video-jobs-dlq"]}
        assert _listening_addresses(4588) == ["127.0.0.1:4588"]

        with psycopg.connect(exported["DEEPSENTINEL_DATABASE_URL"]) as conn:
            conn.execute("CREATE TABLE kept (note text)")
            conn.execute("INSERT INTO kept VALUES ('from the first run')")
        s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
        s3.put_object(Bucket="raw-videos", Key="cams/kept.mp4", Body=b"first run")
        sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
        queue = sqs.get_queue_url(QueueName="video-jobs")["QueueUrl"]
        sqs.send_message(QueueUrl=queue, MessageBody='{"kept": true}')

        stopped = services_down(settings)
        assert stopped == {"postgres": True, "aws": True}
        status = services_status(settings)
        assert not status["postgres"]["ok"] and not status["s3"]["ok"] and not status["sqs"]["ok"]
        assert _listening_addresses(4588) == []

        exported = services_up(settings)
        with psycopg.connect(exported["DEEPSENTINEL_DATABASE_URL"]) as conn:
            assert conn.execute("SELECT note FROM kept").fetchall() == [("from the first run",)]
        s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
        body = s3.get_object(Bucket="raw-videos", Key="cams/kept.mp4")["Body"].read()
        assert body == b"first run"
        sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
        queue = sqs.get_queue_url(QueueName="video-jobs")["QueueUrl"]
        messages = sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=1).get("Messages", [])
        assert [m["Body"] for m in messages] == ['{"kept": true}']
    finally:
        services_down(settings)


def test_a_taken_aws_port_is_named_and_nothing_is_left_running(tmp_path, monkeypatch, capsys):
    # Another program (a second checkout's emulator, say) listens on the port.
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        monkeypatch.setenv("DEEPSENTINEL_HOME", str(tmp_path / "home"))
        monkeypatch.setenv("DEEPSENTINEL_AWS_PORT", str(port))
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        for key in ("DEEPSENTINEL_DATABASE_URL", "DAGSTER_PG_URL"):
            monkeypatch.delenv(key, raising=False)

        code = main(["services", "up"])

    assert code == 1
    assert capsys.readouterr().err == (
        f"error: port 127.0.0.1:{port} is already taken by another program; "
        "set DEEPSENTINEL_AWS_PORT to a free port\n"
    )
    assert running_info(load_settings().pgdata) is None


def test_migrations_apply_once(settings: Settings, db):
    assert apply_migrations(db, settings.embedding_dim) == []
    db.commit()
    versions = [r[0] for r in db.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [m.version for m in load_migrations()]
    tables = {
        r[0]
        for r in db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
        )
    }
    assert {
        "videos",
        "detections",
        "tracks",
        "events",
        "qa_sessions",
        "qa_interactions",
        "incidents",
    } <= tables
    index = db.execute(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'events_embedding_hnsw'"
    ).fetchone()
    assert "hnsw" in index[0]


def test_wrong_embedding_size_is_a_clear_error(db):
    with pytest.raises(EmbeddingDimensionMismatchError, match="DEEPSENTINEL_EMBEDDING_DIM=384"):
        check_embedding_dim(db, 1024)


def test_reader_login_sees_only_the_qa_views(reader):
    with reader.transaction():
        reader.execute("SELECT count(*) FROM qa.events").fetchone()
    errors = psycopg.errors
    for forbidden, error in (
        ("SELECT count(*) FROM public.events", errors.InsufficientPrivilege),
        ("SELECT embedding FROM qa.events", errors.InsufficientPrivilege),
        # The reader's sessions are read-only; qa.events joins the current analysis, so it is
        # not updatable at all.
        ("DELETE FROM public.events", errors.ReadOnlySqlTransaction),
        ("DELETE FROM qa.events", errors.ObjectNotInPrerequisiteState),
    ):
        with pytest.raises(error), reader.transaction():
            reader.execute(forbidden)


def test_s3_put_get_list_and_presigned_upload(settings: Settings, unique_id):
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    key = f"tests/{unique_id}/clip one.mp4"
    s3.put_object(Bucket="raw-videos", Key=key, Body=b"bytes")
    assert s3.get_object(Bucket="raw-videos", Key=key)["Body"].read() == b"bytes"
    listed = s3.list_objects_v2(Bucket="raw-videos", Prefix=f"tests/{unique_id}/")["Contents"]
    assert [o["Key"] for o in listed] == [key]

    url = s3.generate_presigned_url(
        "put_object",
        Params={"Bucket": "raw-videos", "Key": f"tests/{unique_id}/up.mp4"},
        ExpiresIn=60,
    )
    assert url.startswith("http://127.0.0.1:")
    response = requests.put(url, data=b"uploaded from a browser", timeout=10)
    assert response.status_code == 200
    got = s3.get_object(Bucket="raw-videos", Key=f"tests/{unique_id}/up.mp4")["Body"].read()
    assert got == b"uploaded from a browser"


def test_lifecycle_rules_are_set(settings: Settings):
    s3 = make_client("s3", settings.aws_endpoint_url, settings.region)
    raw = s3.get_bucket_lifecycle_configuration(Bucket="raw-videos")["Rules"]
    assert raw[0]["Transitions"][0]["Days"] == 30
    thumbs = s3.get_bucket_lifecycle_configuration(Bucket="thumbnails")["Rules"]
    assert thumbs[0]["Expiration"]["Days"] == 90


def test_sqs_send_receive_delete(settings: Settings, unique_id):
    sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
    url = sqs.get_queue_url(QueueName="video-jobs")["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)
    body = json.dumps({"video_id": unique_id, "s3_key": f"{unique_id}.mp4"})
    sqs.send_message(QueueUrl=url, MessageBody=body)
    [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
    assert json.loads(message["Body"])["video_id"] == unique_id
    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    # Gone, not only hidden: a message handed back would be in flight for its visibility
    # timeout. The counts are approximate (they may lag in SQS), so wait for them to reach 0.
    deadline = time.monotonic() + 30
    while _messages_held(sqs, url) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _messages_held(sqs, url) == 0
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []


def _messages_held(sqs, url: str) -> int:
    """Messages the queue holds: waiting, or received and not yet deleted."""
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    found = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return sum(int(found[n]) for n in names)


def test_unprocessed_message_is_redriven_to_the_dlq(settings: Settings, unique_id):
    sqs = make_client("sqs", settings.aws_endpoint_url, settings.region)
    url = sqs.get_queue_url(QueueName="video-jobs")["QueueUrl"]
    dlq = sqs.get_queue_url(QueueName="video-jobs-dlq")["QueueUrl"]
    sqs.purge_queue(QueueUrl=url)
    sqs.purge_queue(QueueUrl=dlq)
    sqs.send_message(QueueUrl=url, MessageBody=f"poison {unique_id}")
    for _ in range(DLQ_MAX_RECEIVES):
        [message] = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=1)["Messages"]
        # A consumer that fails hands the message back at once instead of deleting it.
        sqs.change_message_visibility(
            QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
        )
    assert sqs.receive_message(QueueUrl=url).get("Messages", []) == []
    [dead] = sqs.receive_message(QueueUrl=dlq, WaitTimeSeconds=1)["Messages"]
    assert dead["Body"] == f"poison {unique_id}"


def test_definitions_validate_through_workspace_yaml(settings: Settings):
    result = subprocess.run(
        [
            str(REPO_ROOT / ".venv" / "bin" / "dagster"),
            "definitions",
            "validate",
            "-w",
            "workspace.yaml",
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deepsentinel_pipelines.definitions" in result.stdout + result.stderr


def test_an_edited_applied_migration_is_refused(settings: Settings, db):
    with db.transaction(force_rollback=True):
        db.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1")
        with pytest.raises(MigrationChangedError, match="0001_core_tables.sql was changed"):
            apply_migrations(db, settings.embedding_dim)
