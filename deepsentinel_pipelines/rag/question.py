"""Deterministic parsing of an operator's question into filters for the event tables.

The parser reads the question in regular words (``rag/words.py``), finds the names it mentions
(``rag/names.py``), a time window (``rag/time_phrases.py``), a person, lines and a crossing
direction, body orientation, event types (through everyday synonyms, misspelt ones corrected)
and whether it counts people or events. It never guesses: anything ambiguous is left out, so the
query is broader rather than wrong, and readings it had to take are kept for the answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from deepsentinel_pipelines.rag.names import find_names
from deepsentinel_pipelines.rag.site import LineNames
from deepsentinel_pipelines.rag.time_phrases import (
    AROUND_TOLERANCE_S,
    AT_TOLERANCE_S,
    EDGE_MOMENT_RE,
    FRACTION_WORDS,
    edge_reading,
    edge_window,
    find_fraction,
    find_min_duration,
    find_window,
    moment_of,
)
from deepsentinel_pipelines.rag.words import close_to, regular_words
from deepsentinel_pipelines.video.types import ORIENTATIONS

#: What "stayed", "lingered", "hung around" and "waited" are: stays past a zone's dwell time,
#: and loitering (past the loitering time, in a zone or the frame).
STAY_TYPES = ("dwell", "loitering")

Window = tuple[float | None, float | None]
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def checked_window(start_s: float | None, end_s: float | None) -> Window | None:
    """A caller's ``(start_s, end_s)`` window in seconds; None when both sides are open.

    Raises:
        ValueError: A side is not a finite number of seconds >= 0, or the start is after the
            end; the message names the side and the value.
    """
    for name, value in (("start", start_s), ("end", end_s)):
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"the window's {name} is not a number of seconds: {value!r}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"the window's {name} must be a finite number of seconds >= 0, not {value!r}"
            )
    if start_s is not None and end_s is not None and start_s > end_s:
        raise ValueError(f"the window starts after it ends ({start_s:g} s > {end_s:g} s)")
    if start_s is None and end_s is None:
        return None
    return (start_s, end_s)


def clean_question(text: str) -> str:
    """``text`` as storable text: undecodable bytes (lone surrogates) as U+FFFD, no NUL.

    A question typed in another encoding reaches Python with surrogate escapes, which neither
    PostgreSQL nor a UTF-8 terminal can take; the answer must not be lost over them.
    """
    return _SURROGATES.sub("\ufffd", text).replace("\x00", " ")


@dataclass(frozen=True)
class ParsedQuestion:
    """What :func:`parse_question` understood.

    Attributes:
        text: The question as asked.
        start_s: Start of the time window in seconds, or None for no lower bound.
        end_s: End of the time window in seconds, or None for no upper bound.
        relative_to_end: When True, ``start_s`` and ``end_s`` are offsets from the end of the
            video (``<= 0``): "in the last 30 seconds" is ``start_s=-30.0, end_s=0.0``.
        event_types: Event types asked about, in order of mention (values of ``EVENT_TYPES``).
        is_count: The question asks for a number ("how many", "number of", "count").
        counts_people: A counting question about people ("how many people ..."), answered with
            distinct tracks rather than events.
        zones: Zone names mentioned (spelled as in the zone vocabulary when they match it).
        video_ids: Known video ids mentioned, spelled as in ``known_video_ids``.
        orientation: One of ``ORIENTATIONS`` when the question is about body orientation.
        is_yes_no: The question expects a yes/no answer ("did anyone fall ...?").
        norm: The question in regular words (``rag/words.py``): what kinds match on.
        rest: ``norm`` with the names and the time window blanked out.
        fraction: A part of each video by its duration ("the second half": ``(0.5, 1.0)``).
        window_words: The words the time window came from, as the question wrote them.
        cameras: Known cameras mentioned.
        lines: Counting lines mentioned (by name, or "the line" when there is one).
        direction: A line crossing's direction asked about (``in``/``out``).
        direction_words: The words that named it ("left to right", "towards the side road").
        track_id: The person (track) asked about.
        readings: How the parser read ambiguous words, for the answer to say.
        min_duration_s: "for over 30 seconds": events lasting at least this long.
        moment_s: The moment asked about ("at 0:45", "around 0:30"), when the window is one.
    """

    text: str
    start_s: float | None = None
    end_s: float | None = None
    relative_to_end: bool = False
    event_types: tuple[str, ...] = ()
    is_count: bool = False
    counts_people: bool = False
    zones: tuple[str, ...] = ()
    video_ids: tuple[str, ...] = ()
    orientation: str | None = None
    is_yes_no: bool = False
    norm: str = ""
    rest: str = ""
    fraction: tuple[float, float] | None = None
    window_words: str = ""
    cameras: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    direction: str | None = None
    direction_words: str = ""
    track_id: int | None = None
    readings: tuple[str, ...] = ()
    min_duration_s: float | None = None
    moment_s: float | None = None

    @property
    def has_window(self) -> bool:
        """Whether the question limits the time range."""
        return self.start_s is not None or self.end_s is not None or self.fraction is not None

    def resolve_window(self, duration_s: float | None = None) -> Window | None:
        """Return the window in seconds from the start of the video.

        Args:
            duration_s: The video's duration; needed only for windows relative to the end.

        Returns:
            ``(start_s, end_s)`` with None for an open side, or None when the question has no
            window, or when it is relative to the end and ``duration_s`` is unknown.
        """
        if not self.has_window:
            return None
        if not self.relative_to_end:
            return (self.start_s, self.end_s)
        if duration_s is None:
            return None
        start = None if self.start_s is None else max(0.0, duration_s + self.start_s)
        end = None if self.end_s is None else max(0.0, duration_s + self.end_s)
        return (start, end)


def parse_question(
    text: str,
    known_video_ids: Sequence[str] = (),
    zones: Sequence[str] = (),
    *,
    lines: Sequence[LineNames] = (),
    cameras: Sequence[str] = (),
    around_tolerance_s: float = AROUND_TOLERANCE_S,
    at_tolerance_s: float = AT_TOLERANCE_S,
) -> ParsedQuestion:
    """Parse an operator's question.

    Args:
        text: The question.
        known_video_ids: Video ids that exist; matched case-insensitively, with or without
            the file extension or folder, with spaces, ``_`` and ``-`` interchangeable, or by a
            word only that video's name has (misspelt within a typo or two).
        zones: Zone vocabulary (zone names configured for the cameras); matched the same way.
            Quoted names are taken as zones even when they are not in the vocabulary.
        lines: Counting lines, with what their directions are called.
        cameras: Camera names.
        around_tolerance_s: Half-width of the window for "around <time>".
        at_tolerance_s: Half-width of the window for "at <time>".

    Returns:
        The parsed question; fields the question does not mention are empty or None.
    """
    names = find_names(
        _normalize(text),
        known_video_ids,
        zones,
        [ln.name for ln in lines],
        cameras,
        event_words=_EVENT_WORD_RE,
    )
    readings = [f'read "{written}" as {meant}' for written, meant in names.fuzzy]
    norm = regular_words(names.text)
    blank = norm  # spans already explained are blanked so later steps do not reuse them

    fraction, blank = find_fraction(blank)
    min_duration_s, blank = find_min_duration(blank)
    window, span = find_window(blank, around_tolerance_s, at_tolerance_s)
    moment_s = moment_of(blank, span)
    start_s, end_s, relative = (None, None, False) if window is None else window
    window_words = ""
    if span is not None:
        window_words = blank[span[0] : span[1]].strip()
        blank = _blank(blank, *span)
    elif (edge := EDGE_MOMENT_RE.search(blank)) is not None:
        start_s, end_s, relative = edge_window(edge)
        window_words = edge.group(0).strip()
        readings.append(f'read "{window_words}" as the {edge_reading(edge)}')
        blank = _blank(blank, *edge.span())
    if fraction is not None:
        window_words = FRACTION_WORDS[fraction]

    track_id, blank = _find_track(blank)
    line_names, direction, direction_words, blank = _find_direction(blank, lines, names.lines)
    # Counting words are looked for outside names, so a video called "count_test" is no count.
    rest = blank
    orientation, blank = _find_orientation(blank)
    event_types, blank = _find_event_types(blank)
    if not event_types and orientation is None:
        # "did anyone loitre?": an event word misspelt, when no event word was found as written
        fixed, corrections = _corrected_event_words(blank)
        if corrections:
            event_types, blank = _find_event_types(fixed)
            if event_types:
                readings += [f'read "{wrong}" as {right}' for wrong, right in corrections]
    if orientation is not None and "orientation" not in event_types:
        event_types = (*event_types, "orientation")
    if line_names or direction:
        # "walked in through the path line": a crossing in that direction, not an entry.
        event_types = ("line_crossing",)

    is_count = bool(_COUNT_RE.search(rest))
    counts_people = is_count and _counts_people(rest)
    return ParsedQuestion(
        text=text,
        start_s=start_s,
        end_s=end_s,
        relative_to_end=relative,
        event_types=event_types,
        is_count=is_count,
        counts_people=counts_people,
        zones=names.zones,
        video_ids=names.videos,
        orientation=orientation,
        is_yes_no=bool(_YES_NO_RE.match(norm)),
        norm=norm,
        rest=re.sub(r"[\s\u00a4\u00a7]+", " ", rest).strip(),
        fraction=fraction,
        window_words=window_words,
        cameras=names.cameras,
        lines=line_names,
        direction=direction,
        direction_words=direction_words,
        track_id=track_id,
        readings=tuple(readings),
        min_duration_s=min_duration_s,
        moment_s=moment_s,
    )


# --- text helpers -------------------------------------------------------------------------------


def _normalize(text: str) -> str:
    text = text.lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u201a\u201b]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f]", '"', text)
    return re.sub(r"\s+", " ", text).strip()


def _blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` with spaces, keeping offsets stable."""
    return text[:start] + " " * (end - start) + text[end:]


