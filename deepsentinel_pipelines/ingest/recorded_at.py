"""When a video was recorded: the first source that knows, naive times read in the camera's zone.

Sources, most trusted first (:data:`SOURCES`): the job message's ``recorded_at``, the object's
S3 metadata ``recorded-at`` (what ``deepsentinel upload|process|record --recorded-at`` set), the
camera's ``key_time`` pattern in ``cameras.yaml`` matched against the object key, a recorder's
time in the file name (``cam_20261201140000.mp4``, ``2026-12-01T14-00-00``, ``2026-12-01
14.00.00``), and the container's ``creation_time`` tag. A source that is present but unusable
(not a time, before 1990) is skipped with a note; no source at all leaves the time unknown.
Plain functions, no Dagster.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo

#: Where a recording time came from, most trusted first (``videos.recorded_at_source``).
SOURCES = ("job_message", "s3_metadata", "key_time", "file_name", "container")
#: The S3 metadata key (``x-amz-meta-recorded-at``) and the job message field.
METADATA_KEY = "recorded-at"
MESSAGE_FIELD = "recorded_at"
#: Times before this are placeholders (MP4's 1904 and Unix's 1970 epochs), not recordings.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RecordedAt:
    """A resolved recording start: an aware UTC instant and where it came from."""

    at: datetime
    source: str


@dataclass(frozen=True)
class TimeClues:
    """Everything that may say when one video was recorded (None: that source is silent).

    Attributes:
        message: ``recorded_at`` of the job message that asked for the run.
        metadata: The object's ``recorded-at`` S3 metadata.
        key: The object key.
        camera: The camera name (fills ``{camera}`` in ``key_time``).
        key_time: The camera's key pattern, e.g. ``"{camera}/%Y-%m-%d/%H-%M-%S"``.
        creation_time: The container's ``creation_time`` tag.
    """

    message: str | None = None
    metadata: str | None = None
    key: str = ""
    camera: str = "default"
    key_time: str | None = None
    creation_time: str | None = None


def parse_time(text: str, zone: ZoneInfo) -> datetime:
    """An ISO 8601 time as an aware UTC instant; a time without an offset is in ``zone``.

    A wall time that occurs twice (the hour clocks go back) is read as its first occurrence.

    Raises:
        ValueError: ``text`` is not an ISO 8601 date and time, or is before 1990.
    """
    value = text.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO 8601 time (e.g. 2026-12-01T14:00:00+01:00)"
        ) from None
    if len(value) <= 10:  # a date alone is no recording start
        raise ValueError(f"{text!r} is a date without a time of day")
    return _checked(parsed if parsed.tzinfo else parsed.replace(tzinfo=zone), text)


def _checked(at: datetime, text: str) -> datetime:
    if at < EARLIEST:
        raise ValueError(f"{text!r} is before 1990, a placeholder rather than a recording time")
    return at.astimezone(UTC)


# --- key patterns -------------------------------------------------------------------------------

#: strftime directives a ``key_time`` pattern may use, and what each matches.
_DIRECTIVES = {
    "Y": r"(?P<Y>\d{4})",
    "y": r"(?P<y>\d{2})",
    "m": r"(?P<m>\d{2})",
    "d": r"(?P<d>\d{2})",
    "H": r"(?P<H>\d{2})",
    "M": r"(?P<M>\d{2})",
    "S": r"(?P<S>\d{2})",
    "f": r"(?P<f>\d{1,6})",
    "z": r"(?P<z>Z|[+-]\d{2}:?\d{2})",
}


def key_time_regex(pattern: str, camera: str) -> re.Pattern[str]:
    """The regular expression of a ``key_time`` pattern for one camera.

    ``{camera}`` stands for the camera's name; ``%Y %y %m %d %H %M %S %f %z`` for the parts of
    the time (``%Y`` or ``%y``, ``%m`` and ``%d`` are required); ``%%`` is a percent sign and
    everything else is literal text.

    Raises:
        ValueError: An unknown or repeated directive, or a required one missing.
    """
    parts: list[str] = []
    seen: set[str] = set()
    for index, chunk in enumerate(re.split(r"(%.)", pattern.replace("{camera}", "\0"))):
        if index % 2 == 0:
            parts.append(re.escape(chunk).replace("\0", re.escape(camera)))
            continue
        letter = chunk[1]
        if letter == "%":
            parts.append("%")
            continue
        if letter not in _DIRECTIVES:
            allowed = " ".join(f"%{d}" for d in _DIRECTIVES)
            raise ValueError(f"key_time {pattern!r}: %{letter} is not one of {allowed}")
        if letter in seen:
            raise ValueError(f"key_time {pattern!r}: %{letter} appears twice")
        seen.add(letter)
        parts.append(_DIRECTIVES[letter])
    if not ({"Y", "y"} & seen and {"m", "d"} <= seen):
        raise ValueError(f"key_time {pattern!r} needs a year (%Y or %y), %m and %d")
    return re.compile("".join(parts))


def _from_groups(groups: dict[str, str | None], zone: ZoneInfo, text: str) -> datetime:
    """An instant from the named groups of a match (``Y``/``y``, ``m``, ``d``, ...)."""
    year = int(groups["Y"]) if groups.get("Y") else 2000 + int(groups["y"] or 0)
    fraction = (groups.get("f") or "0").ljust(6, "0")
    offset = groups.get("z")
    tz: timezone | ZoneInfo = zone
    if offset == "Z":
        tz = UTC
    elif offset:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    at = datetime(
        year,
        int(groups["m"] or 0),
        int(groups["d"] or 0),
        int(groups.get("H") or 0),
        int(groups.get("M") or 0),
        int(groups.get("S") or 0),
        int(fraction),
        tzinfo=tz,
    )
    return _checked(at, text)


def time_from_key(key: str, pattern: str, camera: str, zone: ZoneInfo) -> datetime | None:
    """The time a camera's ``key_time`` pattern reads from an object key, or None."""
    match = key_time_regex(pattern, camera).search(key)
    if match is None:
        return None
    try:
        return _from_groups(match.groupdict(), zone, match.group(0))
    except ValueError:  # month 13, before 1990: the key does not hold a time after all
        return None


