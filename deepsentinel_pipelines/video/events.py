"""Event rules: turn tracked detections (and pose keypoints, when present) into events.

Every rule is a small pure function over one track, or over all people per frame for crowding.
Times are video seconds from ``Detection.t_s``; ``fps_analysed`` only sets how long one analysed
frame lasts, which scales the gap tolerance. Tracks seen in fewer than ``MIN_TRACK_FRAMES``
frames are tracker noise and produce no events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from deepsentinel_pipelines.text.timefmt import format_timestamp
from deepsentinel_pipelines.video.camera_config import CameraConfig, CountingLine, Zone
from deepsentinel_pipelines.video.pose import orientation, posture, torso_angle_deg
from deepsentinel_pipelines.video.types import (
    EVENT_TYPES,
    Detection,
    Event,
    TrackSummary,
    is_notable,
)

if TYPE_CHECKING:
    import supervision as sv

PERSON = "person"
MIN_TRACK_FRAMES = 3
# Missed detections shorter than this (or 2.5 analysed frames, whichever is longer) are bridged.
MAX_GAP_S = 1.5
# Posture, activity and orientation segments shorter than this are flicker and get absorbed.
MIN_SEGMENT_S = 1.5
# Zone visits and crowds shorter than this are boxes jittering across a boundary.
ZONE_MIN_S = 1.0
CROWD_MIN_S = 1.0
# Frames a track must be seen on the new side of a line before the crossing counts.
LINE_CONFIRM_FRAMES = 2
# Speeds are in body heights per second, so a far-away person and a close one compare equally.
SPEED_WINDOW_S = 1.0
WALK_MIN_HPS = 0.25  # ~0.4 m/s for a 1.7 m person: slower is shuffling on the spot
RUN_MIN_HPS = 1.3  # ~2.2 m/s: above a brisk walk (1.2-1.8 m/s), at a jog
# A fall counts as "tall to wide" for confidence when the box flips across these height/width.
TALL_ASPECT = 1.5
WIDE_ASPECT = 0.8
EDGE_MARGIN_FRAC = 0.02

_ORIENTATION_TEXT = {
    "facing_camera": "facing the camera",
    "facing_away": "facing away from the camera",
    "facing_left": "facing left",
    "facing_right": "facing right",
}


@dataclass(frozen=True)
class _Track:
    track_id: int
    class_name: str
    dets: tuple[Detection, ...]
    t: np.ndarray
    boxes: np.ndarray
    scores: np.ndarray

    @property
    def label(self) -> str:
        return f"{self.class_name.capitalize()} {self.track_id}"

    def frame(self, i: int) -> int:
        return self.dets[i].frame_idx


@dataclass(frozen=True)
class _Ctx:
    cfg: CameraConfig
    frame_s: float
    max_gap_s: float


def track_summaries(detections: Sequence[Detection]) -> list[TrackSummary]:
    """Summarise every confirmed track (``track_id`` not None), sorted by track id."""
    return [
        TrackSummary(
            track_id=tr.track_id,
            class_name=tr.class_name,
            first_s=float(tr.t[0]),
            last_s=float(tr.t[-1]),
            n_frames=len(tr.dets),
            mean_score=round(float(tr.scores.mean()), 4),
        )
        for tr in _group_tracks(detections)
    ]


def derive_events(
    detections: Sequence[Detection], config: CameraConfig, fps_analysed: float
) -> list[Event]:
    """Apply every rule to a video's detections, all held in memory.

    Args:
        detections: All detections of one video, any order.
        config: The camera's zones, lines and thresholds.
        fps_analysed: Frames per second that were actually analysed (after frame skipping).

    Returns:
        What :func:`derive_events_by_track` returns for the same detections.
    """
    by_track: dict[int, list[Detection]] = defaultdict(list)
    for d in detections:
        if d.track_id is not None:
            by_track[d.track_id].append(d)
    frame_t = {d.frame_idx: d.t_s for d in detections}
    return derive_events_by_track(
        (by_track[i] for i in sorted(by_track)), sorted(frame_t.items()), config, fps_analysed
    )


def derive_events_by_track(
    tracks: Iterable[Sequence[Detection]],
    frame_times: Sequence[tuple[int, float]],
    config: CameraConfig,
    fps_analysed: float,
) -> list[Event]:
    """Apply every rule to a video's tracks, one track in memory at a time.

    Args:
        tracks: Each confirmed track's detections, one track per item, in track id order
            (as read from the database); within a track any order.
        frame_times: ``(frame_idx, t_s)`` of every analysed frame with any detection, tracked
            or not, in frame order: a frame with too few people ends a crowd, a frame without
            detections is a time gap.
        config: The camera's zones, lines and thresholds.
        fps_analysed: Frames per second that were actually analysed (after frame skipping).

    Returns:
        Events sorted by start time. A track first seen in the first analysed frame (``t_s`` below
        one frame period) is reported as in view "from the start" rather than entering.
    """
    if fps_analysed <= 0:
        raise ValueError(f"fps_analysed must be positive, got {fps_analysed}")
    frame_s = 1.0 / fps_analysed
    ctx = _Ctx(cfg=config, frame_s=frame_s, max_gap_s=max(MAX_GAP_S, 2.5 * frame_s))
    # Imported on use: supervision (and scipy behind it) adds ~2 s to every process start.
    import supervision as sv

    polygons = {
        z.name: sv.PolygonZone(polygon=np.asarray(z.polygon, dtype=float))
        for z in config.zones
        if not z.whole_frame
    }
    crowds = _CrowdCounter(frame_times, config, polygons)
    events: list[Event] = []
    for detections in tracks:
        for tr in _group_tracks(detections):
            if len(tr.dets) < MIN_TRACK_FRAMES:
                continue
            events += _frame_enter_exit(tr, ctx)
            for zone in config.zones:
                events += _zone_events(tr, zone, _inside(zone, tr.boxes, polygons), ctx)
            for line in config.lines:
                events += _line_events(tr, line)
            if tr.class_name == PERSON:
                events += _fall_events(tr, ctx)
                events += _activity_events(tr, ctx)
                events += _orientation_events(tr, ctx)
                crowds.add(tr)
    events += crowds.events(ctx)
    order = {name: i for i, name in enumerate(EVENT_TYPES)}
    return sorted(
        events,
        key=lambda e: (
            e.start_s,
            e.end_s,
            order[e.event_type],
            -1 if e.track_id is None else e.track_id,
        ),
    )


# ---------------------------------------------------------------- shared helpers


def _group_tracks(detections: Sequence[Detection]) -> list[_Track]:
    by_id: dict[int, dict[int, Detection]] = defaultdict(dict)
    for d in detections:
        if d.track_id is None:
            continue
        kept = by_id[d.track_id].get(d.frame_idx)
        # A tracker should never repeat an id within a frame; if one does, keep the surer box.
        if kept is None or d.score > kept.score:
            by_id[d.track_id][d.frame_idx] = d
    tracks = []
    for track_id in sorted(by_id):
        dets = tuple(sorted(by_id[track_id].values(), key=lambda d: (d.t_s, d.frame_idx)))
        tracks.append(
            _Track(
                track_id=int(track_id),
                class_name=Counter(d.class_name for d in dets).most_common(1)[0][0],
                dets=dets,
                t=np.array([d.t_s for d in dets], dtype=float),
                boxes=np.array([d.box for d in dets], dtype=float).reshape(-1, 4),
                scores=np.array([d.score for d in dets], dtype=float),
            )
        )
    return tracks


def _event(
    event_type: str,
    start_s: float,
    end_s: float,
    description: str,
    confidence: float,
    *,
    track_id: int | None = None,
    zone: str | None = None,
    attributes: dict[str, Any] | None = None,
    key_frame_idx: int | None = None,
) -> Event:
    return Event(
        event_type=event_type,
        start_s=round(float(start_s), 3),
        end_s=round(float(end_s), 3),
        track_id=track_id,
        zone=zone,
        confidence=round(float(np.clip(confidence, 0.0, 1.0)), 3),
        description=description,
        attributes=attributes or {},
        key_frame_idx=key_frame_idx if is_notable(event_type, zone) else None,
    )


def _segments(
    t: np.ndarray, labels: Sequence[str | None], min_s: float, max_gap_s: float
) -> list[tuple[str, list[int]]]:
    """Group per-frame labels into segments, absorbing runs shorter than ``min_s``.

    Unlabelled frames and detection gaps up to ``max_gap_s`` are bridged. A short run between two
    others is merged into the longer one (so "sit, stand-for-one-frame, sit" stays one sitting
    segment); short runs at either end, or next to a long gap, are dropped: a person who walks
    into a zone half a second after appearing did not appear inside it.
    """
    runs: list[tuple[str, list[int]]] = []
    for i, label in enumerate(labels):
        if label is None:
            continue
        if runs and runs[-1][0] == label and t[i] - t[runs[-1][1][-1]] <= max_gap_s:
            runs[-1][1].append(i)
        else:
            runs.append((label, [i]))

    def span(k: int) -> float:
        return float(t[runs[k][1][-1]] - t[runs[k][1][0]])

    def adjacent(a: int, b: int) -> bool:
        return 0 <= a < b < len(runs) and t[runs[b][1][0]] - t[runs[a][1][-1]] <= max_gap_s

    while True:
        short = [
            k
            for k in range(len(runs))
            if span(k) < min_s and adjacent(k - 1, k) and adjacent(k, k + 1)
        ]
        if not short:
            break
        k = min(short, key=span)
        into = max((k - 1, k + 1), key=span)
        runs[into] = (runs[into][0], sorted(runs[into][1] + runs[k][1]))
        del runs[k]
        # Absorbing a flicker can leave two same-label runs side by side; join them.
        merged: list[tuple[str, list[int]]] = []
        for label, idx in runs:
            if merged and merged[-1][0] == label and t[idx[0]] - t[merged[-1][1][-1]] <= max_gap_s:
                merged[-1][1].extend(idx)
            else:
                merged.append((label, list(idx)))
        runs = merged
    return [(label, idx) for label, idx in runs if t[idx[-1]] - t[idx[0]] >= min_s]


def _agreement(labels: Sequence[str | None], idx: list[int], label: str) -> float:
    return sum(labels[i] == label for i in idx) / len(idx)


def _edge(box: np.ndarray, width: int, height: int) -> str | None:
    x1, y1, x2, y2 = box
    gaps = {"left": x1, "right": width - x2, "top": y1, "bottom": height - y2}
    margins = {"left": width, "right": width, "top": height, "bottom": height}
    near = {k: v for k, v in gaps.items() if v <= EDGE_MARGIN_FRAC * margins[k]}
    return min(near, key=near.__getitem__) if near else None


def _inside(zone: Zone, boxes: np.ndarray, polygons: dict[str, sv.PolygonZone]) -> np.ndarray:
    if zone.whole_frame or len(boxes) == 0:
        return np.ones(len(boxes), dtype=bool)
    import supervision as sv  # imported on use (see derive_events)

    # Bottom-centre (feet) anchor: a person is in a floor zone where they stand.
    return polygons[zone.name].trigger(sv.Detections(xyxy=boxes))


# ---------------------------------------------------------------- enter / exit / zones / lines


def _frame_enter_exit(tr: _Track, ctx: _Ctx) -> list[Event]:
    w, h = ctx.cfg.frame_width, ctx.cfg.frame_height
    first, last = float(tr.t[0]), float(tr.t[-1])
    from_start = first < ctx.frame_s
    edge_in, edge_out = _edge(tr.boxes[0], w, h), _edge(tr.boxes[-1], w, h)
    if from_start:
        enter_text = f"{tr.label} was in the frame from the start ({format_timestamp(first)})"
    elif edge_in:
        enter_text = (
            f"{tr.label} entered the frame from the {edge_in} edge at {format_timestamp(first)}"
        )
    else:
        enter_text = f"{tr.label} appeared in the frame at {format_timestamp(first)}"
    if edge_out:
        exit_text = f"{tr.label} left the frame at the {edge_out} edge at {format_timestamp(last)}"
    else:
        exit_text = f"{tr.label} was last seen in the frame at {format_timestamp(last)}"
    # The first frame often shows a person half-cut by the edge; pick the surest box of the first
    # second instead.
    early = np.flatnonzero(tr.t <= first + 1.0)
    key = tr.frame(int(early[np.argmax(tr.scores[early])]))
    conf = float(tr.scores.mean())
    return [
        _event(
            "enter",
            first,
            first,
            enter_text,
            conf,
            track_id=tr.track_id,
            attributes={"edge": edge_in, "from_start": from_start},
            key_frame_idx=key,
        ),
        _event(
            "exit", last, last, exit_text, conf, track_id=tr.track_id, attributes={"edge": edge_out}
        ),
    ]


def _zone_events(tr: _Track, zone: Zone, inside: np.ndarray, ctx: _Ctx) -> list[Event]:
    labels = ["in" if v else "out" for v in inside]
    zone_label = None if zone.whole_frame else zone.name
    where = "the frame" if zone.whole_frame else f"zone '{zone.name}'"
    events: list[Event] = []
    for label, idx in _segments(tr.t, labels, ZONE_MIN_S, ctx.max_gap_s):
        if label != "in":
            continue
        i0, i1 = idx[0], idx[-1]
        t0, t1 = float(tr.t[i0]), float(tr.t[i1])
        conf = float(tr.scores[idx].mean()) * _agreement(labels, idx, "in")
        common = {"track_id": tr.track_id, "zone": zone_label}
        if not zone.whole_frame:
            verb = "appeared inside" if i0 == 0 else "entered"
            events.append(
                _event(
                    "enter",
                    t0,
                    t0,
                    f"{tr.label} {verb} {where} at {format_timestamp(t0)}",
                    conf,
                    key_frame_idx=tr.frame(i0),
                    **common,
                )
            )
            if i1 + 1 < len(tr.t):
                t_out = float(tr.t[i1 + 1])
                text = f"{tr.label} left {where} at {format_timestamp(t_out)}"
            else:
                t_out = t1
                text = f"{tr.label} was last seen in {where} at {format_timestamp(t1)}"
            events.append(_event("exit", t_out, t_out, text, conf, **common))
        stay = t1 - t0
        span_text = f"{stay:.0f} s ({format_timestamp(t0)} to {format_timestamp(t1)})"
        if zone.dwell_s is not None and stay >= zone.dwell_s:
            events.append(
                _event(
                    "dwell",
                    t0,
                    t1,
                    f"{tr.label} stayed in {where} for {span_text}",
                    conf,
                    attributes={"duration_s": round(stay, 2), "threshold_s": zone.dwell_s},
                    **common,
                )
            )
        if zone.loitering_s is not None and stay >= zone.loitering_s:
            # The frame where the stay crossed the threshold shows the person still there.
            key = tr.frame(int(np.searchsorted(tr.t, t0 + zone.loitering_s)))
            text = (
                f"{tr.label} stayed in {where} for {span_text}, past the "
                f"{zone.loitering_s:.0f} s loitering threshold"
            )
            events.append(
                _event(
                    "loitering",
                    t0,
                    t1,
                    text,
                    conf,
                    key_frame_idx=key,
                    attributes={"duration_s": round(stay, 2), "threshold_s": zone.loitering_s},
                    **common,
                )
            )
    return events


def _line_events(tr: _Track, line: CountingLine) -> list[Event]:
    # One LineZone per track: the track's own frames arrive back to back, so a missed detection
    # never evicts its crossing state the way other people's frames would.
    # Cheap precheck: feet that never change side of the (infinite) line cannot cross it.
    (x0, y0), (x1, y1) = line.start, line.end
    feet_x, feet_y = (tr.boxes[:, 0] + tr.boxes[:, 2]) / 2, tr.boxes[:, 3]
    side = (x1 - x0) * (feet_y - y0) - (y1 - y0) * (feet_x - x0) < 0
    if side.all() or not side.any():
        return []
    import supervision as sv  # imported on use (see derive_events)

    zone = sv.LineZone(
        start=sv.Point(*line.start),
        end=sv.Point(*line.end),
        triggering_anchors=(sv.Position.BOTTOM_CENTER,),
        minimum_crossing_threshold=LINE_CONFIRM_FRAMES,
    )
    events = []
    for i in range(len(tr.t)):
        det = sv.Detections(
            xyxy=tr.boxes[i : i + 1], tracker_id=np.array([tr.track_id]), class_id=np.array([0])
        )
        crossed_in, crossed_out = zone.trigger(det)
        if not (crossed_in[0] or crossed_out[0]):
            continue
        direction = "in" if crossed_in[0] else "out"
        # Confirmation comes LINE_CONFIRM_FRAMES frames late; date the crossing to the first one.
        j = max(0, i - LINE_CONFIRM_FRAMES + 1)
        t_cross = float(tr.t[j])
        text = (
            f"{tr.label} crossed line '{line.name}' (direction {direction}) "
            f"at {format_timestamp(t_cross)}"
        )
        events.append(
            _event(
                "line_crossing",
                t_cross,
                t_cross,
                text,
                float(tr.scores[j]),
                track_id=tr.track_id,
                key_frame_idx=tr.frame(j),
                attributes={"line": line.name, "direction": direction},
            )
        )
    return events


def _speeds(tr: _Track) -> np.ndarray:
    """Box-centre speed in body heights per second over a centred window (NaN if unknown)."""
    centres = (tr.boxes[:, :2] + tr.boxes[:, 2:]) / 2.0
    heights = tr.boxes[:, 3] - tr.boxes[:, 1]
    lo = np.searchsorted(tr.t, tr.t - SPEED_WINDOW_S / 2, side="left")
    hi = np.searchsorted(tr.t, tr.t + SPEED_WINDOW_S / 2, side="right") - 1
    out = np.full(len(tr.t), np.nan)
    for i, (a, b) in enumerate(zip(lo, hi, strict=True)):
        dt = tr.t[b] - tr.t[a]
        body = float(np.median(heights[a : b + 1]))
        if b > a and dt > 0 and body > 0:
            out[i] = np.linalg.norm(centres[b] - centres[a]) / dt / body
    return out


# ---------------------------------------------------------------- pose rules


def _fall_state(tr: _Track, i: int, ctx: _Ctx) -> str | None:
    kp = tr.dets[i].keypoints
    angle = None if kp is None else torso_angle_deg(kp, ctx.cfg.keypoint_min_conf)
    if angle is None:
        return None
    x1, y1, x2, y2 = tr.boxes[i]
    aspect = (y2 - y1) / max(x2 - x1, 1e-6)
    fall = ctx.cfg.fall
    if angle <= fall.upright_max_deg:
        return "up"
    if angle >= fall.lying_min_deg and aspect <= fall.lying_max_aspect:
        return "down"
    return None


def _fall_events(tr: _Track, ctx: _Ctx) -> list[Event]:
    """Upright torso, then lying within ``max_transition_s``, then still lying ``min_down_s``."""
    fall = ctx.cfg.fall
    states = [_fall_state(tr, i, ctx) for i in range(len(tr.t))]
    aspects = (tr.boxes[:, 3] - tr.boxes[:, 1]) / np.maximum(tr.boxes[:, 2] - tr.boxes[:, 0], 1e-6)
    events: list[Event] = []
    last_up: int | None = None
    i = 0
    while i < len(states):
        if states[i] != "down":
            if states[i] == "up":
                last_up = i
            i += 1
            continue
        # Extend the lying run until the person is upright again or the track breaks off.
        j, last_down = i, i
        while (
            j + 1 < len(states) and states[j + 1] != "up" and tr.t[j + 1] - tr.t[j] <= ctx.max_gap_s
        ):
            j += 1
            if states[j] == "down":
                last_down = j
        down_s = float(tr.t[last_down] - tr.t[i])
        if last_up is not None and tr.t[i] - tr.t[last_up] <= fall.max_transition_s:
            if down_s >= fall.min_down_s:
                events.append(_fall_event(tr, last_up, i, last_down, j, aspects, states))
        last_up = None
        i = j + 1
    return events


def _fall_event(
    tr: _Track,
    up: int,
    first: int,
    last: int,
    end: int,
    aspects: np.ndarray,
    states: list[str | None],
) -> Event:
    t_up, t_first, t_last = float(tr.t[up]), float(tr.t[first]), float(tr.t[last])
    down_s = t_last - t_first
    flipped = bool(aspects[up] >= TALL_ASPECT and aspects[first] <= WIDE_ASPECT)
    got_up = end + 1 < len(states) and states[end + 1] == "up"
    # Torso evidence alone is fairly strong; a box flipping tall->wide and a long lie add to it.
    evidence = 0.55 + (0.2 if flipped else 0.0) + 0.1 * min(1.0, down_s / 10.0)
    conf = 0.15 + evidence * float(tr.scores[up : last + 1].mean())
    suffix = f", upright again at {format_timestamp(float(tr.t[end + 1]))}" if got_up else ""
    text = f"{tr.label} fell at {format_timestamp(t_up)} (lying for {down_s:.0f} s{suffix})"
    attributes = {
        "down_s": round(down_s, 2),
        "transition_s": round(t_first - t_up, 2),
        "box_flipped": flipped,
        "got_up": got_up,
    }
    return _event(
        "fall",
        t_up,
        t_last,
        text,
        conf,
        track_id=tr.track_id,
        attributes=attributes,
        key_frame_idx=tr.frame(first),
    )


def _activity_events(tr: _Track, ctx: _Ctx) -> list[Event]:
    """Walking/running from speed; when slow, sitting/standing from pose."""
    kmin = ctx.cfg.keypoint_min_conf
    speeds = _speeds(tr)
    labels: list[str | None] = []
    for i, speed in enumerate(speeds):
        if speed >= RUN_MIN_HPS:
            labels.append("running")
        elif speed >= WALK_MIN_HPS:
            labels.append("walking")
        else:
            kp = tr.dets[i].keypoints
            labels.append(None if kp is None else posture(kp, kmin))
    events = []
    for label, idx in _segments(tr.t, labels, MIN_SEGMENT_S, ctx.max_gap_s):
        t0, t1 = float(tr.t[idx[0]]), float(tr.t[idx[-1]])
        speed = float(np.nanmedian(speeds[idx])) if np.isfinite(speeds[idx]).any() else None
        text = (
            f"{tr.label} was {label} from {format_timestamp(t0)} "
            f"to {format_timestamp(t1)} ({t1 - t0:.0f} s)"
        )
        attributes = {
            "duration_s": round(t1 - t0, 2),
            "speed_body_heights_per_s": None if speed is None else round(speed, 2),
        }
        conf = float(tr.scores[idx].mean()) * _agreement(labels, idx, label)
        events.append(
            _event(label, t0, t1, text, conf, track_id=tr.track_id, attributes=attributes)
        )
    return events


def _orientation_events(tr: _Track, ctx: _Ctx) -> list[Event]:
    kmin = ctx.cfg.keypoint_min_conf
    labels: list[str | None] = []
    for i in range(len(tr.t)):
        kp = tr.dets[i].keypoints
        labels.append(
            None if kp is None else orientation(kp, tr.boxes[i, 3] - tr.boxes[i, 1], kmin)
        )
    events = []
    for label, idx in _segments(tr.t, labels, MIN_SEGMENT_S, ctx.max_gap_s):
        t0, t1 = float(tr.t[idx[0]]), float(tr.t[idx[-1]])
        text = (
            f"{tr.label} was {_ORIENTATION_TEXT[label]} from {format_timestamp(t0)} "
            f"to {format_timestamp(t1)} ({t1 - t0:.0f} s)"
        )
        conf = float(tr.scores[idx].mean()) * _agreement(labels, idx, label)
        events.append(
            _event(
                "orientation",
                t0,
                t1,
                text,
                conf,
                track_id=tr.track_id,
                attributes={"orientation": label, "duration_s": round(t1 - t0, 2)},
            )
        )
    return events


# ---------------------------------------------------------------- crowding


class _CrowdCounter:
    """People per frame in the frame and each zone, gathered track by track for crowding events.

    Keeps 4 numbers per person detection (frame, track, score, zones as bits), not the
    detections, so a long video's tracks can be read one at a time.
    """

    def __init__(
        self,
        frame_times: Sequence[tuple[int, float]],
        config: CameraConfig,
        polygons: dict[str, sv.PolygonZone],
    ) -> None:
        self.frames = [f for f, _ in frame_times]
        self.t = np.array([t for _, t in frame_times], dtype=float)
        self._row = {f: k for k, f in enumerate(self.frames)}
        # The whole frame, then each zone with its own threshold.
        self.areas: list[tuple[Zone | None, int]] = [(None, config.crowding_min_people)]
        for zone in config.zones:
            if not zone.whole_frame:
                self.areas.append((zone, zone.crowding_min_people or config.crowding_min_people))
        self._polygons = polygons
        self._parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, tr: _Track) -> None:
        """Count a person track's detections."""
        rows = np.array([self._row[tr.frame(i)] for i in range(len(tr.t))], dtype=np.int64)
        bits = np.zeros(len(rows), dtype=np.int64)
        for k, (zone, _) in enumerate(self.areas):
            inside = True if zone is None else _inside(zone, tr.boxes, self._polygons)
            bits |= np.where(inside, 1 << k, 0)
        ids = np.full(len(rows), tr.track_id, dtype=np.int64)
        self._parts.append((rows, ids, tr.scores.astype(float), bits))

    def events(self, ctx: _Ctx) -> list[Event]:
        """One event per contiguous period with at least N people in the frame or in a zone."""
        if not self.frames:
            return []
        if self._parts:
            rows, ids, scores, bits = (np.concatenate(p) for p in zip(*self._parts, strict=True))
        else:
            rows = ids = bits = np.zeros(0, dtype=np.int64)
            scores = np.zeros(0, dtype=float)
        # Members of a frame in track order, as a frame's people are listed.
        order = np.lexsort((ids, rows))
        rows, ids, scores, bits = rows[order], ids[order], scores[order], bits[order]
        found = []
        for k, (zone, min_people) in enumerate(self.areas):
            member = (bits & (1 << k)) != 0
            area = _Members(rows[member], ids[member], scores[member], len(self.frames))
            labels = ["crowd" if n >= min_people else "calm" for n in area.counts]
            for label, idx in _segments(self.t, labels, CROWD_MIN_S, ctx.max_gap_s):
                if label == "crowd":
                    name = None if zone is None else zone.name
                    found.append(
                        _crowd_event(name, min_people, self.t, idx, area, self.frames, labels)
                    )
        return found


