"""A second, fresh DeepSentinel stack (own home, database, buckets, queues, Dagster instance),
driven only through the `deepsentinel` command line, as an operator on a new machine would.

The suite's session stack holds partitions, runs and deliberately broken checks from every other
test; a page that summarises the whole instance (the lineage graph) is only checkable on a stack
that holds nothing but what the test put there.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

from deepsentinel_pipelines.settings import REPO_ROOT

CLI = str(REPO_ROOT / ".venv" / "bin" / "deepsentinel")
#: Set by the session stack (tests/conftest.py); the fresh stack decides its own.
SESSION_VARIABLES = (
    "DEEPSENTINEL_DATABASE_URL",
    "DEEPSENTINEL_READER_URL",
    "DAGSTER_PG_URL",
    "DAGSTER_HOME",
    "DEEPSENTINEL_COMPUTE_LOGS_DIR",
)
#: Converted models are keyed by their inputs' digests: sharing the session's saves minutes.
SHARED_CACHES = (Path("models"), Path("cache") / "weights")


def deepsentinel(env: dict[str, str], *args: str, timeout_s: float = 1200) -> dict:
    """Run one `deepsentinel ... --json` command in ``env``; its JSON answer."""
    done = subprocess.run(
        [CLI, *args, "--json"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    assert done.returncode == 0, f"deepsentinel {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return json.loads(done.stdout.strip().splitlines()[-1])


@contextlib.contextmanager
def fresh_stack(home: Path, aws_port: int) -> Iterator[dict[str, str]]:
    """Services up in ``home`` with the emulator on ``aws_port``; yield the environment that
    points the command line at them; services down afterwards."""
    session_home = Path(os.environ["DEEPSENTINEL_HOME"])
    for cache in SHARED_CACHES:
        if (session_home / cache).is_dir():
            (home / cache).parent.mkdir(parents=True, exist_ok=True)
            (home / cache).symlink_to(session_home / cache, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if k not in SESSION_VARIABLES}
    env |= {
        "DEEPSENTINEL_HOME": str(home),
        "DEEPSENTINEL_AWS_PORT": str(aws_port),
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{aws_port}",
    }
    try:
        deepsentinel(env, "services", "up")
        yield env
    finally:
        subprocess.run([CLI, "services", "down"], cwd=REPO_ROOT, env=env, capture_output=True)
