"""`deepsentinel dev` started for a test, stopped after it."""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from deepsentinel_pipelines.settings import REPO_ROOT
from tests.child import stop_group

QUERY = """
{ assetNodes { assetKey { path } groupName isPartitioned partitionDefinition { type } } }
"""


@contextlib.contextmanager
def dagster_dev(
    port: int,
    log_path: Path,
    env: dict[str, str] | None = None,
    timeout_s: float = 240,
    review_port: int = 0,
) -> Iterator[list[dict]]:
    """Start the UI on 127.0.0.1:``port`` (in ``env``, by default this process's); yield its
    asset nodes once it serves them. The review pages start beside it on ``review_port``
    (0: not started)."""
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            str(REPO_ROOT / ".venv" / "bin" / "deepsentinel"),
            "dev",
            "--port",
            str(port),
            "--review-port",
            str(review_port),
        ],
        cwd=REPO_ROOT,
        env=os.environ.copy() if env is None else env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout_s
        nodes = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                response = requests.post(
                    f"http://127.0.0.1:{port}/graphql", json={"query": QUERY}, timeout=5
                )
                nodes = (response.json().get("data") or {}).get("assetNodes")
                if nodes:
                    break
            except requests.RequestException:
                pass
            time.sleep(2)
        assert nodes, log_path.read_text()[-3000:]
        yield nodes
    finally:
        stop_group(proc)
        log.close()
