"""Clock times and dates in a question, resolved to a window of real time in the camera's zone.

"between 14:00 and 14:30 on 1 December 2026", "on 2026-12-01", "at 14:05", "after 9 pm",
"before noon today": :func:`find_clock_window` returns the window as aware UTC instants, with
the words it came from (so the offset parser does not read "14:05" again as 14 minutes into a
video) and whether the day was stated or assumed. ``--from``/``--to`` on the command line become
the same kind of window (:func:`window_between`).

A time of day is a clock time when the question states a date, when it says am/pm, noon,
midnight or o'clock, or, for a bare ``14:05``, when the footage searched has known recording
times and ``14:05`` read as an offset would be past the end of every video searched; otherwise
it is left to the offset parser (``rag/question.py``). Without a date, the day is the latest day
with footage on which the window had begun by now (:class:`ClockContext`). Everything is
resolved in one zone, the camera's; "now" comes from the caller's clock, so phrases relative to
today resolve the same way in tests. No database, no Dagster.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Half-width of the window of "around 14:05".
AROUND = timedelta(minutes=5)
#: Half-width of the window of "at 14:05:30" (a time read off a player, to the second).
AT_SECOND = timedelta(seconds=2)

_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6, "tues": 1, "weds": 2, "thurs": 3,
}  # fmt: skip
#: Parts of a day: (first hour, hours long). Night runs past midnight into the next day.
PARTS_OF_DAY = {
    "morning": (6, 6), "afternoon": (12, 6), "evening": (18, 6), "night": (20, 10),
    "lunchtime": (12, 2), "lunch": (12, 2),
}  # fmt: skip
_PART_RE = re.compile(
    r"\b(?:(?P<this>this|tonight|last)\s+)?(?P<part>morning|afternoon|evening|night|lunchtime"
    r"|lunch)\b|\b(?P<tonight>tonight|overnight)\b"
)
_MONTH = "(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![a-z])\.?"
_ON = r"(?:\bon\s+(?:the\s+)?)?"
_ORD = r"(?:st|nd|rd|th)?"
_DATE_RES = (
    re.compile(rf"{_ON}(?<!\d)(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}})(?!\d)(?:t(?=\d))?"),
    re.compile(
        rf"{_ON}(?<!\d)(?P<d>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{_MONTH})"
        rf"(?:,?\s+(?P<y>\d{{4}})(?!\d))?"
    ),
    re.compile(
        rf"{_ON}\b(?P<mon>{_MONTH})\s+(?:the\s+)?(?P<d>\d{{1,2}}){_ORD}(?![\d:])"
        rf"(?:,?\s+(?P<y>\d{{4}})(?!\d))?"
    ),
    re.compile(r"\b(?P<rel>today|yesterday)\b"),
    re.compile(rf"{_ON}\b(?:last\s+|this\s+(?:past\s+)?)?(?P<wd>{'|'.join(_WEEKDAYS)})\b"),
)

_AMPM = r"(?:\s*(?P<{name}>a\.?m\.?|p\.?m\.?)(?![a-z]))"
_CLOCK = r"(?<![\d:.])(?P<h{n}>\d{{1,2}}):(?P<mi{n}>[0-5]\d)(?::(?P<s{n}>[0-5]\d))?(?![\d:])"
_HOUR = r"(?<![\d:.])(?P<{name}>\d{{1,2}})(?![\d:])"
#: The am/pm groups of time ``n``: after a clock time, an hour, a bare hour.
_AMPM_GROUPS = ("apc", "aph", "apb")


def _time(n: int, bare_hour: bool = False) -> str:
    """A time of day, groups numbered ``n``: 14:05[:30] [pm], 9 pm, noon, midnight, 9 o'clock."""
    forms = [
        f"{_CLOCK.format(n=n)}{_AMPM.format(name=f'apc{n}')}?",
        f"{_HOUR.format(name=f'hh{n}')}(?:{_AMPM.format(name=f'aph{n}')}|\\s*o'?clock\\b)",
        f"\\b(?P<word{n}>noon|midday|midnight)\\b",
    ]
    if bare_hour:  # "2" in "between 2 and 3 pm", when the other side says pm
        forms.append(f"{_HOUR.format(name=f'bh{n}')}{_AMPM.format(name=f'apb{n}')}?")
    return "(?:" + "|".join(forms) + ")"