# --- people, lines and directions ---------------------------------------------------------------

_TRACK_RE = re.compile(
    r"\b(?:person|track|id|individual|subject|visitor|pedestrian|guy|man|woman|number)"
    r"\s*(?:#|no\.?|number|n°|id)?\s*(?P<n>\d{1,6})\b(?!\s*(?:people|persons|s\b|seconds|minutes))"
    r"|(?<![\w:])#\s*(?P<h>\d{1,6})\b|\btrack[_-]?id\s*=?\s*(?P<t>\d{1,6})\b"
)
_SCREEN_PHRASES: tuple[tuple[str, str], ...] = (
    (r"\bleft\s+to\s+(?:the\s+)?right\b|\bfrom\s+the\s+left\b|\brightwards?\b"
     r"|\b(?:to|towards)\s+the\s+right\b|\b(?:going|heading|headed|moving|walking|went|go"
     r"|goes|walked|moved|ran)\s+(?:to\s+the\s+)?right\b(?!\s+to\b)|\beastwards?\b|\beastbound\b",
     "left to right"),
    (r"\bright\s+to\s+(?:the\s+)?left\b|\bfrom\s+the\s+right\b|\bleftwards?\b"
     r"|\b(?:to|towards)\s+the\s+left\b|\b(?:going|heading|headed|moving|walking|went|go"
     r"|goes|walked|moved|ran)\s+(?:to\s+the\s+)?left\b(?!\s+to\b)|\bwestwards?\b|\bwestbound\b",
     "right to left"),
    (r"\btop\s+to\s+(?:the\s+)?bottom\b|\bdownwards?\b|\bdown\s+the\s+(?:screen|frame|image)\b"
     r"|\bfrom\s+the\s+top\b", "top to bottom"),
    (r"\bbottom\s+to\s+(?:the\s+)?top\b|\bupwards?\b|\bup\s+the\s+(?:screen|frame|image)\b"
     r"|\bfrom\s+the\s+bottom\b", "bottom to top"),
)  # fmt: skip
_WHICH_WAY_RE = re.compile(
    r"\b(?:which|what)\s+(?:way|direction|side)\b|\bin\s+or\s+out\b|\bout\s+or\s+in\b"
)
_CROSSING_RE = re.compile(r"\bcross(?:es|ed|ing|ings)?\b|\bline[\s_]crossings?\b")
_LINE_WORD_RE = re.compile(r"\b(?:(?:counting|tripwire|trip)\s+)?(?:line|tripwire)s?\b")
_IN_OUT_RE = re.compile(
    r"\b(?P<in>in(?!\s+(?:(?:the|a|an|this|that|each|both|all|total|view|frame|zone)\b"
    r"|[\u00a4\u00a7]))"
    r"|inwards?|inbound|incoming|entering)\b"
    r"|\b(?P<out>out|outwards?|outbound|outgoing|leaving|exiting)\b"
)


