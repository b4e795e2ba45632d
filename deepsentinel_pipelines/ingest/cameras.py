"""Camera names: one rule, applied wherever a name comes in, before it is stored or shown.

Names come from S3 metadata (``camera``), job messages, the CLI's ``--camera`` and object keys.

A camera name becomes part of object keys (``uploads/<camera>/...``), rows, alert texts and the
Dagster UI, so it is kept to a set of characters that means the same thing in all of them.
"""

from __future__ import annotations

import re
from typing import Any

#: Longest camera name, in characters.
MAX_CAMERA_CHARS = 64
#: The camera of a video whose upload named none.
DEFAULT_CAMERA = "default"

_ALLOWED = re.compile(r"[A-Za-z0-9_.-]+")
_ALNUM = re.compile(r"[A-Za-z0-9]")


class InvalidCameraName(ValueError):
    """A camera name that breaks the rule; ``reason`` says how, in words for the operator."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def camera_name_problem(name: object) -> str | None:
    """Why ``name`` is not a camera name, or None when it is one.

    A camera name is 1 to :data:`MAX_CAMERA_CHARS` letters, digits, ``_``, ``.`` and ``-`` (ASCII),
    with at least one letter or digit (so ``.`` and ``..`` never become a folder of a key).
    """
    if not isinstance(name, str):
        return f"a camera name is text, not {type(name).__name__}"
    if not name:
        return "the camera name is empty"
    if len(name) > MAX_CAMERA_CHARS:
        return f"the camera name is longer than {MAX_CAMERA_CHARS} characters ({len(name)})"
    if _ALLOWED.fullmatch(name) is None:
        bad = sorted({c for c in name if _ALLOWED.fullmatch(c) is None})
        shown = ", ".join(repr(c) for c in bad[:5])
        return f"the camera name may hold only letters, digits, '_', '.' and '-' (not {shown})"
    if _ALNUM.search(name) is None:
        return "the camera name needs at least one letter or digit"
    return None


def validate_camera_name(name: object) -> str:
    """``name`` itself when it is a valid camera name.

    Raises:
        InvalidCameraName: The name breaks the rule (see :func:`camera_name_problem`); the
            reason quotes no more than the offending characters.
    """
    problem = camera_name_problem(name)
    if problem is not None:
        raise InvalidCameraName(problem)
    return name  # type: ignore[return-value]


def metadata_camera(head: dict[str, Any]) -> str:
    """The camera an object's S3 metadata names (``x-amz-meta-camera``), or the default.

    Args:
        head: A ``head_object`` response.

    Raises:
        InvalidCameraName: The metadata names a camera that breaks the rule; the reason says
            it came from the object's metadata.
    """
    camera = (head.get("Metadata") or {}).get("camera")
    if camera is None:
        return DEFAULT_CAMERA
    problem = camera_name_problem(camera)
    if problem is not None:
        raise InvalidCameraName(f"object metadata 'camera': {problem}")
    return camera
