"""Code versions come from the settings the definitions load once, not from each asset module."""

import subprocess
import sys

from deepsentinel_pipelines.definitions import defs

#: Every asset module the definitions load.
ASSET_MODULES = (
    "ingest",
    "detections",
    "events",
    "event_clips",
    "event_alerts",
    "occupancy",
    "embeddings",
    "video_summary",
    "publication",
    "camera_days",
    "attributes",
)


def test_the_rules_derived_assets_share_the_rules_version_and_detections_the_models():
    graph = defs.resolve_asset_graph()
    versions = {
        key.to_user_string(): graph.get(key).code_version
        for key in graph.get_all_asset_keys()
        if graph.get(key).code_version is not None
    }
    # Written by hand: what a camera rules edit makes stale, and the GPU step.
    assert set(versions) == {
        "detections",
        "events",
        "highlights",
        "occupancy",
        "event_alerts",
        "embeddings",
        "video_summary",
        "event_clips",
    }
    rules = versions["events"]
    assert rules.startswith("r")
    assert {versions[name] for name in versions if name not in ("detections", "event_clips")} == {
        rules
    }
    assert versions["event_clips"].startswith(f"{rules}-w")
    assert versions["detections"] != rules


def test_importing_the_asset_modules_loads_no_settings():
    code = (
        "import deepsentinel_pipelines.settings as s\n"
        "def refuse(*a, **k):\n"
        "    raise SystemExit('load_settings() called at import')\n"
        "s.load_settings = refuse\n"
        "import importlib\n"
        f"for name in {ASSET_MODULES!r}:\n"
        "    importlib.import_module(f'deepsentinel_pipelines.assets.{name}')\n"
        "print('ok')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "ok"
