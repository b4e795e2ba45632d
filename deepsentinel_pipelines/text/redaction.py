"""Secrets out of every text that is stored, logged or sent: one helper, :func:`redact`.

Error texts carry what the failing call was given: ``requests`` names the webhook URL (a Slack or
Teams webhook's path *is* its secret), ``urllib3`` the path and query of a refused connection,
botocore a presigned URL's signature. Every error, log line and outgoing message that may hold
such text goes through :func:`redact` first; it keeps what an operator needs to act (the host,
the status, the exception's kind) and drops what would let someone else post or read.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"

# scheme://authority then the rest (path, query, fragment) up to a space, quote or bracket.
_URL = re.compile(r"\b([a-z][a-z0-9+.\-]*)://([^\s/?#'\"<>()\[\]]*)([^\s'\"<>()\[\]]*)", re.I)
_USERINFO_PASSWORD = re.compile(r"^([^:@/]*):[^@/]*@")
# urllib3: "Max retries exceeded with url: /services/T0/B0/XYZ?token=..." (no scheme, no host).
_BARE_URL = re.compile(r"(\burl:\s*)(/\S*)", re.I)
_SENSITIVE_KEYS = (
    r"(?:access[_-]?token|refresh[_-]?token|id[_-]?token|token|api[_-]?key|apikey|secret|"
    r"client[_-]?secret|password|passwd|pwd|sig|signature|credential|auth|"
    r"x-amz-signature|x-amz-credential|x-amz-security-token)"
)
_QUERY_VALUE = re.compile(rf"(?i)(\b{_SENSITIVE_KEYS}=)([^&\s'\"<>]+)")
_QUOTED_VALUE = re.compile(
    r"(?i)([\"'](?:authorization|proxy-authorization|x-api-key|token|password|secret|"
    r"github_token|api_key|webhook_url|url)[\"']\s*:\s*[\"'])([^\"']+)"
)
_HEADER = re.compile(r"(?i)\b((?:proxy-)?authorization\s*[:=]\s*)(?:(bearer|basic|token)\s+)?(\S+)")
_SCHEME_TOKEN = re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=\-]{8,}")
_TOKEN_SHAPES = re.compile(
    r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abposr]-[A-Za-z0-9\-]{6,}"
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})",
    re.I,
)
#: Known secrets shorter than this are not replaced (they would match ordinary words).
_MIN_SECRET_CHARS = 6


def redact(text: object, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with credentials, webhook paths, query strings and signatures replaced.

    Args:
        text: Anything; it is turned into text first (``str``).
        secrets: Values known to be secret (a configured webhook URL, a token); each is replaced
            wherever it occurs, and for a URL its path and query too, whatever else matched.

    Returns:
        The text with ``[redacted]`` in place of: the path, query and fragment of every
        ``http(s)``/``ws(s)`` URL (the scheme and host stay), a password in any URL, query values
        and ``key=value`` pairs named like secrets (token, key, signature, ``X-Amz-*``...),
        ``Authorization`` values and ``Bearer``/``Basic`` credentials, and well-known token shapes
        (GitHub, Slack, AWS access key ids, JWTs).
    """
    out = str(text)
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        for part in _secret_parts(secret):
            out = out.replace(part, REDACTED)
    out = _URL.sub(_redact_url, out)
    out = _BARE_URL.sub(lambda m: m.group(1) + REDACTED, out)
    out = _HEADER.sub(
        lambda m: m.group(1) + (f"{m.group(2)} " if m.group(2) else "") + REDACTED, out
    )
    out = _SCHEME_TOKEN.sub(lambda m: f"{m.group(1)} {REDACTED}", out)
    out = _QUOTED_VALUE.sub(lambda m: m.group(1) + REDACTED, out)
    out = _QUERY_VALUE.sub(lambda m: m.group(1) + REDACTED, out)
    return _TOKEN_SHAPES.sub(REDACTED, out)


def _secret_parts(secret: str) -> list[str]:
    """The secret, and for a URL its path-and-query and query, as a redactor must find them."""
    parts = [secret]
    match = _URL.match(secret)
    if match is not None and match.group(3) not in ("", "/"):
        parts.append(match.group(3))
        query = match.group(3).partition("?")[2]
        if query:
            parts.append(query)
    return [p for p in parts if len(p) >= _MIN_SECRET_CHARS]


def _redact_url(match: re.Match[str]) -> str:
    scheme, authority, rest = match.group(1), match.group(2), match.group(3)
    authority = _USERINFO_PASSWORD.sub(lambda m: f"{m.group(1)}:{REDACTED}@", authority)
    if scheme.lower() in ("http", "https", "ws", "wss"):
        # A webhook's path is its secret, a presigned URL's query its signature: keep the host.
        tail = f"/{REDACTED}" if rest not in ("", "/") else rest
    else:
        # s3://bucket/key, postgresql://user@host/db: the path is a name; a query may hold secrets.
        path, mark, query = rest.partition("?")
        tail = path + (mark + _QUERY_VALUE.sub(lambda m: m.group(1) + REDACTED, query))
    return f"{scheme}://{authority}{tail}"
