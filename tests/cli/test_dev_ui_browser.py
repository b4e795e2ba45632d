"""The operator's view in a real browser: headless Chromium against `deepsentinel dev`.

On a fresh stack of its own, one short clip is processed and one `deepsentinel dev` serves it to
one Chromium (module fixtures: the suite runs on 2 cores). The lineage graph must list every asset,
the asset checks must show as passed, the thumbnail's preview image and the occupancy plot must
load, and an event clip must play. Each page is saved as a screenshot under tests/artifacts/ui/
(git-ignored), a failing one as ``failure_<test>.png``.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from deepsentinel_pipelines.settings import REPO_ROOT
from deepsentinel_pipelines.video.clips import ClipRequest, render_clips
from deepsentinel_pipelines.video.types import Event
from tests.browser import Browser, open_browser, saved_on_failure
from tests.dev_server import dagster_dev
from tests.media import cut_sample
from tests.operator_stack import deepsentinel, fresh_stack

pytestmark = pytest.mark.slow

PORT = 3078  # test_dev_ui.py uses 3077
AWS_PORT = 4589  # the session's emulator is on 4577, test_services' on 4588
BASE = f"http://127.0.0.1:{PORT}"
LOCATION = "deepsentinel_pipelines.definitions"
SCREENSHOTS = REPO_ROOT / "tests" / "artifacts" / "ui"
#: Checks per asset, written by hand from assets/checks.py.
CHECKS = {"raw_video": 1, "detections": 2, "highlights": 1, "event_clips": 1, "embeddings": 1}
WAIT_S = 180


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """An operator's fresh stack: the graph's summaries then show only this module's video."""
    with fresh_stack(tmp_path_factory.mktemp("operator") / "home", AWS_PORT) as env:
        yield env