def _ampm(groups: Mapping[str, str | None], n: int) -> str:
    found = next((groups[f"{g}{n}"] for g in _AMPM_GROUPS if groups.get(f"{g}{n}")), "")
    return (found or "").replace(".", "")


_RANGE_RE = re.compile(
    rf"\b(?:between|from)\s+(?:the\s+)?{_time(1, True)}\s*(?:and|to|until|till|through|thru|-)"
    rf"\s*(?:the\s+)?{_time(2, True)}"
    rf"|{_time(3)}\s*(?:-|to|until|till)\s*{_time(4)}"
)
_AT_RE = re.compile(rf"(?:\bat|@)\s*(?:the\s+)?{_time(1)}")
_AROUND_RE = re.compile(rf"\b(?:around|about|approximately|roughly|circa)\s+{_time(1)}")
_AFTER_RE = re.compile(rf"\b(?:after|since|from|later\s+than)\s+(?:the\s+)?{_time(1)}")
_BARE_TIME_RE = re.compile(rf"\s*(?:at\s+)?({_time(1)})")
_BEFORE_RE = re.compile(
    rf"\b(?:before|until|till|up\s+to|up\s+until|prior\s+to|earlier\s+than|by)\s+"
    rf"(?:the\s+)?{_time(1)}"
)


class ClockScopeError(ValueError):
    """A window given by its bounds (``--from``/``--to``) that is no window."""


@dataclass(frozen=True)
class ClockTime:
    """A time of day as stated.

    ``unit`` is what it was given to (a second, a minute, an hour); ``explicit`` says it is surely
    a clock time (am/pm, noon, midnight, o'clock) rather than possibly an offset.
    """

    value: time
    unit: timedelta
    explicit: bool
    offset_s: float | None  # the same text read as an offset into a video ("14:05" = 845 s)


@dataclass(frozen=True)
class ClockContext:
    """What resolving a question's clock words needs.

    Attributes:
        zone: The camera's zone, in which the question's times and dates are meant.
        now: The current instant (aware), from the caller's clock.
        footage_days: Local dates with footage in the scope searched (any order).
        longest_video_s: The longest video searched whose recording time is known; a bare
            ``H:MM`` is a clock time only when it lies past this as an offset. None: no video
            searched has a known time, so bare times stay offsets.
    """

    zone: ZoneInfo
    now: datetime
    footage_days: tuple[date, ...] = ()
    longest_video_s: float | None = None

    @property
    def today(self) -> date:
        """The current date in the camera's zone."""
        return self.now.astimezone(self.zone).date()


@dataclass(frozen=True)
class ClockWindow:
    """A window of real time a question (or ``--from``/``--to``) named.

    Attributes:
        start: Aware UTC start (included), or None for no lower bound.
        end: Aware UTC end, or None for no upper bound.
        end_included: Whether ``end`` itself is in the window ("between 14:00:10 and 14:00:40"
            includes 14:00:40; a day ends before the next midnight).
        zone: The IANA zone it was read in.
        phrase: The words it came from, as the question wrote them.
        spans: Where those words are in the question (start, end offsets).
        day_assumed: No date was stated: the day was taken from the footage or from "now".
    """

    start: datetime | None
    end: datetime | None
    end_included: bool = False
    zone: str = "UTC"
    phrase: str = ""
    spans: tuple[tuple[int, int], ...] = field(default=())
    day_assumed: bool = False

    def blank(self, text: str) -> str:
        """``text`` with this window's words replaced by spaces (offsets unchanged)."""
        for start, end in self.spans:
            text = text[:start] + " " * (end - start) + text[end:]
        return text

    def describe(self) -> str:
        """The window in words, in its zone.

        For example "between 14:00:10 and 14:00:40 on 1 December 2026 (Europe/Paris)".
        """
        zone = ZoneInfo(self.zone)
        start = self.start.astimezone(zone) if self.start else None
        end = self.end.astimezone(zone) if self.end else None
        where = f"({self.zone})"
        if start and end:
            last = end if self.end_included else end - timedelta(microseconds=1)
            midnights = start.time() == time(0) and end.time() == time(0)
            if midnights and not self.end_included and (end.date() - start.date()).days == 1:
                return f"on {_day(start)} {where}"
            if start.date() == last.date():
                return f"between {_hms(start)} and {_hms(end)} on {_day(start)} {where}"
            return f"from {_day(start)} {_hms(start)} to {_day(end)} {_hms(end)} {where}"
        if start:
            return f"from {_day(start)} {_hms(start)} on {where}"
        if end:
            return f"until {_day(end)} {_hms(end)} {where}"
        return f"at any time {where}"


