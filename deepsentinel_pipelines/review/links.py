"""Addresses of the review pages and of the Dagster UI pages they link to (no web imports).

Dagster's metadata links to the review pages, and the review pages link back to Dagster; both
sides build their addresses here, from the base URLs in the settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote, urlencode


def video_page(base: str, video_id: str) -> str:
    """The review page of one video."""
    return f"{base}/videos/{quote(video_id, safe='')}"


def ask_page(base: str, question: str, video_ids: Sequence[str] = ()) -> str:
    """The ask page with a question (and its videos) filled in: it answers it again."""
    return f"{base}/ask?{urlencode([('q', question), *(('video', v) for v in video_ids)])}"


def camera_day_page(base: str, camera: str, day: str) -> str:
    """The review page of one camera's day (``YYYY-MM-DD`` in the camera's zone)."""
    return f"{base}/cameras/{quote(camera, safe='')}/{day}"


def dagster_asset(base: str, asset: str, partition: str) -> str:
    """The Dagster UI's page of one asset partition."""
    return f"{base}/assets/{asset}?{urlencode({'partition': partition})}"


def dagster_run(base: str, run_id: str) -> str:
    """The Dagster UI's page of one run."""
    return f"{base}/runs/{quote(run_id, safe='')}"


def dagster_partition_runs(base: str, job: str, partition: str) -> str:
    """The Dagster UI's runs of one job for one partition."""
    query = urlencode({"q[0]": f"job:{job}", "q[1]": f"tag:dagster/partition={partition}"})
    return f"{base}/runs?{query}"
