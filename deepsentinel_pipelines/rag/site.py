"""What a question may name: videos, cameras, zones and counting lines with their directions.

The names come from the database (videos, cameras, the zones and lines events carry) and from
the cameras file (what operators call a line's two directions, and which way ``in`` points on
screen, derived from the line's geometry). No Dagster, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from deepsentinel_pipelines.video.camera_config import CountingLine, load_camera_lines

#: Screen directions, by the sign of the axis a crossing moves along.
SCREEN_DIRECTIONS = ("left to right", "right to left", "top to bottom", "bottom to top")


@dataclass(frozen=True)
class LineNames:
    """A counting line as questions name it.

    Attributes:
        name: The line's name (``attributes.line`` of its crossings).
        camera: The camera it belongs to, or None when it is only known from events.
        in_name: What operators call the ``in`` direction ("towards the side road"), or None.
        out_name: ... and the ``out`` direction.
        in_screen: Which way ``in`` goes on screen ("left to right"), or None when unknown.
    """

    name: str
    camera: str | None = None
    in_name: str | None = None
    out_name: str | None = None
    in_screen: str | None = None

    @property
    def out_screen(self) -> str | None:
        """Which way ``out`` goes on screen."""
        return None if self.in_screen is None else _OPPOSITE[self.in_screen]

    def direction_words(self, direction: str) -> str:
        """``in``/``out`` in words: the configured name and the screen direction."""
        name = self.in_name if direction == "in" else self.out_name
        screen = self.in_screen if direction == "in" else self.out_screen
        if name and screen:
            return f"{name} ({screen})"
        return name or screen or direction


_OPPOSITE = {
    "left to right": "right to left",
    "right to left": "left to right",
    "top to bottom": "bottom to top",
    "bottom to top": "top to bottom",
}


def screen_direction(line: CountingLine) -> str:
    """Which way a crossing in the ``in`` direction moves on screen.

    ``in`` is the left-hand side of start -> end as drawn (image y grows downwards), so it
    points along ``(dy, -dx)``; the larger component names it.
    """
    (x0, y0), (x1, y1) = line.start, line.end
    nx, ny = y1 - y0, -(x1 - x0)
    if abs(nx) >= abs(ny):
        return "left to right" if nx > 0 else "right to left"
    return "top to bottom" if ny > 0 else "bottom to top"


@dataclass(frozen=True)
class Site:
    """Everything a question may name.

    Attributes:
        video_ids: Known videos.
        zones: Zone names events carry.
        lines: Counting lines (from the cameras file, and any other line events carry).
        cameras: Camera names.
    """

    video_ids: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    lines: tuple[LineNames, ...] = ()
    cameras: tuple[str, ...] = ()

    def line(self, name: str) -> LineNames | None:
        """The line called ``name`` (case-insensitive)."""
        return next((ln for ln in self.lines if ln.name.lower() == name.lower()), None)


@dataclass(frozen=True)
class LineBook:
    """The cameras file's lines, read once: camera -> its lines."""

    by_camera: Mapping[str, tuple[LineNames, ...]] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: str | Path | None) -> LineBook:
        """The lines of a cameras file (an empty book when there is none)."""
        found = {
            camera: tuple(
                LineNames(ln.name, camera, ln.in_name, ln.out_name, screen_direction(ln))
                for ln in lines
            )
            for camera, lines in load_camera_lines(path).items()
        }
        return cls(found)

    def site(
        self,
        video_ids: Sequence[str],
        zones: Sequence[str],
        line_names: Sequence[str],
        cameras: Sequence[str],
    ) -> Site:
        """The site: the database's names, lines described by the cameras file where it can."""
        described: dict[str, LineNames] = {}
        for camera in [*cameras, *sorted(self.by_camera)]:
            for line in self.by_camera.get(camera, ()):
                described.setdefault(line.name.lower(), line)
        lines = [described.get(n.lower(), LineNames(n)) for n in dict.fromkeys(line_names)]
        named = {ln.name.lower() for ln in lines}
        lines += [ln for key, ln in described.items() if key not in named]
        return Site(tuple(video_ids), tuple(zones), tuple(lines), tuple(cameras))
