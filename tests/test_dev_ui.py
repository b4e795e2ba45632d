"""`deepsentinel dev`: the Dagster UI on 127.0.0.1 serves the asset graph of this code location."""

from __future__ import annotations

import subprocess

import pytest

from deepsentinel_pipelines.settings import Settings
from tests.dev_server import dagster_dev

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


@pytest.mark.slow
def test_dev_serves_the_asset_graph_on_loopback(settings: Settings, tmp_path):
    with dagster_dev(PORT, tmp_path / "dev.log") as nodes:
        by_name = {n["assetKey"]["path"][-1]: n for n in nodes}
        assert ASSETS | SOURCES <= set(by_name)
        for name in ASSETS:
            assert by_name[name]["groupName"] == "video_analysis"
            assert by_name[name]["isPartitioned"]
            assert by_name[name]["partitionDefinition"]["type"] == "DYNAMIC"
        for name in SOURCES:
            assert by_name[name]["groupName"] == "sources"
        out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        listening = [line.split()[3] for line in out.splitlines() if f":{PORT}" in line]
        assert listening == [f"127.0.0.1:{PORT}"]
