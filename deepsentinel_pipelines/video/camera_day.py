"""A camera's day across its videos: people stitched across file cuts, counted per hour.

Recorders cut footage into consecutive files, and the tracker starts again in each, so a person
in view at a cut would be two people. When two videos of one camera are adjacent in time (the
gap between one's end and the next one's start at most :data:`MAX_GAP_S`), a track seen at the
very end of the first is joined to a track seen at the very start of the second when the person
is where the first left off: the foot points (bottom centre of the boxes) closer than half a body
height plus a body height per second between the two sightings. Pairs are joined nearest first,
each track at most once. Plain functions, no Dagster, no database.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

#: Largest gap (or overlap) between two files, in seconds, across which tracks are joined.
MAX_GAP_S = 2.0
#: A track ending this close to a file's end (starting this close to its start) is in view at
#: the cut: the tracker may drop a person a few analysed frames early.
EDGE_S = 1.5
#: Allowed foot-point shift in body heights: this much at once, plus the same per second.
SHIFT_BODY_HEIGHTS = 0.5

Box = tuple[float, float, float, float]
TrackKey = tuple[str, int]


@dataclass(frozen=True)
class Footage:
    """One video of the camera: when it starts (aware) and how long it lasts."""

    video_id: str
    recorded_at: datetime
    duration_s: float
    width: int
    height: int

    @property
    def ends_at(self) -> datetime:
        """The instant its last frame ends."""
        return self.recorded_at + timedelta(seconds=self.duration_s)


@dataclass(frozen=True)
class PersonTrack:
    """A tracked person in one video: first and last sighting (seconds) and boxes there.

    ``first_box``/``last_box`` are None when the track is not near that edge of its video (only
    edge boxes are read).
    """

    video_id: str
    track_id: int
    first_s: float
    last_s: float
    first_box: Box | None = None
    last_box: Box | None = None

    @property
    def key(self) -> TrackKey:
        """(video, track): unique across the camera's videos."""
        return (self.video_id, self.track_id)


@dataclass(frozen=True)
class DayEvent:
    """An event as the day report counts it."""

    video_id: str
    event_type: str
    start_s: float
    track_id: int | None
    zone: str | None
    from_start: bool = False


def _foot(box: Box) -> tuple[float, float]:
    return ((box[0] + box[2]) / 2.0, box[3])


def _joinable(a: Footage, b: Footage, max_gap_s: float) -> bool:
    gap = (b.recorded_at - a.ends_at).total_seconds()
    return abs(gap) <= max_gap_s and (a.width, a.height) == (b.width, b.height)


def stitch_tracks(
    footage: Sequence[Footage],
    tracks: Iterable[PersonTrack],
    *,
    max_gap_s: float = MAX_GAP_S,
    edge_s: float = EDGE_S,
) -> dict[TrackKey, TrackKey]:
    """Join tracks that are one person across the cut between adjacent videos.

    Args:
        footage: The camera's videos (any order).
        tracks: Their person tracks, with boxes at the video edges.
        max_gap_s: Largest gap (or overlap) between adjacent videos, in seconds.
        edge_s: How close to a cut a track must end or start.

    Returns:
        Each track continued from an earlier one -> the track it continues (one link per cut;
        follow the links for a person across several files).
    """
    ordered = sorted(footage, key=lambda f: f.recorded_at)
    by_video: dict[str, list[PersonTrack]] = {}
    for track in tracks:
        by_video.setdefault(track.video_id, []).append(track)
    links: dict[TrackKey, TrackKey] = {}
    for a, b in zip(ordered, ordered[1:], strict=False):
        if not _joinable(a, b, max_gap_s):
            continue
        ending = [
            (t, t.last_box)
            for t in by_video.get(a.video_id, [])
            if t.last_box is not None and t.last_s >= a.duration_s - edge_s
        ]
        starting = [
            (t, t.first_box)
            for t in by_video.get(b.video_id, [])
            if t.first_box is not None and t.first_s <= edge_s
        ]
        pairs = []
        for before, last_box in ending:
            seen_last = a.recorded_at + timedelta(seconds=before.last_s)
            for after, first_box in starting:
                seen_next = b.recorded_at + timedelta(seconds=after.first_s)
                elapsed = max(0.0, (seen_next - seen_last).total_seconds())
                height = max(last_box[3] - last_box[1], first_box[3] - first_box[1], 1.0)
                shift = math.dist(_foot(last_box), _foot(first_box)) / height
                if shift <= SHIFT_BODY_HEIGHTS * (1.0 + elapsed):
                    pairs.append((shift, before.key, after.key))
        used: set[TrackKey] = set()
        for _, before_key, after_key in sorted(pairs):
            if before_key in used or after_key in used:
                continue
            used.update((before_key, after_key))
            links[after_key] = before_key
    return links