#: A recorder's start time in a file name: date and time with or without separators.
_FILE_NAME_TIME = re.compile(
    r"(?<!\d)(?P<Y>(?:19|20)\d{2})(?P<s1>[-_.]?)(?P<m>\d{2})(?P=s1)(?P<d>\d{2})"
    r"(?P<s2>[T_ .-]?)(?P<H>\d{2})(?P<s3>[-_.:]?)(?P<M>\d{2})(?P=s3)(?P<S>\d{2})"
    r"(?:[.,](?P<f>\d{1,6}))?(?P<z>Z|[+-]\d{2}:?\d{2})?(?!\d)"
)


def time_from_file_name(key: str, zone: ZoneInfo) -> datetime | None:
    """The start time a recorder wrote into the file name (last part of the key), or None."""
    name = PurePosixPath(key).name
    for match in _FILE_NAME_TIME.finditer(name):
        try:
            return _from_groups(match.groupdict(), zone, match.group(0))
        except ValueError:
            continue
    return None


# --- resolution ---------------------------------------------------------------------------------


def resolve_recorded_at(clues: TimeClues, zone: ZoneInfo) -> tuple[RecordedAt | None, list[str]]:
    """The recording start of one video from its clues, in :data:`SOURCES` order.

    Args:
        clues: What the message, the object and the file say.
        zone: The camera's time zone, for times written without an offset.

    Returns:
        The first usable time (None: unknown) and a note for each source that was present but
        unusable, naming it and why.
    """
    notes: list[str] = []

    def iso(text: str | None) -> Callable[[], datetime | None]:
        return lambda: None if text is None else parse_time(text, zone)

    readers: dict[str, Callable[[], datetime | None]] = {
        "job_message": iso(clues.message),
        "s3_metadata": iso(clues.metadata),
        "key_time": lambda: (
            None
            if not clues.key_time
            else time_from_key(clues.key, clues.key_time, clues.camera, zone)
        ),
        "file_name": lambda: time_from_file_name(clues.key, zone),
        "container": iso(clues.creation_time),
    }
    for source in SOURCES:
        try:
            at = readers[source]()
        except ValueError as err:
            notes.append(f"{source}: {err}")
            continue
        if at is not None:
            return RecordedAt(at, source), notes
    return None, notes