@dataclass(frozen=True)
class _Members:
    """The people of one area, sorted by frame row then track id."""

    rows: np.ndarray
    ids: np.ndarray
    scores: np.ndarray
    n_frames: int

    @property
    def counts(self) -> np.ndarray:
        return np.bincount(self.rows, minlength=self.n_frames)

    def of(self, idx: list[int]) -> slice:
        """The members in frame rows ``idx[0]..idx[-1]``."""
        return slice(
            int(np.searchsorted(self.rows, idx[0], side="left")),
            int(np.searchsorted(self.rows, idx[-1], side="right")),
        )


def _crowd_event(
    zone_name: str | None,
    min_people: int,
    t: np.ndarray,
    idx: list[int],
    members: _Members,
    frames: list[int],
    labels: list[str],
) -> Event:
    t0, t1 = float(t[idx[0]]), float(t[idx[-1]])
    span = members.of(idx)
    keep = np.isin(members.rows[span], idx)
    rows, ids, scores = (
        members.rows[span][keep],
        members.ids[span][keep],
        members.scores[span][keep],
    )
    counts = [
        int(n)
        for n in np.bincount(rows - idx[0], minlength=idx[-1] - idx[0] + 1)[
            np.asarray(idx) - idx[0]
        ]
    ]
    peak = idx[int(np.argmax(counts))]
    text_where = "in the frame" if zone_name is None else f"in zone '{zone_name}'"
    text = (
        f"Crowd of up to {max(counts)} people {text_where} "
        f"from {format_timestamp(t0)} to {format_timestamp(t1)}"
    )
    return _event(
        "crowding",
        t0,
        t1,
        text,
        float(np.mean(scores)) * _agreement(labels, idx, "crowd"),
        zone=zone_name,
        key_frame_idx=frames[peak],
        attributes={
            "count": max(counts),
            "min_people": min_people,
            "track_ids": sorted({int(i) for i in ids}),
        },
    )
