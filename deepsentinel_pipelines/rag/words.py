"""An operator's wording made regular before it is parsed: informal words, numbers, time forms.

"how many ppl came in b4 1 min 10?" becomes "how many people came in before 1:10?": informal
words and abbreviations are replaced by the words the parser knows, numbers written as words
become digits where they count something or name a person ("twelve people", "person twelve"),
and a minutes-and-seconds time written with words ("1 min 10", "1m10s") becomes ``1:10``.
Lengths may change; nothing after this step refers to the original offsets. No Dagster.
"""

from __future__ import annotations

import re

#: Informal words and abbreviations -> what the parser reads.
INFORMAL: dict[str, str] = {
    "ppl": "people", "peeps": "people", "folks": "people", "folk": "people", "ppls": "people",
    "guys": "people", "persons": "people", "humans": "people", "bodies": "people",
    "pedestrians": "people", "individuals": "people", "visitors": "people",
    "punters": "people", "shoppers": "people", "customers": "people", "walkers": "people",
    "passers-by": "people", "passersby": "people", "anybody": "anyone", "somebody": "someone",
    "noone": "nobody", "b4": "before", "thru": "through", "u": "you", "ur": "your",
    "w/": "with", "mins": "minutes", "min": "minute", "secs": "seconds", "sec": "second",
    "hrs": "hours", "hr": "hour", "vid": "video", "vids": "videos", "cam": "camera",
    "cams": "cameras", "ppl's": "people's", "pls": "please", "plz": "please", "abt": "about",
    "approx": "about", "wat": "what", "wut": "what", "whn": "when", "hw": "how",
    "gonna": "going to", "wanna": "want to", "kinda": "kind of", "tho": "though",
    "#": "number",
}  # fmt: skip

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINAL_WORDS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip

_NUMBER_WORD = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[\s-](?:{'|'.join(k for k in _UNITS if _UNITS[k] < 10)}))?"
    rf"|{'|'.join(sorted(_UNITS, key=len, reverse=True))})"
)
# A number word is turned into digits where it counts or names something, not in "no one",
# "anyone", "which one" or "one of them".
_COUNTED = (
    r"(?:people|persons?|men|women|kids|children|minutes?|seconds?|hours?|times|crowds?|groups?"
    r"|events?|entries|exits|falls|crossings?|of\s+them|or\s+more|s\b|m\b)"
)
_NUMBER_BEFORE = re.compile(rf"\b(?P<n>{_NUMBER_WORD})\b(?=\s+{_COUNTED})")
_NUMBER_AFTER = re.compile(
    rf"\b(?P<pre>person|track|id|number|no\.?|visitor|pedestrian|individual|subject|minute"
    rf"|half|more\s+than|less\s+than|fewer\s+than|at\s+least|at\s+most|over|under)"
    rf"\s+(?P<n>{_NUMBER_WORD})\b"
)
# "1 min 10", "1 minute and 10", "1m10s", "1m 10": minutes and seconds as a clock time.
_MIN_SEC = re.compile(
    r"(?<![\d.:])(?P<m>\d{1,3})\s*(?:minutes?|m)\s*(?:and\s+)?(?P<s>\d{1,2})"
    r"(?:\s*(?:seconds?|s)\b)?(?![\d:.])(?!\s*(?:minutes?|hours?|people|persons?|times)\b)"
)


def word_number(text: str) -> int | None:
    """``"twenty five"`` -> 25; None when ``text`` is no number word."""
    parts = re.split(r"[\s-]+", text.strip().lower())
    if len(parts) == 1 and parts[0] in _UNITS:
        return _UNITS[parts[0]]
    if parts and parts[0] in _TENS:
        rest = parts[1:]
        if not rest:
            return _TENS[parts[0]]
        if len(rest) == 1 and rest[0] in _UNITS and _UNITS[rest[0]] < 10:
            return _TENS[parts[0]] + _UNITS[rest[0]]
    return None


def ordinal_number(word: str) -> int | None:
    """``"second"`` or ``"2nd"`` -> 2; None otherwise."""
    word = word.lower()
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    match = re.fullmatch(r"(\d{1,3})(?:st|nd|rd|th)", word)
    return int(match.group(1)) if match else None


#: Ordinals as a regular expression (words and ``2nd``).
ORDINAL = r"(?:" + "|".join(_ORDINAL_WORDS) + r"|\d{1,3}(?:st|nd|rd|th))"


def regular_words(text: str) -> str:
    """``text`` lowercased, with informal words, number words and minute-second times made regular.

    Example: ``"How many ppl came in b4 1 min 10?"`` -> ``"how many people came in before 1:10?"``.
    """
    text = text.lower()
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"[\u2018\u2019\u201a\u201b`´]", "'", text)
    text = re.sub(r"[\u201c\u201d\u201e\u201f]", '"', text)
    # a name found earlier (a zone's mark is its own), as one mark
    text = re.sub(r"\s*\u00a4+\s*", " \u00a4 ", text)
    text = re.sub(r"\s*\u00a7+\s*", " \u00a7 ", text)
    text = re.sub(r"\bno[\s-]one\b", "nobody", text)
    text = re.sub(
        r"(?<![\w'])(" + "|".join(re.escape(k) for k in sorted(INFORMAL, key=len, reverse=True))
        + r")(?![\w'])",
        lambda m: INFORMAL[m.group(1)],
        text,
    )  # fmt: skip
    text = _NUMBER_AFTER.sub(lambda m: f"{m.group('pre')} {word_number(m.group('n'))}", text)
    text = _NUMBER_BEFORE.sub(lambda m: str(word_number(m.group("n"))), text)
    text = _MIN_SEC.sub(lambda m: f"{int(m.group('m'))}:{int(m.group('s')):02d}", text)
    return re.sub(r"\s+", " ", text).strip()


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance of ``a`` and ``b`` (adjacent swaps count once), capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous2: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if previous2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) >= limit:
            return limit
        previous2, previous = previous, current
    return min(previous[-1], limit)


def allowed_typos(word: str) -> int:
    """How many edits a word of this length may carry and still be recognised."""
    return 0 if len(word) < 5 else 1 if len(word) < 8 else 2


def close_to(word: str, vocabulary: dict[str, str], *, prefixes: bool = True) -> str | None:
    """The vocabulary entry ``word`` misspells (edit distance, or a prefix of 4+ letters).

    Args:
        word: One lowercase word of the question.
        vocabulary: Known word -> what it stands for.
        prefixes: Whether a prefix of four letters or more names a word too.

    Returns:
        What the closest known word stands for, or None when none is close or two tie.
    """
    if word in vocabulary:
        return vocabulary[word]
    budget = allowed_typos(word)
    best: list[tuple[int, str]] = []
    for known, meaning in vocabulary.items():
        if budget and abs(len(known) - len(word)) <= budget:
            distance = edit_distance(word, known, budget + 1)
            if distance <= budget:
                best.append((distance, meaning))
    if not best:
        if not prefixes:
            return None
        starts = {m for k, m in vocabulary.items() if len(word) >= 4 and k.startswith(word)}
        return starts.pop() if len(starts) == 1 else None
    best.sort()
    top = [m for d, m in best if d == best[0][0]]
    return top[0] if len(set(top)) == 1 else None
