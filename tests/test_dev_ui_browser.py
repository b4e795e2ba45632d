"""The operator's view in a real browser: headless Chromium against `deepsentinel dev`.

One short clip is processed first. The lineage graph must list every asset, the thumbnail's
preview image must load, and the asset checks must show as passed. Each page is saved as a
screenshot under tests/artifacts/ui/ (git-ignored), the failing page as ``failure.png``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest

from deepsentinel_pipelines.runner import process_file
from deepsentinel_pipelines.settings import REPO_ROOT, Settings
from tests.browser import Browser
from tests.dev_server import dagster_dev
from tests.media import cut_sample

pytestmark = pytest.mark.slow

PORT = 3078  # test_dev_ui.py uses 3077
BASE = f"http://127.0.0.1:{PORT}"
LOCATION = "deepsentinel_pipelines.definitions"
SCREENSHOTS = REPO_ROOT / "tests" / "artifacts" / "ui"
#: Checks per asset, written by hand from assets/checks.py.
CHECKS = {"raw_video": 1, "detections": 2, "highlights": 1, "embeddings": 1}
WAIT_S = 180


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


def test_lineage_thumbnail_and_checks_in_chromium(
    settings: Settings, tmp_path: Path, unique_id: str
) -> None:
    clip = cut_sample(tmp_path / "ui.mp4", 20.0, 2.0)
    report = process_file(settings, clip, f"tests/{unique_id}/ui.mp4", "plaza", lambda _: None)
    assert report.success, report.error
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with dagster_dev(PORT, tmp_path / "dev.log") as nodes:
        groups: dict[str, set[str]] = {}
        for node in nodes:
            groups.setdefault(node["groupName"], set()).add(node["assetKey"]["path"][-1])
        browser = Browser(tmp_path / "chromium-profile")
        try:
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
            assert browser.text().count("Succeeded") >= 2
            browser.screenshot(SCREENSHOTS / "checks_detections.png")

            browser.goto(f"{BASE}/assets/thumbnail?partition={quote(report.video_id)}")
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
            assert (width, alt) == (320, report.video_id) and height > 100
            browser.screenshot(SCREENSHOTS / "thumbnail_preview.png")
        except BaseException:
            browser.screenshot(SCREENSHOTS / "failure.png")
            (SCREENSHOTS / "failure.txt").write_text(browser.text())
            raise
        finally:
            browser.close()