def group_people(
    tracks: Iterable[PersonTrack], links: dict[TrackKey, TrackKey]
) -> dict[TrackKey, list[PersonTrack]]:
    """Tracks grouped by person: the first track of each person -> all of that person's tracks."""
    groups: dict[TrackKey, list[PersonTrack]] = {}
    for track in tracks:
        root = track.key
        while root in links:
            root = links[root]
        groups.setdefault(root, []).append(track)
    return groups


# --- the day report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HourRow:
    """One hour of a camera's day (local time)."""

    label: str  # "14:00", with the UTC offset on the day clocks change
    starts_at: datetime  # aware, local
    footage_s: float  # seconds of video covering this hour
    people: int  # distinct people in view during the hour
    entries: int  # people entering the frame
    line_crossings: int
    events: int


@dataclass(frozen=True)
class DayReport:
    """A camera's day: per-hour counts, its people, the busiest hour, and a short text."""

    camera: str
    day: date
    timezone: str
    hours: tuple[HourRow, ...]
    people: int
    videos: tuple[str, ...]
    stitched: int  # tracks joined to one in the previous file
    overlaps: tuple[tuple[str, str, float], ...] = field(default=())  # videos recorded at once

    @property
    def busiest(self) -> HourRow | None:
        """The hour with the most people (the earliest of equals); None when nobody was seen."""
        best = max(self.hours, key=lambda h: (h.people, -h.starts_at.timestamp()), default=None)
        return best if best is not None and best.people > 0 else None

    @property
    def footage_s(self) -> float:
        """Seconds of video recorded during the day."""
        return sum(h.footage_s for h in self.hours)

    def text(self) -> str:
        """A few sentences an operator reads first."""
        where = f"{self.camera} on {self.day.isoformat()} ({self.timezone})"
        if not self.videos:
            return f"{where}: no video with a known recording time covers this day."
        covered = [h for h in self.hours if h.footage_s > 0]
        span = f"{covered[0].label} to {_end_label(covered[-1])}" if covered else "-"
        parts = [
            f"{where}: {len(self.videos)} video(s), {_duration(self.footage_s)} of footage "
            f"from {span}.",
            f"{self.people} {'person' if self.people == 1 else 'people'} seen"
            + (f" ({self.stitched} joined across file cuts)" if self.stitched else "")
            + f"; {sum(h.entries for h in self.hours)} entries, "
            f"{sum(h.line_crossings for h in self.hours)} line crossings, "
            f"{sum(h.events for h in self.hours)} events.",
        ]
        busiest = self.busiest
        if busiest is not None:
            parts.append(
                f"Busiest hour: {busiest.label}-{_end_label(busiest)} with {busiest.people} "
                f"{'person' if busiest.people == 1 else 'people'}."
            )
        for first, second, seconds in self.overlaps:
            parts.append(
                f"{first} and {second} overlap by {seconds:.0f} s: people in both are counted "
                "twice."
            )
        return " ".join(parts)


def _end_label(hour: HourRow) -> str:
    end = hour.starts_at.astimezone(UTC) + timedelta(hours=1)
    return end.astimezone(hour.starts_at.tzinfo).strftime("%H:00")


