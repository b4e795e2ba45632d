"""Headless Chromium: an event clip plays (H.264 in MP4) at its size and length."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from deepsentinel_pipelines.video.clips import ClipRequest, render_clips
from deepsentinel_pipelines.video.types import Event
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
