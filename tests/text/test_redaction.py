"""Secrets never survive :func:`redact`; what an operator needs to act on does."""

from __future__ import annotations

import pytest
import requests

from deepsentinel_pipelines.text.redaction import REDACTED, redact

TOKEN = "XOXB-1234-abcdefghij"
HOOK = f"https://hooks.slack.com/services/T0001/B0002/{TOKEN}?token=q-secret-123"


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        (f"500 Server Error: Internal Server Error for url: {HOOK}", "500 Server Error"),
        (
            "HTTPSConnectionPool(host='hooks.slack.com', port=443): Max retries exceeded with "
            f"url: /services/T0001/B0002/{TOKEN}?token=q-secret-123 (Caused by timeout)",
            "host='hooks.slack.com'",
        ),
        (f"posting to {HOOK} failed", "https://hooks.slack.com/"),
        ("{'Authorization': 'Bearer ghp_abcdefghijklmnopqrstuvwxyz0123'}", "Authorization"),
        ("Authorization: token q-secret-123", "Authorization: token"),
        ("curl -H 'Authorization: Bearer q-secret-123456'", "curl"),
        (
            "https://highlights.s3.amazonaws.com/v/a.jpg?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE"
            "&X-Amz-Signature=q-secret-123",
            "highlights.s3.amazonaws.com",
        ),
        ("postgresql://app:q-secret-123@db.example/deepsentinel", "db.example/deepsentinel"),
        ("s3://b/k?token=q-secret-123", "s3://b/k"),
        ("x-amz-security-token=q-secret-123&a=1", "a=1"),
        ("slack said xoxp-999-q-secret-123", "slack said"),
    ],
)
def test_secrets_are_redacted(raw: str, kept: str) -> None:
    out = redact(raw)
    for secret in ("q-secret-123", TOKEN, "T0001/B0002", "ghp_abc", "AKIAIOSFODNN7EXAMPLE"):
        assert secret not in out
    assert kept in out and REDACTED in out


def test_names_and_statuses_stay() -> None:
    text = "s3://raw-videos/uploads/lobby/a.mp4: 404 Not Found (NoSuchKey)"
    assert redact(text) == text


def test_known_secrets_go_whatever_they_look_like() -> None:
    odd = "https://example.org/hook/plainwords"
    assert redact("failed: /hook/plainwords", [odd, None]) == f"failed: {REDACTED}"
    assert redact("an ordinary key= and k", ["k"]) == "an ordinary key= and k"  # too short


def test_a_real_requests_error_is_redacted() -> None:
    try:
        requests.post("http://127.0.0.1:9/services/T0001/B0002/XYZ?token=q-secret-123", timeout=2)
    except requests.RequestException as err:
        text = redact(err)
    assert "q-secret-123" not in text and "T0001" not in text
    assert "Connection" in text or "connect" in text
