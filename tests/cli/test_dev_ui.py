"""`deepsentinel dev`: the Dagster UI on 127.0.0.1 serves the asset graph of this code location,
and the review pages start beside it, linked both ways, and end with it."""

from __future__ import annotations

import subprocess
import time

import pytest
import requests

from deepsentinel_pipelines.settings import Settings
from tests.dev_server import dagster_dev
from tests.live_stream import free_port

PORT = 3077
ASSETS = {
    "raw_video",
    "thumbnail",
    "detections",
    "person_attributes",
    "events",
    "highlights",
    "embeddings",
    "video_summary",
    "event_clips",
    "occupancy",
    "event_alerts",
    "current_analysis",
}
SOURCES = {"raw_videos_bucket", "video_jobs_queue"}


def _listening(port: int) -> list[str]:
    out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
    return [line.split()[3] for line in out.splitlines() if line.split()[3].endswith(f":{port}")]


def _review_page(port: int, timeout_s: float = 120) -> str:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            page = requests.get(f"http://127.0.0.1:{port}/", timeout=10)
            if page.ok:
                return page.text
        except requests.RequestException:
            pass
        assert time.monotonic() < deadline, "the review pages never answered"
        time.sleep(0.5)


@pytest.mark.slow
def test_dev_serves_the_asset_graph_on_loopback(settings: Settings, tmp_path):
    review = free_port()
    with dagster_dev(PORT, tmp_path / "dev.log", review_port=review) as nodes:
        by_name = {n["assetKey"]["path"][-1]: n for n in nodes}
        assert ASSETS | SOURCES <= set(by_name)
        for name in ASSETS:
            assert by_name[name]["groupName"] == "video_analysis"
            assert by_name[name]["isPartitioned"]
            assert by_name[name]["partitionDefinition"]["type"] == "DYNAMIC"
        for name in SOURCES:
            assert by_name[name]["groupName"] == "sources"
        assert _listening(PORT) == [f"127.0.0.1:{PORT}"]
        # The review pages, on loopback too, link to this UI.
        page = _review_page(review)
        assert f'href="http://127.0.0.1:{PORT}"' in page
        assert _listening(review) == [f"127.0.0.1:{review}"]
    deadline = time.monotonic() + 30
    while _listening(review):
        assert time.monotonic() < deadline, "the review pages outlived `deepsentinel dev`"
        time.sleep(0.5)
