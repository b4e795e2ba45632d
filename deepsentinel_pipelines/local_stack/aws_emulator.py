"""Embedded S3 + SQS over HTTP: the ``ministack`` emulator, bound to 127.0.0.1 only.

State (buckets, objects, queues, messages) is written under its data folder and survives a
restart, as long as the emulator is stopped with SIGTERM (which :func:`stop_emulator` does).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from deepsentinel_pipelines.local_stack.errors import ServiceError
from deepsentinel_pipelines.settings import child_environment

HOST = "127.0.0.1"
START_TIMEOUT_S = 30.0


def _pid_file(data_dir: Path) -> Path:
    return data_dir / "ministack.pid"


def port_open(port: int, host: str = HOST) -> bool:
    """True when something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _alive(pid: int) -> bool:
    try:
        # Reap it first when it is our own child, or a dead child would look alive.
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def running_pid(data_dir: Path) -> int | None:
    """PID of the emulator started from ``data_dir``, or None when it is not running."""
    pid_file = _pid_file(data_dir)
    if not pid_file.exists():
        return None
    pid = int(pid_file.read_text().strip())
    if not _alive(pid):
        pid_file.unlink(missing_ok=True)
        return None
    return pid


def start_emulator(data_dir: Path, port: int) -> int:
    """Start the emulator in its own session (it outlives the caller); return its PID."""
    pid = running_pid(data_dir)
    if pid is not None:
        return pid
    if port_open(port):
        raise ServiceError(
            f"port {HOST}:{port} is already taken by another program; "
            "set DEEPSENTINEL_AWS_PORT to a free port"
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    # The emulator is a child process: it inherits this environment plus its own settings
    # (building a child's environment, not reading configuration: see settings.py).
    env = child_environment(
        {
            "SERVICES": "s3,sqs",
            "BIND_HOST": HOST,
            "GATEWAY_PORT": str(port),
            "MINISTACK_HOST": HOST,
            "PERSIST_STATE": "1",
            "STATE_DIR": str(data_dir / "state"),
            "S3_PERSIST": "1",
            "S3_DATA_DIR": str(data_dir / "s3"),
            "IOT_MTLS_ENABLED": "0",
            "SFTP_ENABLED": "0",
            "LOG_LEVEL": "INFO",
        }
    )
    log = (data_dir / "ministack.log").open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hypercorn", "ministack.app:app", "--bind", f"{HOST}:{port}"],
        cwd=data_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    _pid_file(data_dir).write_text(str(proc.pid))
    deadline = time.monotonic() + START_TIMEOUT_S
    while not port_open(port):
        if proc.poll() is not None:
            _pid_file(data_dir).unlink(missing_ok=True)
            raise ServiceError(
                f"the S3/SQS emulator exited with code {proc.returncode}; "
                f"see {data_dir / 'ministack.log'}"
            )
        if time.monotonic() > deadline:
            raise ServiceError(f"the S3/SQS emulator did not open {HOST}:{port} in time")
        time.sleep(0.1)
    return proc.pid


def stop_emulator(data_dir: Path, timeout_s: float = 30.0) -> bool:
    """Stop the emulator gracefully so it saves its state; True when one was running."""
    pid = running_pid(data_dir)
    if pid is None:
        return False
    # Only the parent: it shuts its worker down gracefully, which saves the state. A signal
    # to the whole group kills the worker before it can save.
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.1)
    else:
        os.killpg(pid, signal.SIGKILL)
    _pid_file(data_dir).unlink(missing_ok=True)
    return True