def _day(at: datetime) -> str:
    return f"{at.day} {at.strftime('%B %Y')}"


def _hms(at: datetime) -> str:
    return at.strftime("%H:%M:%S" if at.second or at.microsecond else "%H:%M")


def _lower(text: str) -> str:
    """Lower case and plain dashes, character for character, so offsets stay those of ``text``."""
    out = []
    for ch in text:
        low = ch.lower()
        ch = low if len(low) == 1 else ch
        out.append("-" if "\u2010" <= ch <= "\u2015" or ch == "\u2212" else ch)
    return "".join(out)


def _find_date(text: str, context: ClockContext) -> tuple[date, tuple[int, int]] | None:
    for pattern in _DATE_RES:
        for match in pattern.finditer(text):
            found = _date_of(match.groupdict(), context)
            if found is not None:
                return found, match.span()
    return None


def _date_of(groups: Mapping[str, str | None], context: ClockContext) -> date | None:
    if groups.get("rel"):
        if context.longest_video_s is None:  # "the weather today": no footage has a time
            return None
        return context.today - timedelta(days=1 if groups["rel"] == "yesterday" else 0)
    if groups.get("wd"):
        if context.longest_video_s is None:
            return None
        # "on Monday": the latest Monday, today included.
        back = (context.today.weekday() - _WEEKDAYS[groups["wd"] or ""]) % 7
        return context.today - timedelta(days=back)
    month = _MONTHS[groups["mon"].rstrip(".")] if groups.get("mon") else int(groups.get("m") or 0)
    try:
        if groups.get("y"):
            return date(int(groups["y"] or 0), month, int(groups["d"] or 0))
        # No year: the latest such date not after today.
        this_year = date(context.today.year, month, int(groups["d"] or 0))
        return (
            this_year if this_year <= context.today else this_year.replace(year=this_year.year - 1)
        )
    except ValueError:  # 31 February, month 13
        return None


def _clock_time(groups: Mapping[str, str | None], n: int) -> ClockTime | None:
    """The time of group set ``n`` of a match, or None when it is no valid time of day."""
    word = groups.get(f"word{n}")
    if word:
        value = time(0) if word == "midnight" else time(12)
        return ClockTime(value, timedelta(minutes=1), True, None)
    ampm = _ampm(groups, n)
    offset_s = None
    if groups.get(f"h{n}") is not None:
        hour, minute = int(groups[f"h{n}"] or 0), int(groups[f"mi{n}"] or 0)
        second = int(groups[f"s{n}"]) if groups.get(f"s{n}") else None
        unit = timedelta(seconds=1) if second is not None else timedelta(minutes=1)
        offset_s = hour * 3600 + minute * 60 + second if second is not None else hour * 60 + minute
        explicit = bool(ampm)
    else:
        raw = groups.get(f"hh{n}") or groups.get(f"bh{n}")
        if raw is None:
            return None
        hour, minute, second, unit = int(raw), 0, None, timedelta(hours=1)
        explicit = bool(ampm) or groups.get(f"hh{n}") is not None
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if hour > 23:
        return None
    return ClockTime(time(hour, minute, second or 0), unit, explicit, offset_s)


def _inherit_ampm(groups: dict[str, str | None]) -> None:
    """In "between 2 and 3 pm" the first time takes the second's am/pm (and the reverse)."""
    for this, other in ((1, 2), (2, 1)):
        if groups.get(f"bh{this}") and not _ampm(groups, this) and _ampm(groups, other):
            groups[f"apb{this}"] = _ampm(groups, other)


@dataclass(frozen=True)
class _Found:
    kind: str  # range, at, around, after, before
    times: tuple[ClockTime, ...]
    span: tuple[int, int]


