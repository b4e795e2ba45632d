"""`deepsentinel dev`: the Dagster UI on 127.0.0.1 serves the asset graph of this code location."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
import requests

from deepsentinel_pipelines.settings import REPO_ROOT, Settings

PORT = 3077
QUERY = """
{ assetNodes { assetKey { path } groupName isPartitioned partitionDefinition { type } } }
"""
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
}


@pytest.mark.slow
def test_dev_serves_the_asset_graph_on_loopback(settings: Settings, tmp_path):
    log = (tmp_path / "dev.log").open("w")
    proc = subprocess.Popen(
        [str(REPO_ROOT / ".venv" / "bin" / "deepsentinel"), "dev", "--port", str(PORT)],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        nodes = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                response = requests.post(
                    f"http://127.0.0.1:{PORT}/graphql", json={"query": QUERY}, timeout=5
                )
                data = response.json().get("data") or {}
                nodes = data.get("assetNodes")
                if nodes:
                    break
            except requests.RequestException:
                pass
            time.sleep(2)
        assert nodes, (tmp_path / "dev.log").read_text()[-3000:]
        by_name = {n["assetKey"]["path"][-1]: n for n in nodes}
        assert ASSETS <= set(by_name)
        for name in ASSETS:
            assert by_name[name]["groupName"] == "video_analysis"
            assert by_name[name]["isPartitioned"]
            assert by_name[name]["partitionDefinition"]["type"] == "DYNAMIC"
        out = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True).stdout
        listening = [line.split()[3] for line in out.splitlines() if f":{PORT}" in line]
        assert listening == [f"127.0.0.1:{PORT}"]
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
