"""Python code run in a child process of the test, with the project importable."""

from __future__ import annotations

import os
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
