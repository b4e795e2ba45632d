"""Headless Chromium: an event clip plays, and the Dagster UI shows the occupancy plot."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from urllib.parse import quote

import psycopg
import pytest
import requests
from dagster import DagsterInstance, materialize
from websockets.sync.client import connect

from deepsentinel_pipelines.assets.ingest import thumbnail
from deepsentinel_pipelines.assets.occupancy import occupancy
from deepsentinel_pipelines.db.video_rows import replace_detections, set_video_fields, upsert_video
from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.runner import upload_video
from deepsentinel_pipelines.settings import REPO_ROOT, Settings
from deepsentinel_pipelines.video.clips import ClipRequest, render_clips
from deepsentinel_pipelines.video.events import track_summaries
from deepsentinel_pipelines.video.probe import probe_video
from deepsentinel_pipelines.video.types import Detection, Event
from tests.media import cut_sample

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")

PAGE = """<!doctype html><html><body>
<video id="v" src="clip.mp4" muted></video><p id="result">waiting</p>
<script>
const v = document.getElementById("v");
const say = (text) => { document.getElementById("result").textContent = text; };
v.addEventListener("loadeddata", () =>
  say(`played ${v.videoWidth}x${v.videoHeight} ${v.duration.toFixed(1)}`));
v.addEventListener("error", () => say(`error ${v.error && v.error.code}`));
</script></body></html>
"""


def _page_result(page) -> str:
    dom = subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--allow-file-access-from-files",
            "--virtual-time-budget=10000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    match = re.search(r'<p id="result">([^<]*)</p>', dom)
    return match.group(1) if match else dom[-500:]


def test_an_event_clip_plays_in_chromium(tmp_path):
    video = cut_sample(tmp_path / "cut.mp4", 20.0, 3.0)
    event = Event("fall", 0.5, 1.0, 1, None, 1.0, "person 1 fell")
    [clip] = render_clips(video, [ClipRequest(1, "clip.mp4", event, 0.0, 2.0)], {}, 5.0)
    (tmp_path / "clip.mp4").write_bytes(clip.data)
    page = tmp_path / "page.html"
    page.write_text(PAGE)
    assert _page_result(page) == "played 768x576 2.0"


# --- the Dagster UI shows the occupancy plot -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Headless Chromium driven over the DevTools protocol (no extra package: websockets)."""

    def __init__(self, profile) -> None:
        self.proc = subprocess.Popen(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--window-size=1400,1500",
                "--remote-debugging-port=0",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.1)
        port = port_file.read_text().split()[0]
        pages = requests.get(f"http://127.0.0.1:{port}/json", timeout=10).json()
        self.url = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
        self.ws = None  # set while connected: ``with connect(browser.url) as browser.ws``
        self.calls = 0

    def call(self, method: str, **params) -> dict:
        self.calls += 1
        self.ws.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=60))
            if message.get("id") == self.calls:
                return message.get("result", {})

    def js(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def wait_for(self, expression: str, limit_s: float = 120.0):
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.5)
        return None

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


SHOW_TIMELINE = """(() => {
  const row = [...document.querySelectorAll("tr")].find(
    (r) => r.textContent.trim().startsWith("timeline") && r.textContent.includes("Show Markdown"));
  if (!row) return false;
  [...row.querySelectorAll("*")].find(
    (e) => e.children.length === 0 && e.textContent.trim() === "[Show Markdown]").click();
  return true;
})()"""
PLOT_SIZE = """(() => {
  const img = [...document.images].find((i) => i.src.startsWith("data:image/png"));
  return img && img.complete && img.naturalWidth ? [img.naturalWidth, img.naturalHeight] : null;
})()"""


@pytest.fixture()
def occupancy_partition(settings: Settings, tmp_path, unique_id) -> str:
    """A two-second video with hand-made people, its thumbnail and occupancy materialized."""
    key = f"tests/{unique_id}/ui.mp4"
    video_id, _ = upload_video(settings, cut_sample(tmp_path / "ui.mp4", 20.0, 2.0), key, "plaza")
    people = [
        Detection(frame, frame / 10, track, 0, "person", 0.9, box)
        for frame in range(0, 20, 2)
        for track, box in ((1, (100.0, 100.0, 160.0, 260.0)), (2, (600.0, 150.0, 650.0, 300.0)))
    ]
    with psycopg.connect(settings.database_url) as conn:
        upsert_video(conn, video_id, settings.raw_videos_bucket, key, "plaza", probe_video(
            tmp_path / "ui.mp4"))  # fmt: skip
        replace_detections(conn, video_id, people, track_summaries(people))
        set_video_fields(conn, video_id, analysis_fps=5.0)
    instance = DagsterInstance.get()
    instance.add_dynamic_partitions("videos", [video_id])
    result = materialize(
        [thumbnail, occupancy],
        partition_key=video_id,
        resources=build_resources(),
        instance=instance,
    )
    assert result.success
    return video_id


@pytest.mark.slow
def test_the_occupancy_plot_shows_in_the_dagster_ui(occupancy_partition, tmp_path):
    port = _free_port()
    log = (tmp_path / "dev.log").open("w")
    dev = subprocess.Popen(
        [str(REPO_ROOT / ".venv" / "bin" / "deepsentinel"), "dev", "--port", str(port)],
        cwd=REPO_ROOT,
        env=os.environ.copy(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    (tmp_path / "profile").mkdir()
    browser = None
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and dev.poll() is None:
            try:
                if requests.get(f"http://127.0.0.1:{port}/server_info", timeout=5).ok:
                    break
            except requests.RequestException:
                time.sleep(2)
        browser = Browser(tmp_path / "profile")
        partition = quote(occupancy_partition, safe="")
        page = f"http://127.0.0.1:{port}/assets/occupancy?partition={partition}"
        with connect(browser.url, max_size=None) as browser.ws:
            browser.call("Page.enable")
            browser.call("Page.navigate", url=page)
            assert browser.wait_for(SHOW_TIMELINE), (tmp_path / "dev.log").read_text()[-3000:]
            assert browser.wait_for(PLOT_SIZE, 30) == [800, 320]
            shot = base64.b64decode(browser.call("Page.captureScreenshot", format="png")["data"])
        (tmp_path / "occupancy_ui.png").write_bytes(shot)
        assert shot[:4] == b"\x89PNG" and len(shot) > 50_000
    finally:
        if browser is not None:
            browser.close()
        os.killpg(dev.pid, signal.SIGTERM)
        try:
            dev.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(dev.pid, signal.SIGKILL)
            dev.wait()