def _phrase_pattern(phrase: str) -> str:
    words = [re.escape(w) for w in re.findall(r"[a-z0-9']+", regular_words(phrase))]
    return r"\b" + r"\s+".join(words) + r"\b" if words else r"(?!x)x"


def _destination(in_name: str | None) -> str | None:
    """The place an ``in`` name goes to, as a pattern ("towards the side road" -> side road)."""
    if not in_name:
        return None
    match = re.match(r"(?:towards?|into|in\s+to|to)\s+(?:the\s+)?(.+)", regular_words(in_name))
    if match is None:
        return None
    return r"\s+".join(re.escape(w) for w in match.group(1).split())


def _find_track(text: str) -> tuple[int | None, str]:
    match = _TRACK_RE.search(text)
    if match is None:
        return None, text
    number = match.group("n") or match.group("h") or match.group("t")
    return int(number), _blank(text, *match.span())


def _find_direction(
    text: str, lines: Sequence[LineNames], named: Sequence[str]
) -> tuple[tuple[str, ...], str | None, str, str]:
    """Lines and a crossing direction: configured names, screen directions, in/out by a line.

    Returns:
        ``(lines, direction, the words that named the direction, text with them blanked)``.
    """
    found_lines = list(named)
    for line in lines:
        for direction, phrase in (("in", line.in_name), ("out", line.out_name)):
            if not phrase:
                continue
            match = re.search(_phrase_pattern(phrase), text)
            if match is not None:
                return (line.name,), direction, phrase, _blank(text, *match.span())
    for line in lines:
        # "to the side road" / "from the side road": the place the configured names go to.
        place = _destination(line.in_name)
        if place is None:
            continue
        towards = re.search(
            rf"\b(?:to|towards?|into|in\s+the\s+direction\s+of|heading\s+for|for)\s+(?:the\s+)?"
            rf"{place}\b",
            text,
        )
        away = re.search(rf"\b(?:away\s+from|from|leaving|out\s+of)\s+(?:the\s+)?{place}\b", text)
        for direction, match in (("out", away), ("in", towards)):
            if match is not None:
                words = line.in_name if direction == "in" else (line.out_name or "out")
                return (line.name,), direction, words, _blank(text, *match.span())
    for pattern, screen in _SCREEN_PHRASES:
        match = re.search(pattern, text)
        if match is None:
            continue
        candidates = [ln for ln in lines if not found_lines or ln.name in found_lines]
        for line in candidates:
            if screen in (line.in_screen, line.out_screen):
                direction = "in" if screen == line.in_screen else "out"
                return (line.name,), direction, screen, _blank(text, *match.span())
    line_word = _LINE_WORD_RE.search(text)
    crossing = _CROSSING_RE.search(text) is not None
    if (line_word is not None or crossing) and not found_lines and len(lines) == 1:
        found_lines = [lines[0].name]
    if line_word is not None:
        text = _blank(text, *line_word.span())
    if not found_lines:
        return (), None, "", text
    in_out = _IN_OUT_RE.search(text)
    if in_out is not None and _WHICH_WAY_RE.search(text):
        in_out = None  # "what direction did they cross in?" asks for the direction
    if in_out is None:
        return tuple(found_lines), None, "", text
    direction = "in" if in_out.group("in") else "out"
    return tuple(found_lines), direction, direction, _blank(text, *in_out.span())


