"""The camera-name rule: letters, digits, ``_ . -``, at most 64 characters."""

from __future__ import annotations

import pytest

from deepsentinel_pipelines.ingest.cameras import (
    InvalidCameraName,
    camera_name_problem,
    validate_camera_name,
)


@pytest.mark.parametrize("name", ["plaza", "lobby-2", "cam_01.north", "default", "A" * 64, "7"])
def test_good_names_pass(name: str) -> None:
    assert validate_camera_name(name) == name
    assert camera_name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "empty"),
        ("A" * 65, "longer than 64 characters (65)"),
        ("lobby/../x", "not '/'"),
        ("a b", "not ' '"),
        ("cam\nnext", "not '\\n'"),
        ("\x1b[31mred", "'\\x1b'"),
        ("<!channel>", "'!'"),
        ("caméra", "'é'"),
        ("..", "at least one letter or digit"),
        ("-", "at least one letter or digit"),
        (None, "not NoneType"),
        (12, "not int"),
    ],
)
def test_bad_names_are_refused_with_the_reason(name: object, reason: str) -> None:
    with pytest.raises(InvalidCameraName) as raised:
        validate_camera_name(name)
    assert reason in raised.value.reason
