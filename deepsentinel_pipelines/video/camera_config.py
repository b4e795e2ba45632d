"""Per-camera rule configuration (zones, counting lines, thresholds) loaded from YAML.

The file holds a ``cameras`` mapping. A camera's entry is laid over the ``default`` entry key by
key (``fall`` merges per parameter), a camera missing from the file uses ``default`` alone, and
a camera with no zones gets one implicit zone covering the whole frame. Zone and line points are
pixels of the original frame, or fractions of the frame size when every coordinate is in 0..1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from deepsentinel_pipelines.ingest.recorded_at import key_time_regex

#: The example file shipped with the package (a ``default`` and a ``plaza`` camera).
EXAMPLE_CONFIG_PATH = Path(__file__).resolve().parent.parent / "config" / "cameras.yaml"

#: Name of the implicit zone that covers the whole frame; its events carry ``zone=None``.
WHOLE_FRAME_ZONE = "frame"

DEFAULT_CROWDING_MIN_PEOPLE = 5
# 20 s is long enough that people walking through a scene never reach it, short enough to flag
# someone waiting by a door; sites tune it per zone.
DEFAULT_LOITERING_S = 20.0
DEFAULT_DWELL_S = 10.0
DEFAULT_KEYPOINT_MIN_CONF = 0.3

_CAMERA_KEYS = {
    "zones",
    "lines",
    "crowding_min_people",
    "loitering_s",
    "keypoint_min_conf",
    "fall",
    "timezone",
    "key_time",
}
_ZONE_KEYS = {"name", "points", "dwell_s", "loitering_s", "crowding_min_people"}
_LINE_KEYS = {"name", "start", "end", "in_name", "out_name"}

Point = tuple[float, float]


@dataclass(frozen=True)
class Zone:
    """A polygon zone in pixel coordinates; ``None`` thresholds switch that rule off."""

    name: str
    polygon: tuple[Point, ...]
    dwell_s: float | None = DEFAULT_DWELL_S
    loitering_s: float | None = DEFAULT_LOITERING_S
    #: Overrides the camera's crowding threshold inside this zone.
    crowding_min_people: int | None = None
    whole_frame: bool = False


@dataclass(frozen=True)
class CountingLine:
    """A counting line; crossing to the left of start->end (as drawn on screen) is ``in``.

    ``in_name``/``out_name`` are what operators call the two directions ("into the plaza");
    questions and answers use them.
    """

    name: str
    start: Point
    end: Point
    in_name: str | None = None
    out_name: str | None = None


@dataclass(frozen=True)
class FallParams:
    """Thresholds of the fall rule (torso angles are measured from vertical)."""

    upright_max_deg: float = 30.0
    lying_min_deg: float = 60.0
    #: Box height / width at most this while lying; keeps bending over from reading as a fall.
    lying_max_aspect: float = 1.0
    max_transition_s: float = 2.0
    min_down_s: float = 2.0


@dataclass(frozen=True)
class CameraConfig:
    """Everything the event rules need to know about one camera."""

    name: str
    frame_width: int
    frame_height: int
    zones: tuple[Zone, ...]
    lines: tuple[CountingLine, ...] = ()
    crowding_min_people: int = DEFAULT_CROWDING_MIN_PEOPLE
    loitering_s: float = DEFAULT_LOITERING_S
    keypoint_min_conf: float = DEFAULT_KEYPOINT_MIN_CONF
    fall: FallParams = field(default_factory=FallParams)


def whole_frame_zone(frame_width: int, frame_height: int, loitering_s: float) -> Zone:
    """Return the implicit zone of a camera without zones: loitering only, no dwell."""
    w, h = float(frame_width), float(frame_height)
    return Zone(
        name=WHOLE_FRAME_ZONE,
        polygon=((0.0, 0.0), (w, 0.0), (w, h), (0.0, h)),
        dwell_s=None,
        loitering_s=loitering_s,
        whole_frame=True,
    )


#: A camera's zone when ``cameras.yaml`` names none.
DEFAULT_TIMEZONE = "UTC"


@dataclass(frozen=True)
class CameraClock:
    """How to read a camera's times: its IANA zone and the time pattern of its object keys."""

    name: str
    timezone: str = DEFAULT_TIMEZONE
    key_time: str | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The zone naive times are read in and answers are printed in."""
        return ZoneInfo(self.timezone)


def load_camera_clock(path: str | Path | None, camera_name: str) -> CameraClock:
    """A camera's ``timezone`` (default UTC) and ``key_time``, laid over ``default`` like rules.

    Raises:
        ValueError: The zone is not an IANA zone name, or the key pattern is malformed.
    """
    cameras = _read_cameras(Path(path)) if path is not None else {}
    return _clock(camera_name, _merge(cameras.get("default") or {}, cameras.get(camera_name) or {}))


def load_camera_clocks(path: str | Path | None) -> dict[str, CameraClock]:
    """Every camera named in the file, and ``default``, with its clock."""
    cameras = _read_cameras(Path(path)) if path is not None else {}
    names = {"default", *cameras}
    return {name: load_camera_clock(path, name) for name in sorted(names)}


def _clock(name: str, entry: Mapping[str, Any]) -> CameraClock:
    zone = str(entry.get("timezone") or DEFAULT_TIMEZONE)
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"camera {name!r}: timezone {zone!r} is not an IANA zone name (e.g. Europe/Paris)"
        ) from None
    key_time = entry.get("key_time")
    if key_time is not None:
        try:
            key_time_regex(str(key_time), name)
        except ValueError as err:
            raise ValueError(f"camera {name!r}: {err}") from None
    return CameraClock(name, zone, None if key_time is None else str(key_time))


def load_camera_config(
    path: str | Path | None, camera_name: str, frame_width: int, frame_height: int
) -> CameraConfig:
    """Load one camera's rules, falling back to the ``default`` entry and then to built-ins.

    Args:
        path: YAML file with a ``cameras`` mapping, or ``None`` for built-in whole-frame rules.
        camera_name: Key under ``cameras``; an unknown name uses the ``default`` entry.
        frame_width: Width of the analysed video in pixels (scales fractional points).
        frame_height: Height of the analysed video in pixels.

    Returns:
        The camera's configuration with every point in pixels.

    Raises:
        FileNotFoundError: ``path`` is given but does not exist.
        ValueError: The file is malformed (unknown keys, bad points, duplicate names).
    """
    if frame_width <= 0 or frame_height <= 0:
        raise ValueError(f"frame size must be positive, got {frame_width}x{frame_height}")
    entry: dict[str, Any] = {}
    if path is not None:
        cameras = _read_cameras(Path(path))
        entry = _merge(cameras.get("default") or {}, cameras.get(camera_name) or {})
    return _build(camera_name, entry, frame_width, frame_height)


def _read_cameras(path: Path) -> Mapping[str, Any]:
    with path.open(encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    cameras = doc.get("cameras") if isinstance(doc, dict) else None
    if not isinstance(cameras, dict):
        raise ValueError(f"{path}: expected a top-level 'cameras' mapping")
    for name, entry in cameras.items():
        if entry is not None and not isinstance(entry, dict):
            raise ValueError(f"{path}: camera {name!r} must be a mapping")
        _check_keys(entry or {}, _CAMERA_KEYS, f"camera {name!r}")
    return cameras


def _merge(default: Mapping[str, Any], camera: Mapping[str, Any]) -> dict[str, Any]:
    merged = {**default, **camera}
    merged["fall"] = {**(default.get("fall") or {}), **(camera.get("fall") or {})}
    return merged


def _check_keys(entry: Mapping[str, Any], allowed: set[str], where: str) -> None:
    # A typo such as ``dwel_s`` would otherwise silently fall back to a default threshold.
    unknown = set(entry) - allowed
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}; allowed {sorted(allowed)}")


def _build(name: str, entry: Mapping[str, Any], width: int, height: int) -> CameraConfig:
    loitering_s = float(entry.get("loitering_s", DEFAULT_LOITERING_S))
    zones = tuple(_zone(z, loitering_s, width, height) for z in entry.get("zones") or ())
    lines = tuple(_line(ln, width, height) for ln in entry.get("lines") or ())
    for kind, items in (("zone", zones), ("line", lines)):
        names = [item.name for item in items]
        if len(names) != len(set(names)):
            raise ValueError(f"camera {name!r}: duplicate {kind} names {names}")
    crowding = _min_people(entry.get("crowding_min_people", DEFAULT_CROWDING_MIN_PEOPLE), name)
    fall_entry = entry.get("fall") or {}
    _check_keys(fall_entry, {f.name for f in fields(FallParams)}, f"camera {name!r} fall")
    return CameraConfig(
        name=name,
        frame_width=width,
        frame_height=height,
        zones=zones or (whole_frame_zone(width, height, loitering_s),),
        lines=lines,
        crowding_min_people=crowding,
        loitering_s=loitering_s,
        keypoint_min_conf=float(entry.get("keypoint_min_conf", DEFAULT_KEYPOINT_MIN_CONF)),
        fall=FallParams(**{k: float(v) for k, v in fall_entry.items()}),
    )


def _zone(entry: Mapping[str, Any], loitering_s: float, width: int, height: int) -> Zone:
    _check_keys(entry, _ZONE_KEYS, f"zone {entry.get('name')!r}")
    zone_name = str(entry["name"])
    points = _to_pixels(entry.get("points"), width, height, f"zone {zone_name!r}")
    if len(points) < 3:
        raise ValueError(f"zone {zone_name!r}: a polygon needs at least 3 points")
    crowd = entry.get("crowding_min_people")
    return Zone(
        name=zone_name,
        polygon=points,
        dwell_s=_optional_float(entry.get("dwell_s", DEFAULT_DWELL_S)),
        loitering_s=_optional_float(entry.get("loitering_s", loitering_s)),
        crowding_min_people=None if crowd is None else _min_people(crowd, zone_name),
    )


def _line(entry: Mapping[str, Any], width: int, height: int) -> CountingLine:
    _check_keys(entry, _LINE_KEYS, f"line {entry.get('name')!r}")
    line_name = str(entry["name"])
    start, end = _to_pixels([entry.get("start"), entry.get("end")], width, height, line_name)
    if start == end:
        raise ValueError(f"line {line_name!r}: start and end are the same point")
    names = {k: str(entry[k]).strip() or None for k in ("in_name", "out_name") if entry.get(k)}
    return CountingLine(name=line_name, start=start, end=end, **names)


def load_camera_lines(path: str | Path | None) -> dict[str, tuple[CountingLine, ...]]:
    """Every camera's counting lines, points as written (pixels or fractions), by camera name.

    Questions need the lines' names and which way ``in`` points on screen, not the frame size,
    so nothing is scaled; a file that does not exist or names no lines gives an empty mapping.
    """
    if path is None or not Path(path).is_file():
        return {}
    cameras = _read_cameras(Path(path))
    default = cameras.get("default") or {}
    found: dict[str, tuple[CountingLine, ...]] = {}
    for name, entry in cameras.items():
        merged = _merge(default, entry or {})
        lines = []
        for line in merged.get("lines") or ():
            _check_keys(line, _LINE_KEYS, f"line {line.get('name')!r}")
            start, end = (tuple(float(v) for v in line[k]) for k in ("start", "end"))
            names = {k: str(line[k]) for k in ("in_name", "out_name") if line.get(k)}
            lines.append(CountingLine(str(line["name"]), start, end, **names))  # type: ignore[arg-type]
        if lines:
            found[str(name)] = tuple(lines)
    return found


def _to_pixels(raw: Any, width: int, height: int, where: str) -> tuple[Point, ...]:
    try:
        points = [(float(p[0]), float(p[1])) for p in raw]
        if any(len(p) != 2 for p in raw):
            raise ValueError
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{where}: points must be [x, y] pairs, got {raw!r}") from None
    # A polygon or line that fits inside one pixel is meaningless, so all-in-0..1 means fractions.
    if all(0.0 <= c <= 1.0 for p in points for c in p):
        return tuple((x * width, y * height) for x, y in points)
    return tuple(points)


def _min_people(value: Any, where: str) -> int:
    if int(value) < 1:
        raise ValueError(f"{where!r}: crowding_min_people must be at least 1, got {value!r}")
    return int(value)


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)
