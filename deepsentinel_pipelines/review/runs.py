"""Each video's latest analysis run, as the Dagster instance records it.

The review app reads Dagster's run storage only to say whether a video is queued, being
analysed, analysed or failed, and to link to the run; without an instance it says what the
database knows (published or not).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from deepsentinel_pipelines.text.redaction import redact

logger = logging.getLogger(__name__)

#: The job every video's analysis runs as.
ANALYSIS_JOB = "video_analysis_job"
#: How a run's status reads on the page.
STATUS_WORDS = {
    "NOT_STARTED": "queued",
    "QUEUED": "queued",
    "STARTING": "analysing",
    "STARTED": "analysing",
    "SUCCESS": "analysed",
    "FAILURE": "failed",
    "CANCELING": "canceled",
    "CANCELED": "canceled",
}


@dataclass(frozen=True)
class RunState:
    """A video's latest analysis run."""

    status: str  # one of STATUS_WORDS' values
    run_id: str


@cache
def _instance() -> Any:
    # Imported on first use: Dagster takes a second to import, and pages work without it.
    from dagster import DagsterInstance

    return DagsterInstance.get()


def latest_runs(video_ids: Sequence[str]) -> dict[str, RunState]:
    """The newest analysis run of each video that has one (empty without an instance)."""
    if not video_ids:
        return {}
    from dagster import RunsFilter

    try:
        instance = _instance()
        runs = instance.get_runs(
            filters=RunsFilter(job_name=ANALYSIS_JOB, tags={"dagster/partition": list(video_ids)}),
            limit=20 * len(video_ids),
        )
    except Exception as err:  # no instance, or its storage down: the page shows the database
        logger.warning("no run status from the Dagster instance: %s", redact(err))
        return {}
    latest: dict[str, RunState] = {}
    for run in runs:  # newest first
        video_id = run.tags.get("dagster/partition")
        if video_id is not None and video_id not in latest:
            latest[video_id] = RunState(STATUS_WORDS.get(run.status.value, "unknown"), run.run_id)
    return latest