def _counts_people(rest: str) -> bool:
    """Whether a counting question counts people ("how many crossed") or events ("how often")."""
    if _EVENT_NOUN_RE.search(rest):
        return False
    if _PEOPLE_RE.search(rest):
        return True
    # "how many crossed the line?", "how many walked in?": a verb right after "how many".
    return bool(
        re.search(r"\bhow\s+many\s+(?:of\s+them\s+)?(?:\w+ed|ran|sat|fell|went|came|left)\b", rest)
    )


# --- event types, orientation, counting ---------------------------------------------------------

_ORIENTATION_RULES: tuple[tuple[str, str], ...] = (
    (
        r"\b(?:facing|looking|turned|turning|faces|faced|face|looks|looked)\s+away\b"
        r"(?:\s+from\s+the\s+camera)?"
        r"|\bbacks?\s+(?:turned\s+)?(?:to|towards?)\s+the\s+camera\b",
        "facing_away",
    ),
    (
        r"\b(?:facing|looking|turned|turning|faces|faced|face|looks|looked)\s+"
        r"(?:at\s+|towards?\s+|into\s+)?(?:the\s+)?camera\b",
        "facing_camera",
    ),
    (r"\b(?:facing|turned|turning|faces|looking)\s+(?:to\s+)?(?:the\s+)?left\b", "facing_left"),
    (r"\b(?:facing|turned|turning|faces|looking)\s+(?:to\s+)?(?:the\s+)?right\b", "facing_right"),
    # the stored values themselves, e.g. "facing_away"
    (r"\b(?:" + "|".join(ORIENTATIONS) + r")\b", ""),
)

