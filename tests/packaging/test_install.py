"""`make` installs with uv from the same indexes, wheel folders and constraints pip is given."""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest

from deepsentinel_pipelines.settings import REPO_ROOT


@pytest.fixture(scope="module")
def uv_install():
    spec = importlib.util.spec_from_file_location("uv_install", REPO_ROOT / "scripts/uv_install.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def only_this_pip_config(tmp_path, monkeypatch):
    """pip reads ``tmp_path/pip.conf`` and the PIP_* variables a test sets, not this machine's."""
    for name in [n for n in list(os.environ) if n.startswith("PIP_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "user"))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "site"))
    monkeypatch.setenv("PIP_CONFIG_FILE", str(tmp_path / "pip.conf"))
    return tmp_path / "pip.conf"


def test_uv_is_given_pips_indexes_wheel_folders_and_constraints(
    uv_install, only_this_pip_config, monkeypatch
):
    only_this_pip_config.write_text(
        "[global]\n"
        "index-url = https://mirror.example/simple\n"
        "extra-index-url = file:///opt/local/simple file:///opt/more/simple\n"
        "find-links = /opt/wheels\n"
        "[install]\n"
        "constraint = /etc/pip-constraints.txt\n"
    )
    monkeypatch.setenv("PIP_FIND_LINKS", "/opt/wheels /srv/wheels")

    options = uv_install.uv_options(uv_install.pip_settings(sys.executable))

    pairs = list(zip(options[::2], options[1::2], strict=True))
    assert pairs == [
        ("--index-strategy", "unsafe-best-match"),
        ("--index-url", "https://mirror.example/simple"),
        ("--extra-index-url", "file:///opt/local/simple"),
        ("--extra-index-url", "file:///opt/more/simple"),
        ("--find-links", "/opt/wheels"),  # named twice (file and variable), passed once
        ("--find-links", "/srv/wheels"),
        ("--constraint", "/etc/pip-constraints.txt"),
    ]


def test_an_index_url_from_the_environment_wins_and_no_index_is_kept(
    uv_install, only_this_pip_config, monkeypatch
):
    only_this_pip_config.write_text("[global]\nindex-url = https://mirror.example/simple\n")
    monkeypatch.setenv("PIP_INDEX_URL", "https://other.example/simple")
    monkeypatch.setenv("PIP_NO_INDEX", "true")

    options = uv_install.uv_options(uv_install.pip_settings(sys.executable))

    assert options[options.index("--index-url") + 1] == "https://other.example/simple"
    assert options[-1] == "--no-index"
