"""Python code run in a child process of the test, with the project importable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from deepsentinel_pipelines.settings import REPO_ROOT


def python_child(code: str) -> subprocess.Popen:
    """Start ``python -c code`` in the repository, output (both streams) as text on stdout."""
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=os.environ | {"PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop_group(proc: subprocess.Popen) -> None:
    """Stop a child started with ``start_new_session=True`` and everything it started."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
