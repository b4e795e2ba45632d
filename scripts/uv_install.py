"""Install into a virtual environment with uv, from the package indexes pip is configured with.

Usage::

    python scripts/uv_install.py VENV PACKAGE-SPEC...

uv resolves and downloads in parallel (~35 s for this project's ~190 packages here, against
~2 min for pip's one-by-one collection), but it reads neither ``pip.conf`` nor the ``PIP_*``
variables. This passes it what ``pip config list`` reports (index URLs, find-links folders,
constraint files, no-index), so both installers take the same packages from the same places:
on a machine whose pip points at local wheel folders, uv uses them too instead of downloading.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

#: pip setting -> uv option, for settings that may hold several whitespace-separated values.
LIST_SETTINGS = {
    "extra-index-url": "--extra-index-url",
    "find-links": "--find-links",
    "constraint": "--constraint",
}
#: pip's sections that apply to ``pip install``, lowest precedence first.
SECTIONS = ("global", "install", ":env:")


def pip_settings(python: str) -> dict[str, list[str]]:
    """``pip config list`` of ``python``'s pip: setting -> values, highest precedence last."""
    listing = subprocess.run(
        [python, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True
    ).stdout
    found: dict[tuple[str, str], list[str]] = {}
    for line in listing.splitlines():
        name, sep, raw = line.partition("=")
        section, _, key = name.rpartition(".")
        if sep and section in SECTIONS:
            found[(section, key)] = str(ast.literal_eval(raw)).split()
    settings: dict[str, list[str]] = {}
    for section in SECTIONS:
        for (where, key), values in found.items():
            if where == section:
                settings.setdefault(key, []).extend(values)
    return settings


def uv_options(settings: dict[str, list[str]]) -> list[str]:
    """The options that give uv pip's settings; it weighs every index, as pip does."""
    options = ["--index-strategy", "unsafe-best-match"]
    if settings.get("index-url"):
        options += ["--index-url", settings["index-url"][-1]]
    for setting, option in LIST_SETTINGS.items():
        for value in dict.fromkeys(settings.get(setting, [])):
            options += [option, value]
    if settings.get("no-index", ["false"])[-1].lower() in ("1", "true", "yes", "on"):
        options.append("--no-index")
    return options


def main(argv: list[str]) -> int:
    """Run ``uv pip install`` into the venv ``argv[0]`` for the specs that follow."""
    venv, specs = Path(argv[0]), argv[1:]
    python = str(venv / "bin" / "python")
    command = [str(venv / "bin" / "uv"), "pip", "install", "--quiet", "--python", python]
    command += uv_options(pip_settings(python)) + specs
    return subprocess.run(command, env={**os.environ, "UV_NO_PROGRESS": "1"}).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
