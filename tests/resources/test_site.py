"""The site resource: the camera rules file and the review URL the steps are given."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from deepsentinel_pipelines.resources import build_resources
from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.settings import load_settings

RULES = """
cameras:
  default:
    timezone: Europe/Paris
  lobby:
    timezone: America/New_York
    zones:
      - name: desk
        points: [[0, 0], [0.5, 0], [0.5, 0.5], [0, 0.5]]
alerts:
  - name: falls
    event_types: [fall]
"""


def test_the_settings_choose_the_rules_file_and_the_review_url(tmp_path: Path) -> None:
    rules = tmp_path / "cameras.yaml"
    rules.write_text(RULES)
    env = {
        "DEEPSENTINEL_CAMERAS_CONFIG": str(rules),
        "DEEPSENTINEL_REVIEW_URL": "https://review.example/",
        "DEEPSENTINEL_HOME": str(tmp_path / "home"),
    }
    site = build_resources(load_settings(env))["site"]
    assert isinstance(site, SiteResource)
    assert site.cameras_config == str(rules) and not site.attributes_enabled
    assert site.video_page("cam/a b.mp4") == "https://review.example/videos/cam%2Fa%20b.mp4"


def test_steps_read_the_file_as_it_is_when_they_run(tmp_path: Path) -> None:
    rules = tmp_path / "cameras.yaml"
    rules.write_text(RULES)
    site = SiteResource(cameras_config=str(rules), review_url="http://127.0.0.1:1")
    assert [z.name for z in site.camera("lobby", 640, 480).zones][-1] == "desk"
    assert site.clock("plaza").timezone == "Europe/Paris"  # from default
    at = datetime(2026, 12, 1, 17, tzinfo=UTC)
    assert site.video_clock("lobby", at).stamp() == "2026-12-01 12:00:00 EST"
    assert [r.name for r in site.alert_rules()] == ["falls"]
    rules.write_text(RULES.replace("America/New_York", "Asia/Tokyo"))  # an operator's edit
    assert site.video_clock("lobby", at).stamp() == "2026-12-02 02:00:00 JST"