def _duration(seconds: float) -> str:
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants a local day starts and ends at (23 or 25 hours apart when clocks move)."""
    start = datetime.combine(day, time(0), zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def days_covered(recorded_at: datetime, duration_s: float, zone: ZoneInfo) -> list[date]:
    """The local dates a video recorded from ``recorded_at`` for ``duration_s`` falls on."""
    first = recorded_at.astimezone(zone).date()
    last = (recorded_at + timedelta(seconds=max(duration_s, 0.0))).astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _hour_starts(day: date, zone: ZoneInfo) -> list[datetime]:
    start, end = day_bounds(day, zone)
    count = round((end - start).total_seconds() / 3600)
    return [(start + timedelta(hours=k)).astimezone(zone) for k in range(count)]


def _overlap_s(a0: datetime, a1: datetime, b0: datetime, b1: datetime) -> float:
    return max(0.0, (min(a1, b1) - max(a0, b0)).total_seconds())


def day_report(
    camera: str,
    day: date,
    zone: ZoneInfo,
    footage: Sequence[Footage],
    tracks: Sequence[PersonTrack],
    events: Sequence[DayEvent],
) -> DayReport:
    """Count a camera's day per local hour across its videos.

    Args:
        camera: The camera's name.
        day: The local date.
        zone: The camera's time zone.
        footage: Videos of the camera that overlap the day (those just before or after it may be
            included: they are used to join people across midnight, not counted).
        tracks: Their person tracks, with edge boxes.
        events: Their events.

    Returns:
        The report. A person counts in every hour they were in view, once in the day; an entry
        is a person entering the frame (not one in view when a file starts); the exit and entry
        a cut makes of a joined person are not counted as events.
    """
    day_start, day_end = day_bounds(day, zone)
    starts = {f.video_id: f.recorded_at for f in footage}
    in_day = [f for f in footage if _overlap_s(f.recorded_at, f.ends_at, day_start, day_end) > 0]
    links = stitch_tracks(footage, tracks)
    hours = _hour_starts(day, zone)
    bounds = [(h.astimezone(UTC), h.astimezone(UTC) + timedelta(hours=1)) for h in hours]
    footage_s = [
        sum(_overlap_s(f.recorded_at, f.ends_at, h0, h1) for f in in_day) for h0, h1 in bounds
    ]
    people_per_hour = [0] * len(hours)
    day_people = 0
    for group in group_people(tracks, links).values():
        seen_from = min(starts[t.video_id] + timedelta(seconds=t.first_s) for t in group)
        seen_to = max(starts[t.video_id] + timedelta(seconds=t.last_s) for t in group)
        if not (seen_from < day_end and seen_to >= day_start):
            continue
        day_people += 1
        for k, (h0, h1) in enumerate(bounds):
            if seen_from < h1 and seen_to >= h0:
                people_per_hour[k] += 1
    # The frame exit and entry a cut makes of a joined person did not happen.
    cut_made = {("enter", *after) for after in links} | {
        ("exit", *before) for before in links.values()
    }
    counts: dict[str, Counter[int]] = {"entries": Counter(), "lines": Counter(), "all": Counter()}
    for e in events:
        if e.video_id not in starts:
            continue
        if e.zone is None and (e.event_type, e.video_id, e.track_id) in cut_made:
            continue
        at = starts[e.video_id] + timedelta(seconds=e.start_s)
        k = next((i for i, (h0, h1) in enumerate(bounds) if h0 <= at < h1), None)
        if k is None:
            continue
        counts["all"][k] += 1
        if e.event_type == "line_crossing":
            counts["lines"][k] += 1
        if e.event_type == "enter" and e.zone is None and not e.from_start:
            counts["entries"][k] += 1
    labels = [h.strftime("%H:00") for h in hours]
    repeated = {label for label, n in Counter(labels).items() if n > 1}
    rows = tuple(
        HourRow(
            label=f"{label} ({h.strftime('%z')})" if label in repeated else label,
            starts_at=h,
            footage_s=round(footage_s[k], 1),
            people=people_per_hour[k],
            entries=counts["entries"][k],
            line_crossings=counts["lines"][k],
            events=counts["all"][k],
        )
        for k, (label, h) in enumerate(zip(labels, hours, strict=True))
    )
    ordered = sorted(in_day, key=lambda f: f.recorded_at)
    overlaps = tuple(
        (a.video_id, b.video_id, seconds)
        for a, b in zip(ordered, ordered[1:], strict=False)
        if (seconds := _overlap_s(a.recorded_at, a.ends_at, b.recorded_at, b.ends_at)) > MAX_GAP_S
    )
    in_day_ids = {f.video_id for f in in_day}
    return DayReport(
        camera=camera,
        day=day,
        timezone=zone.key,
        hours=rows,
        people=day_people,
        videos=tuple(f.video_id for f in ordered),
        stitched=sum(1 for after in links if after[0] in in_day_ids),
        overlaps=overlaps,
    )
