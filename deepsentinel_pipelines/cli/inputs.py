"""What the user typed, checked before anything starts: files, camera names, sessions, windows.

Each check raises :class:`~deepsentinel_pipelines.cli.errors.UserError` with one line that
names the value (escaped for the terminal) and what is wrong with it.
"""

from __future__ import annotations

import argparse
import stat
import uuid
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from deepsentinel_pipelines.cli.errors import UserError
from deepsentinel_pipelines.ingest.cameras import camera_name_problem
from deepsentinel_pipelines.ingest.keys import skip_reason
from deepsentinel_pipelines.ingest.recorded_at import parse_time
from deepsentinel_pipelines.rag.question import Window, checked_window
from deepsentinel_pipelines.text.escaping import terminal_text


def input_file(text: str) -> Path:
    """The regular file ``text`` names, resolved (symbolic links followed).

    Raises:
        UserError: It does not exist, is a folder, a fifo, a device or a socket, loops through
            symbolic links, or cannot be read.
    """
    shown = terminal_text(text)
    try:
        path = Path(text).expanduser().resolve(strict=True)
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UserError(f"{shown}: no such file", file=text) from None
    except RuntimeError:  # Python 3.11 reports a symlink loop so
        raise UserError(f"{shown}: a loop of symbolic links", file=text) from None
    except OSError as err:
        raise UserError(f"{shown}: {err.strerror or err}", file=text) from None
    if stat.S_ISDIR(mode):
        raise UserError(f"{shown}: is a folder, not a video file", file=text)
    if not stat.S_ISREG(mode):
        kind = "a fifo" if stat.S_ISFIFO(mode) else "a device or socket"
        raise UserError(f"{shown}: is {kind}, not a video file", file=text)
    try:
        with path.open("rb"):
            pass
    except OSError as err:
        raise UserError(f"{shown}: {err.strerror or err}", file=text) from None
    return path


def output_file(text: str) -> Path:
    """A path to write a file to: not a folder, and its folder exists.

    Raises:
        UserError: ``text`` names a folder or a path whose folder does not exist.
    """
    path = Path(text).expanduser()
    if path.is_dir():
        raise UserError(f"--out {terminal_text(text)}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise UserError(f"--out {terminal_text(text)}: the folder {path.parent} does not exist")
    return path


def camera_option(name: str) -> str:
    """The ``--camera`` value, if it is a valid camera name (see ``ingest/cameras.py``)."""
    problem = camera_name_problem(name)
    if problem is not None:
        raise UserError(f"--camera {terminal_text(name)!r}: {problem}")
    return name


def session_option(text: str | None) -> str | None:
    """The ``--session`` value as a canonical UUID, or None."""
    if text is None:
        return None
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise UserError(
            f"--session {terminal_text(text)!r}: not a session id (a UUID, as printed "
            "after 'session' by an earlier answer)"
        ) from None


def window_options(start: float | None, end: float | None) -> Window | None:
    """``--start``/``--end`` as a window: finite seconds >= 0, the start not after the end."""
    try:
        return checked_window(start, end)
    except ValueError as err:
        raise UserError(f"--start/--end: {err}") from None


RECORDED_AT_HELP = (
    "when the video was recorded (ISO 8601, e.g. 2026-12-01T14:00:00+01:00; without an offset, "
    "in the camera's timezone from cameras.yaml); stored as the object's recorded-at metadata"
)
#: Checking a time needs a zone for naive times; which one does not matter.
_CHECK_ZONE = ZoneInfo("UTC")


def time_option(value: str | None, option: str) -> str | None:
    """An ISO 8601 time option (``--recorded-at``, ``--from``, ``--to``) as given, or None.

    A time without an offset is kept as written: it is read later in the camera's zone.
    """
    if value is None:
        return None
    try:
        parse_time(value, _CHECK_ZONE)
    except ValueError as err:
        raise UserError(f"{option}: {terminal_text(str(err))}") from None
    return value


@dataclass(frozen=True)
class UploadTarget:
    """A local video and where it goes: its object key, camera and recording time, all checked."""

    path: Path
    key: str
    camera: str
    recorded_at: str | None


def upload_target(args: argparse.Namespace) -> UploadTarget:
    """``file``, ``--camera``, ``--key`` and ``--recorded-at`` of `upload` and `process`.

    Raises:
        UserError: A value is invalid, or the sensors would skip the key (a folder marker, a
            hidden or partial file, a name that is not a video).
    """
    path = input_file(args.file)
    camera = camera_option(args.camera)
    key = args.key or f"uploads/{camera}/{path.name}"
    reason = skip_reason(key)
    if reason is not None:
        raise UserError(
            f"cannot use the key {terminal_text(key)!r}: {reason} (the sensors would skip it)",
            file=args.file,
        )
    return UploadTarget(path, key, camera, time_option(args.recorded_at, "--recorded-at"))
