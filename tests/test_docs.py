"""Every repository path the documentation writes exists, and every relative link resolves.

Checked: ``README.md``, ``CONTRIBUTING.md``, ``docs/*.md``, ``bench/README.md`` and
``deploy/README.md``. A path is a word inside backticks (a command's words are taken one by one)
or a Markdown link's target. The rule for a word:

- It is a path when it holds only letters, digits and ``_ . - /`` (so ``<video_id>``,
  ``{camera}``, ``…``, ``$DEEPSENTINEL_HOME``, ``s3://`` and URL routes such as ``/api/ask``
  are examples or keys, never checked) and either has a ``/`` after a first segment that names
  a top-level entry of the repository or a folder of the package, or is a bare file name ending
  in ``.py``, ``.sql``, ``.sh``, ``.toml``, ``.yaml`` or ``.md``.
- A path with a ``/`` is looked up from the repository root, then from the package
  (``rag/pipeline.py`` means ``deepsentinel_pipelines/rag/pipeline.py``, as the documents
  write module paths). A bare file name must be the name of some tracked file.
- A link's target (without its ``#anchor``) is resolved from the document's own folder; web
  links and pure anchors are not checked.

Git-ignored outputs the documents mention (``GENERATED``) are exempt. After a module moves,
this test names each document still pointing at the old place.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "deepsentinel_pipelines"
DOCUMENTS = sorted(
    [
        REPO / "README.md",
        REPO / "CONTRIBUTING.md",
        REPO / "bench" / "README.md",
        REPO / "deploy" / "README.md",
        *(REPO / "docs").glob("*.md"),
    ]
)
#: Written by the tests or the tools, ignored by git.
GENERATED = {"tests/artifacts/review/", ".venv/", ".deepsentinel/"}
BARE_SUFFIXES = (".py", ".sql", ".sh", ".toml", ".yaml", ".md")
WORD = re.compile(r"^[\w.\-/]+$")
CODE = re.compile(r"```.*?```|`([^`\n]+)`", re.S)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def _tracked() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    return out.split()


def _path_words(text: str, roots: set[str]) -> set[str]:
    words = set()
    for match in CODE.finditer(text):
        for word in (match.group(1) or "").split():
            word = word.strip("()[],;:'\"")
            if not WORD.match(word) or word in GENERATED:
                continue
            first = word.split("/", 1)[0]
            if "/" in word and first in roots:
                words.add(word)
            elif "/" not in word and word.endswith(BARE_SUFFIXES):
                words.add(word)
    return words


def _exists(word: str, names: set[str]) -> bool:
    if "/" not in word:
        return word in names
    return (REPO / word).exists() or (PACKAGE / word).exists()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_repository_path_written_exists(document: Path) -> None:
    tracked = _tracked()
    names = {Path(p).name for p in tracked}
    roots = {p.split("/", 1)[0] for p in tracked} | {
        p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("__")
    }
    missing = sorted(w for w in _path_words(document.read_text(), roots) if not _exists(w, names))
    assert not missing, f"{document.relative_to(REPO)} names paths that do not exist: {missing}"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_relative_link_resolves(document: Path) -> None:
    broken = []
    for target in LINK.findall(document.read_text()):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        if not (document.parent / target.split("#", 1)[0]).exists():
            broken.append(target)
    assert not broken, f"{document.relative_to(REPO)} links to missing files: {broken}"


def test_the_checker_finds_a_moved_module() -> None:
    """The rule reads package-relative and repository paths, and skips keys and examples."""
    text = (
        "`rag/pipeline.py`, `deepsentinel_pipelines/video/no_such.py`, `python bench/x.py --n 1`,"
        " `thumbnails/occupancy/<video_id>/timeline.png`, `s3://bucket/key`, `clip.mp4`,"
        " `gone_module.py`, `/api/ask`"
    )
    roots = {"deepsentinel_pipelines", "bench", "rag"}
    words = _path_words(text, roots)
    names = {Path(p).name for p in _tracked()}

    assert words == {
        "rag/pipeline.py",
        "deepsentinel_pipelines/video/no_such.py",
        "bench/x.py",
        "gone_module.py",
    }
    assert [w for w in sorted(words) if not _exists(w, names)] == [
        "bench/x.py",
        "deepsentinel_pipelines/video/no_such.py",
        "gone_module.py",
    ]
