"""What the Dagster instance knows about an object version: its runs, and CLI reservations.

A run key (``s3://bucket/key@etag``) names one object version. The sensors and the CLI ask
here whether a version is being or has been analysed, and whether its earlier runs failed.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psutil
from dagster import DagsterRunStatus, RunsFilter

from deepsentinel_pipelines.ingest.keys import RUN_KEY_TAG

#: Runs that ended without a result: a later request for the same version runs it again.
ENDED_WITHOUT_RESULT = frozenset({DagsterRunStatus.FAILURE, DagsterRunStatus.CANCELED})
#: Runs under way: a second request for the same version follows them.
GOING = (DagsterRunStatus.STARTING, DagsterRunStatus.STARTED)
#: Runs waiting for the daemon, which may not be running.
WAITING = (DagsterRunStatus.NOT_STARTED, DagsterRunStatus.QUEUED)
#: A reservation by `deepsentinel process` lapses if its run never appears (the CLI died).
RESERVATION_TTL_S = 3600
_RESERVED = "deepsentinel/reserved/"


@dataclass(frozen=True)
class VersionHistory:
    """Runs of one object version: any queued, running or succeeded, and how many did not."""

    live: bool = False
    failed: int = 0

    @property
    def any(self) -> bool:
        """A run (or a reservation) exists, whatever its outcome."""
        return self.live or self.failed > 0


def reserve_run_key(instance: Any, key: str) -> None:
    """Claim a version before its upload, so a sensor tick in between does not start a run."""
    instance.run_storage.set_cursor_values({_RESERVED + key: str(time.time())})


def _reserved(instance: Any, keys: list[str]) -> set[str]:
    values = instance.run_storage.get_cursor_values({_RESERVED + k for k in keys})
    now = time.time()
    return {
        name[len(_RESERVED) :]
        for name, stamp in values.items()
        if stamp and now - float(stamp) < RESERVATION_TTL_S
    }


def version_history(instance: Any, keys: Iterable[str]) -> dict[str, VersionHistory]:
    """The history of each run key (versions never run are absent)."""
    wanted = sorted(set(keys))
    live: set[str] = set()
    failed: dict[str, int] = {}
    for start in range(0, len(wanted), 100):
        chunk = wanted[start : start + 100]
        for run in instance.get_runs(filters=RunsFilter(tags={RUN_KEY_TAG: chunk})):
            key = run.tags[RUN_KEY_TAG]
            if run.status in ENDED_WITHOUT_RESULT:
                failed[key] = failed.get(key, 0) + 1
            else:
                live.add(key)
        live |= _reserved(instance, chunk)
    return {k: VersionHistory(k in live, failed.get(k, 0)) for k in live | set(failed)}


def going_run(instance: Any, key: str) -> Any | None:
    """The newest run of the version ``key`` under way (starting or started), else None.

    Reservations are not runs: `deepsentinel process` reserves the key it then runs itself.
    """
    runs = instance.get_runs(filters=RunsFilter(tags={RUN_KEY_TAG: key}, statuses=GOING), limit=1)
    return runs[0] if runs else None


def waiting_runs(instance: Any, key: str) -> list[Any]:
    """Runs of the version ``key`` queued for the daemon and not started."""
    return list(instance.get_runs(filters=RunsFilter(tags={RUN_KEY_TAG: key}, statuses=WAITING)))


def existing_run_keys(instance: Any, keys: Iterable[str]) -> set[str]:
    """The run keys among ``keys`` that already have a run (any outcome) or a reservation."""
    return set(version_history(instance, keys))


#: Tags of a run executed inside a CLI process: which process, so a later one can tell it died.
PID_TAG = "deepsentinel/pid"
PROCESS_STARTED_TAG = "deepsentinel/process_started"
HOST_TAG = "deepsentinel/host"


def process_tags() -> dict[str, str]:
    """Tags naming this process, for a run it executes in itself."""
    me = psutil.Process()
    return {
        PID_TAG: str(me.pid),
        PROCESS_STARTED_TAG: f"{me.create_time():.2f}",
        HOST_TAG: socket.gethostname(),
    }


def _alive(tags: dict[str, str]) -> bool:
    try:
        process = psutil.Process(int(tags[PID_TAG]))
        return f"{process.create_time():.2f}" == tags.get(PROCESS_STARTED_TAG)
    except (psutil.NoSuchProcess, ValueError):
        return False


def fail_runs_of_dead_processes(instance: Any) -> list[str]:
    """Mark runs whose CLI process on this host died (kill -9, a crash) failed; their ids.

    Such a run stays "started" and keeps the "gpu" pool slot its step held, so the next run
    would wait for it forever; this is what run monitoring does for the daemon's runs.
    """
    host = socket.gethostname()
    running = instance.get_runs(
        filters=RunsFilter(statuses=[DagsterRunStatus.STARTED], tags={HOST_TAG: host})
    )
    dead = [run for run in running if PID_TAG in run.tags and not _alive(run.tags)]
    for run in dead:
        instance.report_run_failed(run, "its process ended without reporting (killed?)")
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return [run.run_id for run in dead]
