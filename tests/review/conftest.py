"""One `deepsentinel review` for every test of the review pages, on the session's stack."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from deepsentinel_pipelines.settings import REPO_ROOT, Settings
from tests.child import stop_group
from tests.live_stream import free_port

CLI = str(REPO_ROOT / ".venv" / "bin" / "deepsentinel")
START_TIMEOUT_S = 120


@pytest.fixture(scope="package")
def review_url(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The base URL of the review pages, served by the command an operator runs."""
    del settings  # the services are up and their environment exported
    port = free_port()
    log_path: Path = tmp_path_factory.mktemp("review") / "review.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [CLI, "review", "--port", str(port)],
            cwd=REPO_ROOT,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + START_TIMEOUT_S
            while True:
                assert proc.poll() is None, log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, log_path.read_text()[-3000:]
                try:
                    if requests.get(f"{base}/healthz", timeout=2).ok:
                        break
                except requests.RequestException:
                    pass
                time.sleep(0.3)
            yield base
        finally:
            stop_group(proc)
