"""The review pages in a real browser: headless Chromium against `deepsentinel review`.

Eight seconds of the plaza are analysed by the whole graph (under a key with markup in it, and a
recording time), then one Chromium asks a question on ``/ask`` and plays a cited clip, clicks a
marker of the video's timeline and plays its clip, steps through events with the keys, and
reads the names back as text; each page must fit a phone's width. Screenshots are saved under
tests/artifacts/review/ (git-ignored), a failing page as ``failure_<test>.png``.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest

from deepsentinel_pipelines.runs.runner import process_file
from deepsentinel_pipelines.settings import REPO_ROOT, Settings
from tests.browser import Browser, open_browser, saved_on_failure
from tests.media import cut_sample

pytestmark = pytest.mark.slow

CLI = str(REPO_ROOT / ".venv" / "bin" / "deepsentinel")
SCREENSHOTS = REPO_ROOT / "tests" / "artifacts" / "review"
WAIT_S = 90
PHONE_WIDTH = 390
QUESTION = "How many people crossed the path line?"
#: A name an attacker could give an upload: it must stay text on every page.
MARKUP_NAME = '<img src=x onerror="document.title=1"><b>cam</b>.mp4'


@pytest.fixture(scope="module")
def video_id(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> str:
    """Seconds 20-28 of the plaza (people walking, crossing the path line), analysed."""
    del settings
    clip = cut_sample(tmp_path_factory.mktemp("review") / "plaza.mp4", 20.0, 8.0)
    key = f"tests/{uuid.uuid4().hex[:8]}/{MARKUP_NAME}"
    report = process_file(
        clip, key, "plaza", lambda line: None, recorded_at="2026-12-01T14:00:20+01:00"
    )
    assert report.success, report.error
    assert report.clips, "the cut must have notable events with clips"
    return report.video_id


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    """One headless Chromium for every page of the module."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with open_browser(tmp_path_factory.mktemp("chromium-profile")) as chromium:
        yield chromium


def _width(browser: Browser, width: int) -> None:
    browser.send(
        "Emulation.setDeviceMetricsOverride",
        width=width,
        height=900,
        deviceScaleFactor=1,
        mobile=width < 600,
    )


def _key(browser: Browser, key: str, code: str) -> None:
    for kind in ("keyDown", "keyUp"):
        browser.send("Input.dispatchKeyEvent", type=kind, key=key, code=code, text=key)


#: The event selected on a timeline page.
SELECTED = "document.querySelector('.event.selected').dataset.event"
#: True once the video element has played at least a few frames of its clip.
PLAYING = "(v => v && v.readyState >= 2 && v.currentTime > 0.3 && v.videoWidth === 768)"


def test_asking_shows_the_answer_a_frame_and_a_clip_that_plays(
    browser: Browser, review_url: str, video_id: str
) -> None:
    printed = json.loads(
        subprocess.run(
            [CLI, "ask", QUESTION, "--video", video_id, "--json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    with saved_on_failure(browser, SCREENSHOTS, "ask"):
        _width(browser, 1400)
        browser.goto(f"{review_url}/ask")
        browser.wait_for("document.querySelector('input[name=q]') !== null", WAIT_S)
        # Typed and submitted as an operator would: the question, this video, the Ask button.
        browser.evaluate(
            f"document.querySelector('input[name=q]').value = {json.dumps(QUESTION)};"
            f"document.querySelector('select[name=video]').value = {json.dumps(video_id)};"
            "document.querySelector('form.ask button[type=submit]').click()"
        )
        shown = browser.wait_for(
            "(a => a && [a.textContent, (document.querySelector('.answer-rest') || {}).textContent"
            " || ''])(document.getElementById('answer'))",
            WAIT_S,
        )
        assert " ".join(part for part in shown if part) == printed["answer"]
        frame = browser.wait_for(
            "(i => i && i.complete && i.naturalWidth ? [i.naturalWidth, i.naturalHeight] : null)"
            "(document.querySelector('.event-card img.frame'))",
            WAIT_S,
        )
        assert frame == [768, 576]
        browser.evaluate("document.querySelector('.event-card .play').click()")
        browser.wait_for(f"{PLAYING}(document.querySelector('.event-card video.clip'))", WAIT_S)
        browser.screenshot(SCREENSHOTS / "ask.png")


def test_a_timeline_marker_plays_its_clip_and_the_keys_step_through(
    browser: Browser, review_url: str, video_id: str
) -> None:
    with saved_on_failure(browser, SCREENSHOTS, "timeline"):
        _width(browser, 1400)
        browser.goto(f"{review_url}/videos/{quote(video_id, safe='')}")
        browser.wait_for("document.querySelectorAll('.marker:not([hidden])').length > 1", WAIT_S)
        clicked = browser.evaluate(
            "(m => { m.click(); return m.dataset.event; })"
            "(document.querySelector('.marker:not([hidden])'))"
        )
        browser.wait_for(f"{PLAYING}(document.getElementById('clip'))", WAIT_S)
        frame = browser.wait_for(
            "(i => i.complete && i.naturalWidth)(document.getElementById('frame'))", WAIT_S
        )
        assert frame == 768
        assert (
            browser.evaluate("document.querySelector('.event.selected').dataset.event") == clicked
        )
        browser.screenshot(SCREENSHOTS / "video.png")
        # j: the next event shown in the list; space: pause its clip; k: back to the first.
        _key(browser, "j", "KeyJ")
        second = browser.evaluate(SELECTED)
        assert second != clicked
        browser.wait_for(f"{PLAYING}(document.getElementById('clip'))", WAIT_S)
        _key(browser, " ", "Space")
        assert browser.wait_for("document.getElementById('clip').paused", WAIT_S)
        _key(browser, "k", "KeyK")
        assert (
            browser.evaluate("document.querySelector('.event.selected').dataset.event") == clicked
        )


def test_a_name_with_markup_is_shown_as_text(
    browser: Browser, review_url: str, video_id: str
) -> None:
    with saved_on_failure(browser, SCREENSHOTS, "markup"):
        _width(browser, 1400)
        for path in (
            "/",
            f"/videos/{quote(video_id, safe='')}",
            "/ask?" + urlencode({"q": "any falls?"}),
        ):
            browser.goto(f"{review_url}{path}")
            browser.wait_for("document.readyState === 'complete'", WAIT_S)
            names = browser.evaluate(
                "[...document.querySelectorAll('.video-name, option')].map(e => e.textContent)"
            )
            assert any(name.strip() == video_id for name in names), path
            # No element came out of the name, and its handler never ran.
            assert browser.evaluate("document.querySelector('main b, main img[src=x]')") is None
            assert browser.evaluate("document.title") != "1"


@pytest.mark.parametrize("page", ["index", "video", "ask"])
def test_each_page_fits_a_phone(
    browser: Browser, review_url: str, video_id: str, page: str
) -> None:
    path = {
        "index": "/",
        "video": f"/videos/{quote(video_id, safe='')}",
        "ask": "/ask?" + urlencode({"q": QUESTION, "video": video_id}),
    }[page]
    _width(browser, PHONE_WIDTH)
    try:
        with saved_on_failure(browser, SCREENSHOTS, f"phone_{page}"):
            browser.goto(f"{review_url}{path}")
            browser.wait_for("document.readyState === 'complete'", WAIT_S)
            width = browser.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE_WIDTH
            browser.screenshot(SCREENSHOTS / f"phone_{page}.png")
    finally:
        _width(browser, 1400)
