"""A plain (non-editable) install carries what it needs: definitions, Dagster files, the stack."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from deepsentinel_pipelines.settings import (
    DEFAULT_HOME,
    INSTANCE_YAML,
    PACKAGE_DIR,
    REPO_ROOT,
    WORKSPACE_YAML,
    Settings,
)

#: The installed stack's emulator port: apart from the suite's and other checkouts'.
AWS_PORT = "4614"


def test_the_package_links_the_top_level_dagster_files():
    # One copy: the package's config/ links to the files the repository's tools use.
    assert (PACKAGE_DIR / "config" / "workspace.yaml").is_symlink()
    assert (PACKAGE_DIR / "config" / "dagster.yaml").is_symlink()
    assert WORKSPACE_YAML == REPO_ROOT / "workspace.yaml"
    assert INSTANCE_YAML == REPO_ROOT / "dagster.yaml"
    assert DEFAULT_HOME == REPO_ROOT / ".deepsentinel"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture()
def installed(tmp_path: Path) -> Path:
    """A fresh venv holding `pip install --no-deps .` of this checkout; its python."""
    # Built from a copy of what the Dockerfile copies, so the build leaves nothing here.
    src = tmp_path / "src"
    src.mkdir()
    for name in ["pyproject.toml", "README.md", "workspace.yaml", "dagster.yaml"]:
        shutil.copy(REPO_ROOT / name, src / name)
    shutil.copytree(
        PACKAGE_DIR,
        src / PACKAGE_DIR.name,
        symlinks=True,
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies (and pip, setuptools) come from this venv; only the package is new.
    purelib = Path(sysconfig.get_path("purelib", vars={"base": venv, "platbase": venv}))
    (purelib / "shared_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = str(venv / "bin" / "python")
    pip = [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation"]
    _run([*pip, "--no-index", str(src)], tmp_path, _clean_env(tmp_path))
    return venv


def _clean_env(home: Path) -> dict[str, str]:
    """This process's environment without the suite's services or checkout on the path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DEEPSENTINEL_", "DAGSTER_", "AWS_")) and key != "PYTHONPATH"
    }
    return env | {"DEEPSENTINEL_HOME": str(home / "home"), "DEEPSENTINEL_AWS_PORT": AWS_PORT}


@pytest.mark.slow
def test_installed_package_loads_its_definitions_and_starts_the_stack(
    installed: Path, tmp_path: Path, settings: Settings
):
    python, cli = str(installed / "bin" / "python"), str(installed / "bin" / "deepsentinel")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = _clean_env(tmp_path)
    # The text-model conversion is the same for every home and the session did it already.
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "models").symlink_to(settings.home / "models", target_is_directory=True)

    where = json.loads(
        _run(
            [
                python,
                "-c",
                "import json, deepsentinel_pipelines.settings as s; print(json.dumps("
                "[s.__file__, str(s.WORKSPACE_YAML), str(s.INSTANCE_YAML), str(s.SAMPLE_VIDEO)]))",
            ],
            outside,
            env,
        )
    )
    purelib = sysconfig.get_path("purelib", vars={"base": installed, "platbase": installed})
    package = Path(purelib) / "deepsentinel_pipelines"
    assert where == [
        str(package / "settings.py"),
        str(package / "config" / "workspace.yaml"),
        str(package / "config" / "dagster.yaml"),
        str(package / "data" / "sample_plaza.mp4"),
    ]
    assert Path(where[1]).read_text() == (REPO_ROOT / "workspace.yaml").read_text()
    assert Path(where[2]).read_text() == (REPO_ROOT / "dagster.yaml").read_text()
    assert Path(where[3]).is_file()
    assert (package / "config" / "cameras.yaml").is_file()
    assert sorted(p.name for p in (package / "db" / "migrations").glob("*.sql"))[0] == (
        "0001_core_tables.sql"
    )
    # The review pages' templates, stylesheet and script travel with the package.
    assert {p.name for p in (package / "review" / "templates").glob("*.html")} >= {
        "base.html",
        "index.html",
        "video.html",
        "camera_day.html",
        "ask.html",
    }
    assert {p.name for p in (package / "review" / "static").iterdir()} == {
        "review.css",
        "review.js",
    }

    try:
        status = json.loads(_run([cli, "services", "up", "--json"], outside, env))
        assert [status[name]["ok"] for name in ["postgres", "s3", "sqs"]] == [True] * 3
        exported = json.loads(
            _run(
                [
                    python,
                    "-c",
                    "import json\n"
                    "from deepsentinel_pipelines.local_stack.manager import service_environment\n"
                    "from deepsentinel_pipelines.settings import load_settings\n"
                    "print(json.dumps(service_environment(load_settings())))",
                ],
                outside,
                env,
            )
        )
        instance = Path(exported["DAGSTER_HOME"]) / "dagster.yaml"
        assert instance.resolve() == package / "config" / "dagster.yaml"
        validated = _run(
            [python, "-m", "dagster", "definitions", "validate", "-w", where[1]],
            outside,
            env | exported,
        )
        assert "All code locations passed validation" in validated
    finally:
        _run([cli, "services", "down", "--json"], outside, env)
