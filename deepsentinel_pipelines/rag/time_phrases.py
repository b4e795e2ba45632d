"""Offset time in a question: windows, parts of the video, moments and least durations.

"between 3 and 5 minutes", "from 00:30 to 00:45", "in the first 20 seconds", "after 1:10",
"around 2:15", "in the last 30 seconds" (relative to each video's end), "the second half",
"at the very end", "for over 30 seconds": seconds from the start of the video, never guessed
(``between 3 and 5`` with no unit is left out, so the query is broader rather than wrong).
Phrases that mention a minute *mark* ("between minute 3 and 5", "after 2 minutes") use the
mark; "during minute 2" / "in the second minute" is the ordinal minute, 1:00-2:00. Clock times
of a camera's day are ``rag/clock_window.py``'s. No Dagster, no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Half-width of the window for "around 2:15".
AROUND_TOLERANCE_S = 15.0
#: Half-width of the window for "at 0:42" (a time read off a player, to the second).
AT_TOLERANCE_S = 2.0


def _blank(text: str, start: int, end: int) -> str:
    """Replace ``text[start:end]`` with spaces, keeping offsets stable."""
    return text[:start] + " " * (end - start) + text[end:]


# --- how long, and one moment -------------------------------------------------------------------

# Filled in with the duration pattern of the time-window section below.
_MIN_DURATION_TEMPLATE = (
    r"\b(?:for\s+)?(?:over|more\s+than|longer\s+than|at\s+least|upwards\s+of)\s+"
    r"(?P<t>{dur})|(?:for\s+)?(?P<t2>{dur})\s+or\s+(?:more|longer)\b"
)


def find_min_duration(text: str) -> tuple[float | None, str]:
    """A least duration ("for over 30 seconds", "10 seconds or more"), blanked from ``text``."""
    match = _MIN_DURATION_PATTERN.search(text)
    if match is None:
        return None, text
    seconds = _time_seconds(match.group("t") or match.group("t2"))
    if not seconds:
        return None, text
    return seconds, _blank(text, *match.span())


def moment_of(text: str, span: tuple[int, int] | None) -> float | None:
    """The moment of an "at <time>" or "around <time>" window (None for other windows)."""
    if span is None:
        return None
    words = text[span[0] : span[1]]
    for pattern in (_AT_RE, _AROUND_RE):
        match = pattern.fullmatch(words.strip()) or pattern.match(words.strip())
        if match is not None:
            value = _time_seconds(match.group("t") or (match.groupdict().get("t2") or ""))
            if value is not None:
                return value
    return None


# --- fractions and edges of the video -----------------------------------------------------------

_FRACTION_RE = re.compile(
    r"\b(?:in|during|over|within|for)?\s*(?:the\s+)?(?P<which>first|1st|second|2nd|last|latter"
    r"|former|final)\s+half\b(?:\s+of\s+(?:the\s+)?(?:video|clip|footage|recording))?"
    r"|\b(?:in|during)?\s*the\s+(?P<mid>middle)\b(?:\s+of\s+(?:the\s+)?(?:video|clip|footage))?"
)
FRACTION_WORDS = {
    (0.0, 0.5): "the first half",
    (0.5, 1.0): "the second half",
    (1 / 3, 2 / 3): "the middle third",
}
EDGE_MOMENT_RE = re.compile(
    r"\b(?:at|near|towards?|around|by|in)\s+the\s+(?:very\s+)?(?P<edge>end|start|beginning)\b"
    r"(?:\s+of\s+(?:the\s+)?(?:video|clip|footage|recording))?"
    r"|\b(?P<early>early\s+on|right\s+away|straight\s+away)\b|\b(?P<late>late\s+on)\b"
)
#: "at the end" / "at the start": this many seconds of the video's end or start.
EDGE_SECONDS = 10.0


def find_fraction(text: str) -> tuple[tuple[float, float] | None, str]:
    """A part of each video ("the first half", "the middle"), blanked from ``text``."""
    match = _FRACTION_RE.search(text)
    if match is None:
        return None, text
    if match.group("mid"):
        fraction = (1 / 3, 2 / 3)
    elif match.group("which") in ("first", "1st", "former"):
        fraction = (0.0, 0.5)
    else:
        fraction = (0.5, 1.0)
    return fraction, _blank(text, *match.span())


def edge_window(match: re.Match[str]) -> ParsedWindow:
    """The window of "at the (very) start/end": the first or last seconds of the video."""
    if match.group("edge") == "end" or match.group("late"):
        return (-EDGE_SECONDS, 0.0, True)
    return (0.0, EDGE_SECONDS, False)


def edge_reading(match: re.Match[str]) -> str:
    """How an edge was read, for the answer to say."""
    end = match.group("edge") == "end" or match.group("late")
    return f"{'last' if end else 'first'} {EDGE_SECONDS:g} seconds of the video"


# --- time windows -------------------------------------------------------------------------------

_WORD_NUMBERS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45, "fifty": 50, "sixty": 60,
    "ninety": 90,
}  # fmt: skip
_ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip

_NUM = r"\d+(?:\.\d+)?"
_WORDNUM = "(?:" + "|".join(sorted(map(re.escape, _WORD_NUMBERS), key=len, reverse=True)) + ")"
_UNIT = r"(?:hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)(?![a-z])"
_UNIT_WORD = r"(?:hours?|hrs?|minutes?|mins?|seconds?|secs?)(?![a-z])"
_DUR_PART = rf"(?:{_NUM}\s*-?\s*{_UNIT}|{_WORDNUM}\s+{_UNIT_WORD})"
_DURATION = rf"(?<![\w.]){_DUR_PART}(?:\s*{_DUR_PART})*"
_CLOCK = r"(?<![\d:.])\d{1,2}(?::[0-5]\d){1,2}(?:\.\d+)?(?![\d:])"
_TIME = rf"(?:{_CLOCK}|{_DURATION})"
_EDGE = r"(?:the\s+)?(?:start|beginning|end)(?:\s+of\s+the\s+(?:video|clip|footage))?\b"
_ITEM = rf"(?:{_CLOCK}|{_DURATION}|{_EDGE}|(?<![\w.:]){_NUM}(?![\d.:]))"
_PRE_UNIT = r"(?P<{name}>minutes?|mins?|seconds?|secs?|hours?)"
_MARK = r"(?:\s*(?:-\s*)?(?:minute\s+|second\s+)?mark)?"

_RANGE_RE = re.compile(
    rf"\b(?:between|from)\s+(?:the\s+)?(?:{_PRE_UNIT.format(name='pre')}\s+)?(?P<a>{_ITEM})"
    rf"{_MARK}\s*(?:and|to|until|till|through|thru|-)\s*(?:the\s+)?"
    rf"(?:{_PRE_UNIT.format(name='pre_b')}\s+)?(?P<b>{_ITEM}){_MARK}"
)
_BARE_RANGE_RE = re.compile(
    rf"(?P<a>{_CLOCK})\s*(?:-|to|until|till)\s*(?P<b>{_CLOCK})"
    rf"|(?<![\w.:])(?P<na>{_NUM})\s*(?:-|to)\s*(?P<nb>{_NUM})\s*(?P<unit>{_UNIT})"
)
_ORDINAL_MINUTE_RE = re.compile(
    r"\b(?:during|in|within|at|over)\s+(?:the\s+)?minute\s+(?:number\s+)?(?P<n>\d+)\b"
    r"|\b(?:during|in|within|over)\s+the\s+(?P<ord>"
    + "|".join(_ORDINALS)
    + r"|\d+(?:st|nd|rd|th))\s+minute\b"
)
_FIRST_LAST_RE = re.compile(
    r"\b(?:(?:in|within|during|over|for)\s+)?(?:the\s+)?"
    r"(?P<which>first|last|final|opening|closing|initial|(?<=the )past)\s+"
    rf"(?P<dur>{_CLOCK}|{_DURATION}|(?:hour|minute|second)(?![a-z]))"
)
_AROUND_RE = re.compile(
    r"\b(?:around|about|approximately|approx\.?|roughly|circa|near)\s+"
    rf"(?:the\s+)?(?P<t>{_TIME}){_MARK}|~\s*(?P<t2>{_TIME})"
)
_AT_RE = re.compile(rf"(?:\bat|@)\s*(?:the\s+)?(?P<t>{_TIME}){_MARK}")
_AFTER_RE = re.compile(
    r"\b(?:after|since|past|beyond|later\s+than|from)\s+"
    rf"(?:the\s+)?(?P<t>{_TIME}){_MARK}"
)
_BEFORE_RE = re.compile(
    r"\b(?:before|until|till|up\s+to|up\s+until|prior\s+to|earlier\s+than|by)\s+"
    rf"(?:the\s+)?(?P<t>{_TIME}){_MARK}"
)

ParsedWindow = tuple[float | None, float | None, bool]
_MIN_DURATION_PATTERN = re.compile(_MIN_DURATION_TEMPLATE.format(dur=_DURATION))


def _unit_seconds(unit: str) -> float:
    return {"h": 3600.0, "m": 60.0, "s": 1.0}[unit[0]]


def _clock_seconds(text: str) -> float:
    parts = text.split(":")
    value = 0.0
    for part in parts:
        value = value * 60 + float(part)
    return value


def _duration_seconds(text: str) -> float:
    total = 0.0
    for number, word, unit in re.findall(
        rf"(?:({_NUM})|\b({_WORDNUM}))\s*-?\s*({_UNIT})", text.strip()
    ):
        total += (float(number) if number else _WORD_NUMBERS[word]) * _unit_seconds(unit)
    return total


def _single_unit(text: str) -> str | None:
    """The unit of a one-part duration such as "5 minutes", else None."""
    parts = re.findall(rf"(?:{_NUM}|{_WORDNUM})\s*-?\s*({_UNIT})", text)
    return parts[0] if len(parts) == 1 else None


def _time_seconds(text: str, default_unit: str | None = None) -> float | None:
    """Seconds for a clock time, a duration or (given a unit) a bare number."""
    text = text.strip()
    if re.fullmatch(_CLOCK, text):
        return _clock_seconds(text)
    if re.fullmatch(_DURATION, text):
        return _duration_seconds(text)
    if re.fullmatch(_NUM, text) and default_unit:
        return float(text) * _unit_seconds(default_unit)
    return None


def _range(m: re.Match[str], _around: float, _at: float) -> ParsedWindow | None:
    a, b = m.group("a"), m.group("b")
    values: list[float | None] = []
    for this, other, pre in ((a, b, m.group("pre")), (b, a, m.group("pre_b") or m.group("pre"))):
        if re.fullmatch(_EDGE, this.strip()):
            values.append(None if this.strip().startswith(("end", "the end")) else 0.0)
            continue
        unit = pre or _single_unit(other)
        value = _time_seconds(this, unit)
        if value is None:
            return None  # "between 3 and 5" with no unit: ambiguous, do not guess
        values.append(value)
    start, end = values
    if start is not None and end is not None and end < start:
        start, end = end, start
    if start is None and end is None:
        return None
    return (start, end, False)


def _bare_range(m: re.Match[str], _around: float, _at: float) -> ParsedWindow | None:
    if m.group("a"):
        start, end = _clock_seconds(m.group("a")), _clock_seconds(m.group("b"))
    else:
        factor = _unit_seconds(m.group("unit"))
        start, end = float(m.group("na")) * factor, float(m.group("nb")) * factor
    return (min(start, end), max(start, end), False)


def _ordinal_minute(m: re.Match[str], _around: float, _at: float) -> ParsedWindow | None:
    if m.group("n") is not None:
        n = int(m.group("n"))
    else:
        word = m.group("ord")
        n = _ORDINALS[word] if word in _ORDINALS else int(re.sub(r"\D", "", word))
    n = max(n, 1)
    return ((n - 1) * 60.0, n * 60.0, False)


def _first_last(m: re.Match[str], _around: float, _at: float) -> ParsedWindow | None:
    dur = m.group("dur").strip()
    seconds = _unit_seconds(dur) if re.fullmatch(r"hour|minute|second", dur) else None
    if seconds is None:
        seconds = _time_seconds(dur)
    if not seconds:
        return None
    if m.group("which") in ("last", "final", "closing", "past"):
        return (-seconds, 0.0, True)
    return (0.0, seconds, False)


def _around(m: re.Match[str], around: float, _at: float) -> ParsedWindow | None:
    t = _time_seconds(m.group("t") or m.group("t2"))
    return None if t is None else (max(0.0, t - around), t + around, False)


def _at(m: re.Match[str], _around: float, at: float) -> ParsedWindow | None:
    t = _time_seconds(m.group("t"))
    return None if t is None else (max(0.0, t - at), t + at, False)


def _after(m: re.Match[str], _around: float, _at: float) -> ParsedWindow | None:
    t = _time_seconds(m.group("t"))
    return None if t is None else (t, None, False)


def _before(m: re.Match[str], _around: float, _at: float) -> ParsedWindow | None:
    t = _time_seconds(m.group("t"))
    return None if t is None else (0.0, t, False)


# Most specific forms first: "from 1:05 to 2:10" must not be read as "from 1:05" (after).
_WINDOW_RULES: tuple[
    tuple[re.Pattern[str], Callable[[re.Match[str], float, float], ParsedWindow | None]], ...
] = (
    (_RANGE_RE, _range),
    (_BARE_RANGE_RE, _bare_range),
    (_ORDINAL_MINUTE_RE, _ordinal_minute),
    (_FIRST_LAST_RE, _first_last),
    (_AROUND_RE, _around),
    (_AT_RE, _at),
    (_AFTER_RE, _after),
    (_BEFORE_RE, _before),
)


def find_window(
    text: str, around: float, at: float
) -> tuple[ParsedWindow | None, tuple[int, int] | None]:
    """The first window rule that matches ``text`` (most specific first), and its span."""
    for pattern, handler in _WINDOW_RULES:
        for match in pattern.finditer(text):
            window = handler(match, around, at)
            if window is not None:
                return window, match.span()
    return None, None