def _find_times(text: str) -> _Found | None:
    rules = (
        ("range", _RANGE_RE),
        ("around", _AROUND_RE),
        ("at", _AT_RE),
        ("after", _AFTER_RE),
        ("before", _BEFORE_RE),
    )
    for kind, pattern in rules:
        for match in pattern.finditer(text):
            groups = match.groupdict()
            if kind == "range":
                _inherit_ampm(groups)
                first = 1 if any(groups.get(f"{g}1") for g in ("h", "hh", "bh", "word")) else 3
                pair = (_clock_time(groups, first), _clock_time(groups, first + 1))
                if pair[0] is None or pair[1] is None:
                    continue
                # A bare hour is a time only beside one that says am/pm.
                if not (pair[0].explicit or pair[1].explicit) and (
                    groups.get(f"bh{first}") or groups.get(f"bh{first + 1}")
                ):
                    continue
                return _Found(kind, (pair[0], pair[1]), match.span())
            found = _clock_time(groups, 1)
            if found is not None:
                return _Found(kind, (found,), match.span())
    return None


def _is_clock(found: _Found, dated: bool, context: ClockContext) -> bool:
    if dated or any(t.explicit for t in found.times):
        return True
    if context.longest_video_s is None:
        return False
    # A bare 14:05 is a clock time when no video searched is that long.
    return all(t.offset_s is not None and t.offset_s > context.longest_video_s for t in found.times)


def _at(day: date, value: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, value, zone).astimezone(UTC)


def _bounds(found: _Found, day: date, zone: ZoneInfo) -> tuple[datetime, datetime, bool]:
    """(start, end, end included) of the times of ``found`` on ``day``."""
    day_start, day_end = _at(day, time(0), zone), _at(day + timedelta(days=1), time(0), zone)
    first = found.times[0]
    start = _at(day, first.value, zone)
    if found.kind == "range":
        end = _at(day, found.times[1].value, zone)
        if end <= start:  # "between 22:00 and 2:00": past midnight
            end = _at(day + timedelta(days=1), found.times[1].value, zone)
        return start, end, True
    if found.kind == "at":
        if first.unit == timedelta(seconds=1):
            return start - AT_SECOND, start + AT_SECOND, True
        return start, start + first.unit, False
    if found.kind == "around":
        return start - AROUND, start + AROUND, True
    if found.kind == "after":
        return start, day_end, False
    return day_start, start, False


def _assumed_day(found: _Found, context: ClockContext) -> date:
    """The latest day with footage on which the window had begun by now; else by now only."""
    days = sorted(set(context.footage_days), reverse=True)
    for day in days:
        if _bounds(found, day, context.zone)[0] <= context.now:
            return day
    if days:
        return days[-1]
    day = context.today
    while _bounds(found, day, context.zone)[0] > context.now:
        day -= timedelta(days=1)
    return day


def find_clock_window(question: str, context: ClockContext) -> ClockWindow | None:
    """The window of real time ``question`` names, or None when it names none.

    Args:
        question: The operator's question.
        context: The camera's zone, "now", and what footage is searched.

    Returns:
        The window (UTC instants, the words, whether the day was assumed); None when the
        question has no date and no time of day that is surely a clock time.
    """
    text = _lower(question)
    dated = _find_date(text, context)
    rest = text
    if dated is not None:
        start, end = dated[1]
        rest = text[:start] + " " * (end - start) + text[end:]
    found = _find_times(rest)
    if found is None and dated is not None:
        # "2026-12-01T14:05", "1 December 2026 14:05": a time right after the date is "at".
        after = _BARE_TIME_RE.match(rest, dated[1][1])
        time_found = after and _clock_time(after.groupdict(), 1)
        if after and time_found:
            found = _Found("at", (time_found,), (after.start(1), after.end()))
    if found is not None and not _is_clock(found, dated is not None, context):
        found = None
    if found is None:
        part = _part_of_day(text, rest, dated, context)
        if part is not None:
            return part
    if dated is None and found is None:
        return None
    spans = _merged(s for s in (dated and dated[1], found and found.span) if s)
    phrase = " ".join(question[a:b].strip() for a, b in spans)
    zone = context.zone
    if found is None:
        day = dated[0] if dated is not None else context.today
        return ClockWindow(
            _at(day, time(0), zone),
            _at(day + timedelta(days=1), time(0), zone),
            False,
            zone.key,
            phrase,
            spans,
        )
    day = dated[0] if dated is not None else _assumed_day(found, context)
    start, end, included = _bounds(found, day, zone)
    return ClockWindow(start, end, included, zone.key, phrase, spans, day_assumed=dated is None)