_EVENT_RULES: tuple[tuple[str, str], ...] = (
    # multi-word phrases first; their spans are blanked before single words are tried
    ("stay", r"\b(?:hanging|hung|hangs?|hang)\s+(?:around|about|round|out)\b"
     r"|\b(?:stay(?:ed|s|ing)?|wait(?:ed|s|ing)?|linger\w*|idl\w+|hung\s+out|hang\s+out"
     r"|stop(?:ped|s)?\s+(?:there|in|at))\b"),
    ("dwell", r"\b(?:dwell\w*|dwelt)\b"),
    ("line_crossing", r"\bline[\s_]crossings?\b|\b(?:went|go|goes|pass(?:ed|es|ing)?)\s+"
     r"(?:over|across)\s+the\s+(?:\w+\s+)?line\b"),
    (
        "enter",
        r"\b(?:came|come|comes|coming|walk|walked|walks|walking|step|stepped|steps|went|go|goes|going|"
        r"got|gets|showed|show|shows|turned|turn)\s+(?:in(?!\s+(?:the|a|an|this|that|both|each)\b)"
        r"|into|inside|up)\b"
        r"|\b(?:appear\w*|arriv\w*|show(?:ed)?\s+up)\b"
        # "went through the <zone>": a zone's name was replaced by the mark
        r"|\b(?:went|go|goes|going|walked|walking|passed|came|come|used)\s+(?:through|thru|via"
        r"|into)?\s*(?:the\s+)?\u00a7",
    ),
    ("exit", r"\b(?:went|go|goes|going|walked|walks|walking|stepped|got|came)\s+(?:out|away|off)\b"
     r"|\b(?:disappear\w*|vanish\w*|walked\s+off)\b"),
    # spatial "near the exit" / "at the entrance" names a place, not an event
    (
        "",
        r"\b(?:near|by|at|next\s+to|beside|outside|close\s+to|through|towards?)\s+"
        r"(?:the\s+|an?\s+)?(?:exit|entry|entrance|door|gate)s?\b",
    ),  # fmt: skip
    ("fall", r"\b(?:fell|falls?|fallen|falling|collaps\w*|tripped|slipped|went\s+down"
     r"|on\s+the\s+ground)\b"),
    ("loitering", r"\b(?:loiter\w*)\b"),
    ("crowding", r"\b(?:crowd\w*|groups?|gathering|gathered|gathers?|cluster\w*|bunch\w*)\b"),
    ("enter", r"\b(?:enter|enters|entered|entering|entry|entries)\b"),
    (
        "exit",
        r"\b(?:exit|exits|exited|exiting|leave|leaves|leaving|departed|departing|departures?)\b"
        r"|(?<!\bthe )(?<!\bto )(?<!\bon )\bleft\b"
        r"(?!\s+(?:side|of|hand|corner|half|edge|part|lane|door|zone|area))",
    ),
    ("line_crossing", r"\b(?:cross|crosses|crossed|crossing|crossings)\b"),
    ("sitting", r"\b(?:sat|sit|sits|sitting|seated)\b"),
    ("standing", r"\b(?:stood|stand|stands|standing)\b"),
    ("walking", r"\b(?:walk|walks|walked|walking|strolling|strolled)\b"),
    ("running", r"\b(?:ran|run|runs|running|runners?|sprint\w*|jogg\w*|rush\w*|hurr\w*)\b"),
    ("orientation", r"\b(?:orientations?|facing)\b"),
)  # fmt: skip
_EVENT_WORD_RE = re.compile("|".join(f"(?:{p})" for t, p in _EVENT_RULES if t))