@pytest.fixture(scope="module")
def report(stack: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two seconds of the sample, analysed by the whole graph with `deepsentinel process`."""
    clip = cut_sample(tmp_path_factory.mktemp("ui") / "ui.mp4", 20.0, 2.0)
    key = f"tests/{uuid.uuid4().hex[:10]}/ui.mp4"
    report = deepsentinel(stack, "process", str(clip), "--key", key, "--camera", "plaza")
    assert report["success"], report["error"]
    return report


@pytest.fixture(scope="module")
def video_id(report: dict) -> str:
    """The analysed video's partition key."""
    return report["video_id"]


@pytest.fixture(scope="module")
def nodes(
    stack: dict[str, str], video_id: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[dict]]:
    """The asset nodes of the one `deepsentinel dev` the module's pages come from."""
    del video_id  # served once the video is analysed
    log = tmp_path_factory.mktemp("dev") / "dev.log"
    with dagster_dev(PORT, log, stack) as served:
        yield served


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for every page of the module."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with open_browser(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def _names_shown(names: set[str]) -> str:
    wanted = ",".join(f"'{n}'" for n in sorted(names))
    return f"[{wanted}].every(n => document.body.innerText.split('\\n').includes(n))"


def _checks_passed(text: str) -> bool:
    """Each checked asset's node in the graph says all its checks passed."""
    for asset, count in CHECKS.items():
        node = text.split(f"\n{asset}\n", 1)[-1].split("\nPartitions", 1)[0]
        if f"Asset checks\n{count} / {count} Passed" not in node:
            return False
    return True


#: Opens the occupancy asset's timeline plot (its metadata row's "[Show Markdown]").
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


def test_lineage_lists_every_asset_with_its_checks_passed(
    browser: Browser, nodes: list[dict]
) -> None:
    with saved_on_failure(browser, SCREENSHOTS, "lineage"):
        groups: dict[str, set[str]] = {}
        for node in nodes:
            groups.setdefault(node["groupName"], set()).add(node["assetKey"]["path"][-1])
        assert {"event_clips", "occupancy", "event_alerts"} <= groups["video_analysis"]
        shown: set[str] = set()
        for group, names in sorted(groups.items()):
            browser.goto(f"{BASE}/locations/{LOCATION}/asset-groups/{group}")
            browser.wait_for(_names_shown(names), WAIT_S)
            if group == "video_analysis":
                text = browser.wait_for_text(_checks_passed, WAIT_S)
                assert "Failed" not in text
            browser.screenshot(SCREENSHOTS / f"lineage_{group}.png")
            shown |= names
        assert shown == {n["assetKey"]["path"][-1] for n in nodes}

        browser.goto(f"{BASE}/assets/detections?view=checks")
        browser.wait_for(_names_shown({"frames_cover_duration"}), WAIT_S)
        browser.wait_for("document.body.innerText.includes('Evaluation result')", WAIT_S)
        text = browser.wait_for_text(lambda t: t.count("Succeeded") >= 2, WAIT_S)
        assert "Failed" not in text
        browser.screenshot(SCREENSHOTS / "checks_detections.png")


def test_the_process_commands_run_is_in_the_jobs_runs_tab(
    browser: Browser, nodes: list[dict], report: dict
) -> None:
    with saved_on_failure(browser, SCREENSHOTS, "runs"):
        browser.goto(f"{BASE}/locations/{LOCATION}/jobs/video_analysis_job/runs")
        # The UI shows a run by the first 8 characters of its id.
        text = browser.wait_for_text(lambda t: report["run_id"][:8] in t, WAIT_S)
        assert "Success" in text
        browser.screenshot(SCREENSHOTS / "job_runs.png")


def test_the_thumbnail_preview_loads(browser: Browser, nodes: list[dict], video_id: str) -> None:
    with saved_on_failure(browser, SCREENSHOTS, "thumbnail"):
        browser.goto(f"{BASE}/assets/thumbnail?partition={quote(video_id)}")
        browser.wait_for("document.body.innerText.includes('[Show Markdown]')", WAIT_S)
        browser.evaluate(
            "[...document.querySelectorAll('a')]"
            ".find(e => e.textContent === '[Show Markdown]').click()"
        )
        width, height, alt = browser.wait_for(
            "[...document.images].filter(i => i.src.startsWith('data:image/jpeg') "
            "&& i.complete && i.naturalWidth > 0)"
            ".map(i => [i.naturalWidth, i.naturalHeight, i.alt])[0]",
            WAIT_S,
        )
        assert (width, alt) == (320, video_id) and height > 100
        browser.screenshot(SCREENSHOTS / "thumbnail_preview.png")


def test_the_occupancy_plot_shows(browser: Browser, nodes: list[dict], video_id: str) -> None:
    with saved_on_failure(browser, SCREENSHOTS, "occupancy"):
        browser.goto(f"{BASE}/assets/occupancy?partition={quote(video_id, safe='')}")
        browser.wait_for(SHOW_TIMELINE, WAIT_S)
        size = browser.wait_for(PLOT_SIZE, WAIT_S)
        assert size == [800, 320]  # plots.py: 8 x 3.2 inches at 100 dpi
        shot = browser.screenshot(SCREENSHOTS / "occupancy_timeline.png").read_bytes()
        assert shot[:4] == b"\x89PNG" and len(shot) > 50_000


CLIP_PAGE = """<!doctype html><html><body>
<video id="v" src="clip.mp4" muted></video><p id="result">waiting</p>
<script>
const v = document.getElementById("v");
const say = (text) => { document.getElementById("result").textContent = text; };
v.addEventListener("loadeddata", () =>
  say(`played ${v.videoWidth}x${v.videoHeight} ${v.duration.toFixed(1)}`));
v.addEventListener("error", () => say(`error ${v.error && v.error.code}`));
</script></body></html>
"""


def test_an_event_clip_plays(browser: Browser, tmp_path: Path) -> None:
    video = cut_sample(tmp_path / "cut.mp4", 20.0, 3.0)
    event = Event("fall", 0.5, 1.0, 1, None, 1.0, "person 1 fell")
    [clip] = render_clips(
        video, [ClipRequest(1, "clip.mp4", event, 0.0, 2.0)], lambda a, b: (), 5.0
    )
    (tmp_path / "clip.mp4").write_bytes(clip.data)
    page = tmp_path / "page.html"
    page.write_text(CLIP_PAGE)
    with saved_on_failure(browser, SCREENSHOTS, "clip"):
        browser.goto(page.as_uri())
        result = browser.wait_for(
            "(t => t === 'waiting' ? '' : t)(document.getElementById('result').textContent)",
            WAIT_S,
        )
        assert result == "played 768x576 2.0"