def _part_of_day(
    question: str,
    rest: str,
    dated: tuple[date, tuple[int, int]] | None,
    context: ClockContext,
) -> ClockWindow | None:
    """A part of a day: "this morning", "yesterday afternoon", "last night", "Monday evening".

    The day is the stated one; "this"/"tonight" are today, "last night" the night before; with
    no day, the latest day with footage on which that part had begun by now.
    """
    match = _PART_RE.search(rest)
    if match is None or context.longest_video_s is None:
        return None
    part = match.group("part") or "night"
    first, hours = PARTS_OF_DAY[part]
    which = match.group("this") or match.group("tonight") or ""
    zone = context.zone
    if dated is not None:
        day, assumed = dated[0], False
    elif which == "last" and part == "night":
        day, assumed = context.today - timedelta(days=1), False
    elif which in ("this", "tonight", "overnight"):
        day, assumed = context.today, False
        if which == "overnight":
            day -= timedelta(days=1)
    else:
        day, assumed = _latest_day(first, context), True
    start = _at(day, time(first), zone)
    end = start + timedelta(hours=hours)
    spans = _merged(s for s in (dated and dated[1], match.span()) if s)
    phrase = " ".join(question[a:b].strip() for a, b in spans)
    return ClockWindow(start, end, False, zone.key, phrase, spans, day_assumed=assumed)


def _latest_day(first_hour: int, context: ClockContext) -> date:
    """The latest day with footage whose ``first_hour`` had come by now (else by now only)."""
    zone = context.zone
    for day in sorted(set(context.footage_days), reverse=True):
        if _at(day, time(first_hour), zone) <= context.now:
            return day
    day = context.today
    while _at(day, time(first_hour), zone) > context.now:
        day -= timedelta(days=1)
    return day


def _merged(spans: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Spans in order, overlapping ones joined ("at 2026-12-01T14:00")."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return tuple(out)


def window_between(start: str | None, end: str | None, zone: ZoneInfo) -> ClockWindow | None:
    """``--from``/``--to`` (ISO 8601; naive in ``zone``) as a window; None when neither is set.

    Raises:
        ClockScopeError: A value is not an ISO 8601 time, or the window ends before it starts.
    """
    if start is None and end is None:
        return None
    bounds = [None if v is None else _iso(v, zone) for v in (start, end)]
    if bounds[0] and bounds[1] and bounds[1] < bounds[0]:
        raise ClockScopeError(f"the window ends ({end}) before it starts ({start})")
    phrase = " ".join(p for p in (start and f"from {start}", end and f"to {end}") if p)
    return ClockWindow(bounds[0], bounds[1], True, zone.key, phrase)


def _iso(text: str, zone: ZoneInfo) -> datetime:
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ClockScopeError(f"{text!r} is not an ISO 8601 time (e.g. 2026-12-01T14:00)") from None
    return (value if value.tzinfo else value.replace(tzinfo=zone)).astimezone(UTC)


@dataclass(frozen=True)
class CameraZones:
    """Each camera's zone (``timezone`` in cameras.yaml), and the zone of unlisted cameras."""

    zones: Mapping[str, str] = field(default_factory=dict)
    default: str = "UTC"

    def name(self, camera: str | None) -> str:
        """The zone name of a camera."""
        return self.zones.get(camera or "", self.default)

    def of(self, cameras: Sequence[str]) -> ZoneInfo:
        """The one zone of these cameras (the default when they are none or disagree)."""
        names = {self.name(c) for c in cameras}
        return ZoneInfo(names.pop() if len(names) == 1 else self.default)


def local_time(at: datetime, zone: str) -> str:
    """An instant as the camera shows it: ``2026-12-01 14:00:15 CET``."""
    shown = at.astimezone(ZoneInfo(zone))
    return shown.strftime("%Y-%m-%d %H:%M:%S %Z")