_COUNT_RE = re.compile(
    r"\bhow\s+many\b|\bhow\s+often\b|\bnumber\s+of\b|\bcount(?:s|ed)?\b|\btotal\s+of\b"
    r"|\btally\b|\bhead\s*count\b|\btotal\s+number\b"
)
_PEOPLE_RE = re.compile(
    r"\b(?:people|persons?|individuals?|visitors?|pedestrians?|men|women|children|kids|"
    r"customers?|humans?|staff|anyone|different|distinct|unique|who)\b"
)
_EVENT_NOUN_RE = re.compile(
    r"\b(?:times|events?|occurrences?|incidents?|instances?|cases?|crossings|entries|exits"
    r"|falls|crowds|groups|gatherings|stays|visits|arrivals|departures)\b|\bhow\s+often\b"
)
_YES_NO_RE = re.compile(
    r"^(?:did|does|do|was|were|is|are|has|have|had|can|could|will|would|any|anyone|anybody|"
    r"somebody|someone)\b"
)


def _find_orientation(text: str) -> tuple[str | None, str]:
    found: list[tuple[int, str]] = []
    for pattern, value in _ORIENTATION_RULES:
        for match in re.finditer(pattern, text):
            found.append((match.start(), value or match.group(0).strip()))
            text = _blank(text, *match.span())
    found = sorted(f for f in found if f[1] in ORIENTATIONS)
    return (found[0][1] if found else None), text


def _find_event_types(text: str) -> tuple[tuple[str, ...], str]:
    found: list[tuple[int, str]] = []
    for event_type, pattern in _EVENT_RULES:
        for match in re.finditer(pattern, text):
            # A stay is either rule's: a zone's dwell, or loitering (the frame's, or a zone's).
            for each in STAY_TYPES if event_type == "stay" else (event_type,):
                if each:
                    found.append((match.start(), each))
            text = _blank(text, *match.span())
    found.sort()
    return tuple(dict.fromkeys(t for _, t in found)), text


#: Event words a misspelling is corrected to (long enough that a typo is not another word).
_EVENT_SPELLINGS = {
    w: w
    for w in (
        "loitering loitered loiter loiters crowding crowded crowds crossing crossings crossed "
        "entered entering entries exited exiting walking running sitting standing collapsed "
        "lingered lingering orientation"
    ).split()
}
#: Words close to an event word that mean something else.
_NOT_TYPOS = frozenset(
    "setting getting fitting hitting putting letting betting centered crowned crosses grossed "
    "crossly rafting lifting waiting wanting talking calling falling".split()
)


def _corrected_event_words(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with misspelt event words corrected, and the corrections."""
    corrections: list[tuple[str, str]] = []

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        if word in _EVENT_SPELLINGS or word in _NOT_TYPOS:
            return word
        right = close_to(word, _EVENT_SPELLINGS, prefixes=False)
        if right is None:
            return word
        corrections.append((word, right))
        return right

    return re.sub(r"[a-z]{6,}", fix, text), corrections


def event_types_in(text: str) -> tuple[str, ...]:
    """The event types ``text`` mentions, in order of mention."""
    return _find_event_types(text)[0]


def orientations_in(text: str) -> tuple[str, ...]:
    """Every orientation ``text`` mentions, in order of mention."""
    found: list[tuple[int, str]] = []
    for pattern, value in _ORIENTATION_RULES:
        for match in re.finditer(pattern, text):
            found.append((match.start(), value or match.group(0).strip()))
            text = _blank(text, *match.span())
    return tuple(dict.fromkeys(v for _, v in sorted(found) if v in ORIENTATIONS))
