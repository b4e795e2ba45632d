"""Camera configuration: YAML schema, fallbacks, fractional points and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from deepsentinel_pipelines.video.camera_config import (
    DEFAULT_CROWDING_MIN_PEOPLE,
    DEFAULT_LOITERING_S,
    EXAMPLE_CONFIG_PATH,
    WHOLE_FRAME_ZONE,
    FallParams,
    load_camera_clock,
    load_camera_clocks,
    load_camera_config,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cameras.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_config_file_gives_whole_frame_rules() -> None:
    config = load_camera_config(None, "lobby", 640, 480)
    (zone,) = config.zones
    assert zone.whole_frame and zone.name == WHOLE_FRAME_ZONE
    assert zone.polygon == ((0, 0), (640, 0), (640, 480), (0, 480))
    assert zone.dwell_s is None and zone.loitering_s == DEFAULT_LOITERING_S
    assert config.lines == ()
    assert config.crowding_min_people == DEFAULT_CROWDING_MIN_PEOPLE
    assert config.fall == FallParams()


def test_example_plaza_camera() -> None:
    config = load_camera_config(EXAMPLE_CONFIG_PATH, "plaza", 768, 576)
    (zone,) = config.zones
    assert zone.name == "entrance" and not zone.whole_frame
    # Fractions in the file are scaled to the 768x576 frame.
    assert zone.polygon[0] == pytest.approx((0.72 * 768, 0.22 * 576))
    assert (zone.dwell_s, zone.loitering_s) == (10.0, 30.0)
    (line,) = config.lines
    assert (line.name, line.start, line.end) == ("path", (450.0, 170.0), (450.0, 340.0))
    assert config.loitering_s == 30.0
    assert config.crowding_min_people == 5


def test_unknown_camera_uses_default_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path, "cameras:\n  default:\n    crowding_min_people: 3\n    loitering_s: 12\n"
    )
    config = load_camera_config(path, "not-listed", 320, 240)
    assert config.crowding_min_people == 3
    (zone,) = config.zones
    assert zone.whole_frame and zone.loitering_s == 12.0


def test_camera_entry_overrides_default_and_merges_fall(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
cameras:
  default:
    crowding_min_people: 8
    fall: {min_down_s: 3, lying_min_deg: 65}
  dock:
    fall: {min_down_s: 1.5}
    zones:
      - name: bay
        points: [[10, 10], [200, 10], [200, 100]]
        dwell_s: null
""",
    )
    config = load_camera_config(path, "dock", 640, 480)
    assert config.crowding_min_people == 8
    assert config.fall.min_down_s == 1.5 and config.fall.lying_min_deg == 65.0
    (zone,) = config.zones
    # Pixel points stay pixels; dwell switched off; loitering inherits the camera value.
    assert zone.polygon == ((10, 10), (200, 10), (200, 100))
    assert zone.dwell_s is None and zone.loitering_s == DEFAULT_LOITERING_S


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("cameras:\n  c:\n    loitering: 5\n", "unknown keys"),
        ("cameras:\n  c:\n    zones: [{name: z, points: [[0, 0], [1, 1]]}]\n", "at least 3"),
        ("cameras:\n  c:\n    zones: [{name: z, points: [[0, 0], [5, 0], [5, 5]], dwel_s: 3}]\n",
         "unknown keys"),
        ("cameras:\n  c:\n    lines: [{name: l, start: [5, 5], end: [5, 5]}]\n", "same point"),
        ("cameras:\n  c:\n    lines: [{name: l, start: [5, 5]}]\n", "pairs"),
        ("cameras:\n  c:\n    fall: {min_down: 2}\n", "unknown keys"),
        ("cameras:\n  c:\n    zones:\n      - {name: z, points: [[0, 0], [5, 0], [5, 5]]}\n"
         "      - {name: z, points: [[0, 0], [6, 0], [6, 6]]}\n", "duplicate zone"),
        ("zones: []\n", "cameras"),
        ("cameras:\n  c:\n    crowding_min_people: 0\n", "at least 1"),
    ],
)  # fmt: skip
def test_malformed_config_is_rejected(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_camera_config(write(tmp_path, text), "c", 640, 480)


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        load_camera_config(tmp_path / "nope.yaml", "c", 640, 480)


def test_camera_clocks_default_to_utc_and_merge_over_default(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
cameras:
  default: {timezone: Europe/Paris}
  lobby: {timezone: America/New_York, key_time: "{camera}/%Y-%m-%d/%H%M%S"}
  plaza: {}
""",
    )
    assert load_camera_clock(None, "any").timezone == "UTC"
    assert load_camera_clock(path, "plaza").timezone == "Europe/Paris"
    assert load_camera_clock(path, "garage").timezone == "Europe/Paris"
    lobby = load_camera_clock(path, "lobby")
    assert (lobby.timezone, lobby.key_time) == ("America/New_York", "{camera}/%Y-%m-%d/%H%M%S")
    assert set(load_camera_clocks(path)) == {"default", "lobby", "plaza"}
    assert load_camera_clock(EXAMPLE_CONFIG_PATH, "plaza").timezone == "Europe/Paris"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{timezone: Mars/Olympus}", "not an IANA zone name"),
        ('{key_time: "{camera}/%H-%M"}', "needs a year"),
    ],
)
def test_bad_clocks_name_the_camera(tmp_path: Path, entry: str, message: str) -> None:
    path = write(tmp_path, f"cameras:\n  gate: {entry}\n")
    with pytest.raises(ValueError, match=f"camera 'gate': .*{message}"):
        load_camera_clock(path, "gate")
