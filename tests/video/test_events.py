"""Event rules on synthetic tracks: a stick-figure skeleton moved, rotated and bent per frame."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest

from deepsentinel_pipelines.video.camera_config import (
    EXAMPLE_CONFIG_PATH,
    CameraConfig,
    CountingLine,
    Zone,
    load_camera_config,
)
from deepsentinel_pipelines.video.events import derive_events, track_summaries
from deepsentinel_pipelines.video.types import (
    EVENT_TYPES,
    KEYPOINT_NAMES,
    ORIENTATIONS,
    Detection,
    Event,
    TrackSummary,
    is_notable,
)

FPS = 5.0
W, H = 768, 576

# Standing skeleton facing the camera: (lateral, height) in body heights, feet at (0, 0). The
# person's left side appears on the image's right, hence positive lateral offsets for "left_*".
_STANDING = {
    "nose": (0.0, 0.93), "left_eye": (0.03, 0.95), "right_eye": (-0.03, 0.95),
    "left_ear": (0.06, 0.94), "right_ear": (-0.06, 0.94),
    "left_shoulder": (0.11, 0.82), "right_shoulder": (-0.11, 0.82),
    "left_elbow": (0.14, 0.65), "right_elbow": (-0.14, 0.65),
    "left_wrist": (0.15, 0.50), "right_wrist": (-0.15, 0.50),
    "left_hip": (0.06, 0.52), "right_hip": (-0.06, 0.52),
    "left_knee": (0.06, 0.28), "right_knee": (-0.06, 0.28),
    "left_ankle": (0.06, 0.04), "right_ankle": (-0.06, 0.04),
}  # fmt: skip
# Sitting on a chair seen from the front: thighs point at the camera, so knees sit just below the
# hips; from the side the thighs are horizontal.
_SITTING = {
    "front": {"hip": 0.30, "knee": 0.26, "ankle": 0.02, "knee_dx": 0.0},
    "side": {"hip": 0.30, "knee": 0.30, "ankle": 0.02, "knee_dx": 0.22},
}


def skeleton(
    cx: float,
    foot_y: float,
    height: float,
    *,
    facing: str = "facing_camera",
    pose: str = "standing",
    tilt_deg: float = 0.0,
    bend_deg: float = 0.0,
    conf: float = 0.9,
) -> tuple[tuple[float, float, float], ...]:
    """17 COCO keypoints of a stick figure standing on (cx, foot_y) and ``height`` px tall.

    ``tilt_deg`` topples the whole body about the feet (90: lying, head to the right);
    ``bend_deg`` folds the upper body forward about the hips.
    """
    pts = dict(_STANDING)
    if pose.startswith("sitting"):
        s = _SITTING[pose.split("_")[1]]
        drop = 0.52 - s["hip"]
        pts = {k: (u, v - drop) if v >= 0.5 else (u, v) for k, (u, v) in pts.items()}
        for side, sign in (("left", 1), ("right", -1)):
            pts[f"{side}_knee"] = (sign * 0.06 + s["knee_dx"], s["knee"])
            pts[f"{side}_ankle"] = (sign * 0.06 + s["knee_dx"], s["ankle"])
    confs = dict.fromkeys(pts, conf)
    if facing == "facing_away":
        pts = {k: (-u, v) for k, (u, v) in pts.items()}
        for k in ("nose", "left_eye", "right_eye"):
            confs[k] = 0.05
    elif facing in ("facing_left", "facing_right"):
        sign = -1.0 if facing == "facing_left" else 1.0
        pts = {k: (0.1 * u, v) for k, (u, v) in pts.items()}
        pts["nose"] = (sign * 0.07, 0.93)
        hidden = "right" if facing == "facing_left" else "left"
        for k in (f"{hidden}_ear", f"{hidden}_eye"):
            confs[k] = 0.05
    if bend_deg:
        pts = {k: _rotate(u, v - 0.52, bend_deg, (0.0, 0.52)) if v > 0.52 else (u, v)
               for k, (u, v) in pts.items()}  # fmt: skip
    if tilt_deg:
        pts = {k: _rotate(u, v, tilt_deg, (0.0, 0.0)) for k, (u, v) in pts.items()}
        floor = min(v for _, v in pts.values())
        pts = {k: (u, v - floor) for k, (u, v) in pts.items()}
    return tuple(
        (cx + pts[name][0] * height, foot_y - pts[name][1] * height, confs[name])
        for name in KEYPOINT_NAMES
    )


def _rotate(u: float, v: float, deg: float, origin: tuple[float, float]) -> tuple[float, float]:
    a = math.radians(deg)
    return (
        origin[0] + u * math.cos(a) + v * math.sin(a),
        origin[1] - u * math.sin(a) + v * math.cos(a),
    )


def box_of(kps: tuple[tuple[float, float, float], ...], pad: float = 6.0) -> tuple[float, ...]:
    xs, ys = [p[0] for p in kps], [p[1] for p in kps]
    return (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)


def make_track(
    track_id: int,
    start_s: float,
    end_s: float,
    state: Callable[[float], dict],
    *,
    with_keypoints: bool = True,
    skip: Callable[[float], bool] = lambda t: False,
) -> list[Detection]:
    """Detections at FPS from ``start_s`` to ``end_s``; ``state(t)`` gives skeleton kwargs."""
    out = []
    first, last = round(start_s * FPS), round(end_s * FPS)
    for frame in range(first, last + 1):
        t = frame / FPS
        if skip(t):
            continue
        kwargs = state(t)
        kps = skeleton(**kwargs)
        out.append(
            Detection(
                frame_idx=frame,
                t_s=t,
                track_id=track_id,
                class_id=0,
                class_name="person",
                score=0.9,
                box=box_of(kps),
                keypoints=kps if with_keypoints else None,
            )
        )
    return out


def still(cx: float = 300, foot_y: float = 400, height: float = 200, **kw) -> Callable:
    return lambda t: {"cx": cx, "foot_y": foot_y, "height": height, **kw}


def moving(x0: float, y0: float, vx: float, vy: float, height: float = 200, **kw) -> Callable:
    return lambda t: {"cx": x0 + vx * t, "foot_y": y0 + vy * t, "height": height, **kw}


def whole_frame() -> CameraConfig:
    return load_camera_config(None, "test", W, H)


def zoned(**zone_kw) -> CameraConfig:
    zone = Zone(
        name="entrance", polygon=((100, 300), (500, 300), (500, 500), (100, 500)), **zone_kw
    )
    return CameraConfig(name="test", frame_width=W, frame_height=H, zones=(zone,))


def lined(start: tuple[float, float], end: tuple[float, float]) -> CameraConfig:
    base = whole_frame()
    return CameraConfig(
        name="test", frame_width=W, frame_height=H, zones=base.zones,
        lines=(CountingLine(name="door", start=start, end=end),),
    )  # fmt: skip


def of_type(events: list[Event], event_type: str) -> list[Event]:
    return [e for e in events if e.event_type == event_type]


# ---------------------------------------------------------------- falls


def _falling(direction: float, facing: str, lie_until: float = 8.0, get_up: bool = False):
    def state(t: float) -> dict:
        if t < 3.0:
            tilt = 0.0
        elif t <= 4.0:
            tilt = 90.0 * (t - 3.0)
        elif get_up and t > lie_until:
            tilt = 0.0
        else:
            tilt = 90.0
        return {"cx": 300, "foot_y": 450, "height": 220, "facing": facing,
                "tilt_deg": direction * tilt}  # fmt: skip

    return state


@pytest.mark.parametrize("direction", [1.0, -1.0], ids=["to_right", "to_left"])
@pytest.mark.parametrize("facing", ["facing_camera", "facing_left"])
def test_fall_upright_to_lying_is_one_fall(direction: float, facing: str) -> None:
    dets = make_track(7, 0.0, 8.0, _falling(direction, facing))
    falls = of_type(derive_events(dets, whole_frame(), FPS), "fall")
    assert len(falls) == 1
    fall = falls[0]
    assert fall.track_id == 7
    assert 3.0 <= fall.start_s <= 3.8
    assert fall.end_s == pytest.approx(8.0)
    assert fall.description == "Person 7 fell at 00:03 (lying for 4 s)"
    assert fall.attributes["box_flipped"] is True and fall.attributes["got_up"] is False
    assert 3.6 * FPS <= fall.key_frame_idx <= 4.0 * FPS
    assert 0.5 < fall.confidence <= 1.0


def test_fall_then_getting_up_is_reported() -> None:
    dets = make_track(2, 0.0, 12.0, _falling(1.0, "facing_camera", lie_until=7.0, get_up=True))
    (fall,) = of_type(derive_events(dets, whole_frame(), FPS), "fall")
    assert fall.attributes["got_up"] is True
    assert "upright again at 00:07" in fall.description


def _lying(t: float) -> dict:
    return {"cx": 300, "foot_y": 450, "height": 220, "tilt_deg": 90.0}


@pytest.mark.parametrize(
    ("state", "with_keypoints"),
    [
        pytest.param(_lying, True, id="lying_from_the_start"),
        pytest.param(_falling(1.0, "facing_camera"), False, id="no_keypoints"),
        pytest.param(
            lambda t: {**_lying(t), "tilt_deg": min(90.0, max(0.0, 9.0 * (t - 1.0)))},
            True,
            id="lying_down_slowly_over_10s",
        ),
        pytest.param(
            lambda t: {**_lying(t), "tilt_deg": 90.0 if 3.0 <= t <= 4.0 else 0.0},
            True,
            id="down_for_1s_then_up",
        ),
        pytest.param(
            lambda t: {**_lying(t), "tilt_deg": 0.0, "bend_deg": 80.0 if t >= 3.0 else 0.0},
            True,
            id="bending_over",
        ),
    ],
)
def test_no_fall(state: Callable, with_keypoints: bool) -> None:
    dets = make_track(1, 0.0, 12.0, state, with_keypoints=with_keypoints)
    assert of_type(derive_events(dets, whole_frame(), FPS), "fall") == []


# ---------------------------------------------------------------- zones, dwell, loitering


def test_loitering_in_zone_for_30s() -> None:
    dets = make_track(4, 0.0, 30.0, still(cx=300, foot_y=450))
    events = derive_events(dets, zoned(dwell_s=10.0, loitering_s=20.0), FPS)
    (loiter,) = of_type(events, "loitering")
    assert (loiter.zone, loiter.track_id) == ("entrance", 4)
    assert (loiter.start_s, loiter.end_s) == (0.0, 30.0)
    assert loiter.description == (
        "Person 4 stayed in zone 'entrance' for 30 s (00:00 to 00:30), "
        "past the 20 s loitering threshold"
    )
    assert loiter.key_frame_idx == 20 * FPS
    (dwell,) = of_type(events, "dwell")
    assert dwell.zone == "entrance" and dwell.key_frame_idx is None
    assert [e.description for e in of_type(events, "enter") if e.zone] == [
        "Person 4 appeared inside zone 'entrance' at 00:00"
    ]


def test_loitering_survives_a_short_detection_gap() -> None:
    dets = make_track(4, 0.0, 30.0, still(foot_y=450), skip=lambda t: 14.0 < t < 15.0)
    events = derive_events(dets, zoned(loitering_s=20.0), FPS)
    assert [(e.start_s, e.end_s) for e in of_type(events, "loitering")] == [(0.0, 30.0)]


def test_passing_through_a_zone_is_enter_and_exit_without_dwell() -> None:
    # Feet at y=400 move from x=0 to x=700 at 100 px/s: inside the zone (x 100..500) for 4 s.
    dets = make_track(5, 0.0, 7.0, moving(0, 400, 100, 0))
    events = derive_events(dets, zoned(dwell_s=10.0), FPS)
    zone_events = [(e.event_type, e.start_s) for e in events if e.zone == "entrance"]
    assert zone_events == [("enter", 1.0), ("exit", 5.2)]
    assert "Person 5 entered zone 'entrance' at 00:01" in [e.description for e in events]
    # Entering a configured zone is notable: it gets a highlight frame.
    assert all(e.key_frame_idx is not None for e in of_type(events, "enter") if e.zone)
    assert "Person 5 left zone 'entrance' at 00:05" in [e.description for e in events]


def test_whole_frame_camera_loiters_in_the_frame_without_dwell() -> None:
    events = derive_events(make_track(3, 0.0, 25.0, still()), whole_frame(), FPS)
    (loiter,) = of_type(events, "loitering")
    assert loiter.zone is None and "stayed in the frame for 25 s" in loiter.description
    assert of_type(events, "dwell") == []
    assert all(e.zone is None for e in events)


# ---------------------------------------------------------------- lines


@pytest.mark.parametrize(
    ("line", "motion", "direction"),
    [
        pytest.param(((450, 170), (450, 540)), moving(300, 400, 60, 0), "in", id="vertical_l2r"),
        pytest.param(((450, 170), (450, 540)), moving(600, 400, -60, 0), "out", id="vertical_r2l"),
        pytest.param(((100, 300), (700, 300)), moving(300, 450, 0, -60), "in", id="horizontal_up"),
        pytest.param(((100, 300), (700, 300)), moving(300, 150, 0, 60), "out", id="horizontal_dn"),
    ],
)
def test_line_crossing_direction(line, motion, direction) -> None:
    dets = make_track(9, 0.0, 5.0, motion)
    (crossing,) = of_type(derive_events(dets, lined(*line), FPS), "line_crossing")
    assert crossing.attributes == {"line": "door", "direction": direction}
    assert crossing.track_id == 9 and crossing.key_frame_idx is not None
    # Feet reach the line at 2.5 s; the crossing is dated to the first frame past it.
    assert 2.4 <= crossing.start_s <= 2.8
    assert crossing.description == f"Person 9 crossed line 'door' (direction {direction}) at 00:02"


@pytest.mark.parametrize(
    "motion",
    [
        pytest.param(moving(300, 400, 20, 0), id="walks_parallel_never_reaching"),
        pytest.param(
            lambda t: {"cx": 450 + (4 if int(t * FPS) % 2 else -4), "foot_y": 400, "height": 200},
            id="feet_jitter_on_the_line",
        ),  # fmt: skip
    ],
)
def test_no_line_crossing(motion) -> None:
    dets = make_track(9, 0.0, 5.0, motion)
    assert of_type(derive_events(dets, lined((450, 170), (450, 540)), FPS), "line_crossing") == []


def test_plaza_example_config_counts_walkers_on_the_path() -> None:
    config = load_camera_config(EXAMPLE_CONFIG_PATH, "plaza", W, H)
    dets = make_track(1, 0.0, 8.0, moving(250, 260, 50, 0, height=90))
    dets += make_track(2, 0.0, 8.0, moving(650, 250, -50, 0, height=90))
    crossings = of_type(derive_events(dets, config, FPS), "line_crossing")
    assert {(e.track_id, e.attributes["direction"]) for e in crossings} == {(1, "in"), (2, "out")}


# ---------------------------------------------------------------- orientation, posture, activity


@pytest.mark.parametrize("facing", ORIENTATIONS)
def test_orientation_from_keypoints(facing: str) -> None:
    dets = make_track(6, 0.0, 6.0, still(facing=facing))
    (event,) = of_type(derive_events(dets, whole_frame(), FPS), "orientation")
    assert event.attributes["orientation"] == facing
    assert (event.start_s, event.end_s) == (0.0, 6.0)
    text = {"facing_camera": "facing the camera", "facing_away": "facing away from the camera",
            "facing_left": "facing left", "facing_right": "facing right"}[facing]  # fmt: skip
    assert event.description == f"Person 6 was {text} from 00:00 to 00:06 (6 s)"


def test_turning_around_gives_two_orientation_segments() -> None:
    dets = make_track(
        6, 0.0, 8.0, lambda t: still(facing="facing_camera" if t < 4 else "facing_away")(t)
    )
    events = of_type(derive_events(dets, whole_frame(), FPS), "orientation")
    assert [e.attributes["orientation"] for e in events] == ["facing_camera", "facing_away"]


def test_lying_person_gets_no_orientation_or_posture() -> None:
    dets = make_track(6, 0.0, 8.0, _lying)
    kinds = {e.event_type for e in derive_events(dets, whole_frame(), FPS)}
    assert kinds.isdisjoint({"fall", "orientation", "sitting", "standing"})


def test_no_keypoints_no_pose_events() -> None:
    dets = make_track(6, 0.0, 6.0, still(), with_keypoints=False)
    kinds = {e.event_type for e in derive_events(dets, whole_frame(), FPS)}
    assert kinds.isdisjoint({"fall", "orientation", "sitting", "standing"})


@pytest.mark.parametrize(
    ("height", "body_heights_per_s", "expected"),
    [
        pytest.param(60, 2.5, "running", id="small_far_runner"),
        pytest.param(300, 0.6, "walking", id="big_near_walker_faster_in_pixels"),
        pytest.param(200, 0.6, "walking", id="walker"),
        pytest.param(200, 2.0, "running", id="runner"),
        pytest.param(200, 0.0, "standing", id="standing_still"),
    ],
)
def test_activity_from_scale_free_speed(height: int, body_heights_per_s: float, expected: str):
    # Pixel speeds: the far runner moves 150 px/s, the near walker 180 px/s.
    dets = make_track(8, 0.0, 3.0, moving(100, 450, body_heights_per_s * height, 0, height=height))
    events = derive_events(dets, whole_frame(), FPS)
    activity = [e for e in events if e.event_type in ("walking", "running", "standing", "sitting")]
    assert [e.event_type for e in activity] == [expected]
    assert activity[0].description == f"Person 8 was {expected} from 00:00 to 00:03 (3 s)"


@pytest.mark.parametrize(
    ("pose", "expected"),
    [("sitting_front", "sitting"), ("sitting_side", "sitting"), ("standing", "standing")],
)
def test_sitting_vs_standing_from_pose(pose: str, expected: str) -> None:
    dets = make_track(3, 0.0, 10.0, still(pose=pose))
    events = derive_events(dets, whole_frame(), FPS)
    assert [e.event_type for e in events if e.event_type in ("sitting", "standing")] == [expected]


def test_one_frame_posture_flicker_is_merged() -> None:
    dets = make_track(
        3, 0.0, 10.0, lambda t: still(pose="standing" if t == 5.0 else "sitting_front")(t)
    )
    events = derive_events(dets, whole_frame(), FPS)
    postures = [e for e in events if e.event_type in ("sitting", "standing")]
    assert [(e.event_type, e.start_s, e.end_s) for e in postures] == [("sitting", 0.0, 10.0)]
    assert postures[0].confidence < 0.9  # one frame of the fifty disagreed


def test_sit_down_then_stand_up_gives_segments_in_order() -> None:
    dets = make_track(
        3, 0.0, 12.0, lambda t: still(pose="sitting_side" if 4 <= t < 8 else "standing")(t)
    )
    events = derive_events(dets, whole_frame(), FPS)
    postures = [e.event_type for e in events if e.event_type in ("sitting", "standing")]
    assert postures == ["standing", "sitting", "standing"]


# ---------------------------------------------------------------- crowding


def _people(n: int, start: float, end: float, first_id: int = 1, **kw) -> list[Detection]:
    dets = []
    for k in range(n):
        dets += make_track(first_id + k, start, end, still(cx=80 + 110 * k, height=120, **kw))
    return dets


@pytest.mark.parametrize(("n", "expected"), [(4, 0), (5, 1), (6, 1)])
def test_crowding_threshold(n: int, expected: int) -> None:
    events = of_type(derive_events(_people(n, 0.0, 10.0), whole_frame(), FPS), "crowding")
    assert len(events) == expected
    if expected:
        assert events[0].attributes["count"] == n
        assert (
            events[0].description == f"Crowd of up to {n} people in the frame from 00:00 to 00:10"
        )
        assert events[0].track_id is None and events[0].key_frame_idx is not None


def test_crowd_is_one_event_per_period_with_max_count() -> None:
    dets = _people(5, 0.0, 20.0) + _people(1, 5.0, 10.0, first_id=50)
    (crowd,) = of_type(derive_events(dets, whole_frame(), FPS), "crowding")
    assert (crowd.start_s, crowd.end_s, crowd.attributes["count"]) == (0.0, 20.0, 6)
    assert 5.0 * FPS <= crowd.key_frame_idx <= 10.0 * FPS


def test_crowding_per_zone_uses_zone_threshold() -> None:
    config = zoned(crowding_min_people=3)
    inside = _people(3, 0.0, 6.0)  # cx 80..300, feet at y=400: x=80 is left of the zone
    inside += make_track(20, 0.0, 6.0, still(cx=400, height=120))
    crowds = of_type(derive_events(inside, config, FPS), "crowding")
    assert [(e.zone, e.attributes["count"]) for e in crowds] == [("entrance", 3)]


# ---------------------------------------------------------------- enter / exit and noise


def test_walk_across_the_frame_enters_and_exits_at_edges() -> None:
    dets = make_track(11, 2.0, 12.0, moving(-180, 500, 80, 0, height=150))
    events = derive_events(dets, whole_frame(), FPS)
    (enter,) = of_type(events, "enter")
    (exit_,) = of_type(events, "exit")
    assert enter.description == "Person 11 entered the frame from the left edge at 00:02"
    assert exit_.description == "Person 11 left the frame at the right edge at 00:12"
    # Appearing in the frame is not notable (a busy plaza would keep a frame per passer-by).
    assert enter.key_frame_idx is None and exit_.key_frame_idx is None


def test_present_from_the_start() -> None:
    (enter,) = of_type(derive_events(make_track(1, 0.0, 4.0, still()), whole_frame(), FPS), "enter")
    assert enter.attributes["from_start"] is True
    assert enter.description == "Person 1 was in the frame from the start (00:00)"


@pytest.mark.parametrize("n_frames", [1, 2])
def test_flicker_tracks_give_no_events(n_frames: int) -> None:
    dets = make_track(1, 3.0, 3.0 + (n_frames - 1) / FPS, _falling(1.0, "facing_camera"))
    dets += _people(6, 3.0, 3.0 + (n_frames - 1) / FPS, first_id=10)
    assert derive_events(dets, whole_frame(), FPS) == []


def test_unconfirmed_detections_give_no_events() -> None:
    dets = [
        Detection(k, k / FPS, None, 0, "person", 0.9, (10.0, 10.0, 60.0, 160.0)) for k in range(30)
    ]
    assert derive_events(dets, whole_frame(), FPS) == []


def test_busy_scene_events_are_sorted_and_well_formed() -> None:
    dets = _people(5, 0.0, 25.0)
    dets += make_track(40, 1.0, 9.0, _falling(1.0, "facing_camera"))
    dets += make_track(41, 3.0, 9.0, moving(0, 400, 120, 0))
    events = derive_events(list(reversed(dets)), zoned(), FPS)
    assert [e.start_s for e in events] == sorted(e.start_s for e in events)
    assert {"fall", "crowding", "loitering", "enter", "exit", "walking"} <= {
        e.event_type for e in events
    }
    json.dumps([e.attributes for e in events])  # stored as jsonb
    for e in events:
        assert e.event_type in EVENT_TYPES
        assert 0.0 <= e.confidence <= 1.0 and e.start_s <= e.end_s and e.description
        assert (e.key_frame_idx is not None) == is_notable(e.event_type, e.zone)


def test_fps_must_be_positive() -> None:
    with pytest.raises(ValueError, match="fps_analysed"):
        derive_events([], whole_frame(), 0.0)


def test_track_summaries() -> None:
    dets = make_track(2, 1.0, 3.0, still()) + make_track(1, 0.0, 0.0, still())
    assert track_summaries(dets) == [
        TrackSummary(1, "person", 0.0, 0.0, 1, 0.9),
        TrackSummary(2, "person", 1.0, 3.0, 11, 0.9),
    ]
