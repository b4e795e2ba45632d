"""Names in a question: videos, cameras, zones and lines, written exactly, loosely or misspelt.

Exact first (case, spaces, ``_`` and ``-`` do not matter; a video by its id, its file name or
its stem), then each remaining word against the names' words: a typo within
:func:`~deepsentinel_pipelines.rag.words.allowed_typos` edits, or a prefix of four letters or
more that only one name starts with. Found names are blanked out of the text, so later steps do
not read "exit" in a zone called "exit" as an event. No Dagster, no database.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from deepsentinel_pipelines.rag.words import close_to

_QUOTED_RE = re.compile(r"\"([^\"]{1,80})\"|(?<![\w])'([^']{1,80})'(?![\w])")
_SEPARATORS = re.compile(r"[\s_\-./]+")
# Words that are names of nothing an operator means, however close they are to a name.
_COMMON = frozenset(
    """the and any did was were how many much what when where which who with from into
    that this there than then them they people person persons anyone someone nobody
    video videos clip camera cameras footage frame zone zones line lines time times minute
    minutes second seconds hour hours first last most more less least longest largest
    biggest group groups crowd crowds event events enter entered entry entries exit exits
    exited left right walk walked walking cross crossed crossing crossings stay stayed
    fall fell fallen falls ran run running sat sit sitting stand stood standing start end
    half middle path area side road door gate inside outside through around about near
    after before between during until since over under long longer big bigger were
    happen happened show give tell list count number total each every same other""".split()
)


@dataclass(frozen=True)
class NamesFound:
    """Names mentioned in a question, in order of mention.

    Attributes:
        videos: Video ids.
        cameras: Camera names.
        zones: Zone names (quoted unknown names included).
        lines: Line names.
        text: The question with each name replaced by :data:`PLACEHOLDER` characters.
        fuzzy: ``(written, meant)`` for names recognised despite a typo or as a prefix.
    """

    videos: tuple[str, ...] = ()
    cameras: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    text: str = ""
    fuzzy: tuple[tuple[str, str], ...] = ()


def nameable(name: str) -> bool:
    """Whether a name can scope a question: it has two letters or digits.

    A video called ``-.mp4`` or ``___.mp4`` would otherwise give an empty name pattern that
    every question "mentions", scoping every question to it.
    """
    return sum(ch.isalnum() for ch in name) >= 2


def stem(video_id: str) -> str:
    """A video id without its file extension."""
    head, dot, ext = video_id.rpartition(".")
    return head if dot and head and re.fullmatch(r"[A-Za-z0-9]{1,5}", ext) else video_id


def _video_names(video_id: str) -> list[str]:
    base = video_id.rsplit("/", 1)[-1]
    return list(dict.fromkeys((video_id, stem(video_id), base, stem(base))))


def _pattern(name: str, plural: bool = False, prefix: str = "") -> str:
    parts = [re.escape(p) for p in _SEPARATORS.split(name.strip().lower()) if p]
    return (
        prefix + r"(?<![\w])" + r"[\s_\-./]+".join(parts) + ("s?" if plural else "") + r"(?![\w])"
    )


#: What a found name is replaced with: no word, so the words around it do not join up ("in
#: the <video> start" must not read as "in the start"); a zone has its own mark, so that "went
#: through the <zone>" can be read as entering it.
PLACEHOLDER = "\u00a4"
ZONE_MARK = "\u00a7"


def _blank(text: str, start: int, end: int, kind: str = "") -> str:
    mark = ZONE_MARK if kind == "z" else PLACEHOLDER
    return text[:start] + mark * (end - start) + text[end:]


#: A zone whose name is also an event word is that zone only after a place word.
PLACE_PREFIX = (
    r"\b(?:near|at|by|in|inside|outside|through|from|into|beside|around|towards?|next\s+to|"
    r"close\s+to|of)\s+(?:the\s+)?"
)


def find_names(
    text: str,
    video_ids: Sequence[str] = (),
    zones: Sequence[str] = (),
    lines: Sequence[str] = (),
    cameras: Sequence[str] = (),
    *,
    event_words: re.Pattern[str] | None = None,
) -> NamesFound:
    """Find the names ``text`` (lowercase) mentions.

    Args:
        text: The question, lowercased.
        video_ids: Known videos.
        zones: Known zones.
        lines: Known counting lines.
        cameras: Known cameras.
        event_words: Words that name events; a zone or line whose name is one of them is
            matched only after a place word ("near the exit").

    Returns:
        The names, in order of mention, and the text with them blanked.
    """
    found: dict[str, list[tuple[int, str]]] = {"v": [], "c": [], "z": [], "l": []}
    blank = text

    def lookup(name: str, vocabulary: Sequence[str], videos: bool = False) -> str | None:
        key = " ".join(_SEPARATORS.split(name.strip().lower()))
        for item in vocabulary:
            candidates = _video_names(item) if videos else [item]
            if any(" ".join(_SEPARATORS.split(c.lower())) == key for c in candidates):
                return item
        return None

    for match in _QUOTED_RE.finditer(text):
        quoted = (match.group(1) or match.group(2)).strip()
        if not nameable(quoted) or re.fullmatch(r"[\d:.\s]+", quoted):
            continue
        for kind, vocabulary in (("v", video_ids), ("c", cameras), ("l", lines), ("z", zones)):
            hit = lookup(quoted, vocabulary, videos=kind == "v")
            if hit is not None:
                found[kind].append((match.start(), hit))
                break
        else:
            if event_words is not None and event_words.fullmatch(quoted.replace("_", " ")):
                continue
            kind = "z"
            found["z"].append((match.start(), quoted))
        blank = _blank(blank, *match.span(), kind)

    entries: list[tuple[str, str, str]] = []  # (kind, spelling, name)
    for video in video_ids:
        entries += [("v", n, video) for n in _video_names(video) if nameable(n)]
    entries += [("c", c, c) for c in cameras if nameable(c)]
    entries += [("z", z, z) for z in zones if nameable(z)]
    entries += [("l", ln, ln) for ln in lines if nameable(ln)]
    # Longest spellings first, so "plaza_north.mp4" wins over a video called "plaza".
    for kind, spelling, name in sorted(entries, key=lambda e: len(e[1]), reverse=True):
        eventish = event_words is not None and event_words.search(
            spelling.lower().replace("_", " ")
        )
        pattern = _pattern(spelling, plural=kind == "z", prefix=PLACE_PREFIX if eventish else "")
        for match in re.finditer(pattern, blank):
            found[kind].append((match.start(), name))
            blank = _blank(blank, *match.span(), kind)

    fuzzy: list[tuple[str, str]] = []
    vocabulary = _word_vocabulary(video_ids, zones, lines, cameras)
    for match in re.finditer(r"[a-z][a-z0-9]{3,}", blank):
        word = match.group(0)
        if word in _COMMON or (event_words is not None and event_words.fullmatch(word)):
            continue
        meant = close_to(word, vocabulary)
        if meant is None:
            continue
        kind, name = meant.split(":", 1)
        found[kind].append((match.start(), name))
        fuzzy.append((word, name))
        blank = _blank(blank, *match.span(), kind)

    def ordered(kind: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for _, n in sorted(found[kind], key=lambda i: i[0])))

    return NamesFound(ordered("v"), ordered("c"), ordered("z"), ordered("l"), blank, tuple(fuzzy))


def _word_vocabulary(
    video_ids: Sequence[str], zones: Sequence[str], lines: Sequence[str], cameras: Sequence[str]
) -> dict[str, str]:
    """One-word spellings -> ``kind:name``; a word two names share names neither."""
    words: dict[str, set[str]] = {}
    for kind, names in (("c", cameras), ("z", zones), ("l", lines)):
        for name in names:
            key = "".join(_SEPARATORS.split(name.lower()))
            if len(key) >= 4:
                words.setdefault(key, set()).add(f"{kind}:{name}")
    for video in video_ids:
        for part in _SEPARATORS.split(stem(video.rsplit("/", 1)[-1]).lower()):
            if len(part) >= 4 and part not in _COMMON and not part.isdigit():
                words.setdefault(part, set()).add(f"v:{video}")
    # A camera and a video it recorded share a word ("walkway"): the camera is meant.
    out = {}
    for word, meanings in words.items():
        cameras_only = {m for m in meanings if m.startswith("c:")}
        if len(meanings) == 1 or len(cameras_only) == 1:
            out[word] = (cameras_only or meanings).pop()
    return out
