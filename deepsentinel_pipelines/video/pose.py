"""Pose geometry on the 17 COCO keypoints: torso angle, posture and body orientation."""

from __future__ import annotations

import math
from collections.abc import Sequence

from deepsentinel_pipelines.video.types import KEYPOINT_NAMES

# Posture and orientation only apply to an upright torso. "Thigh drop" is how far the knees
# sit below the hips, in torso lengths.
UPRIGHT_MAX_TORSO_DEG = 45.0
SIT_MAX_THIGH_DROP = 0.45
STAND_MIN_THIGH_DROP = 0.6
SIT_MAX_KNEE_DEG = 120.0
STAND_MIN_KNEE_DEG = 150.0
# Shoulders narrower than this (in torso lengths) mean the person is seen side-on.
SIDE_MAX_SHOULDER_RATIO = 0.35
SIDE_MIN_NOSE_OFFSET = 0.08
FACE_VISIBLE_CONF = 0.5
FACE_HIDDEN_CONF = 0.2

_KP = {name: i for i, name in enumerate(KEYPOINT_NAMES)}

# Plain-float maths on the 17 (x, y, conf) triples: called per detection, where numpy's
# per-call overhead would dominate.

Keypoints = Sequence[Sequence[float]]
_XY = tuple[float, float]


def _kp_point(kp: Keypoints, kmin: float, *names: str) -> _XY | None:
    """Mean position of the named keypoints that are confident enough, or None."""
    pts = [kp[_KP[n]] for n in names if kp[_KP[n]][2] >= kmin]
    if not pts:
        return None
    return sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts)


def _torso(kp: Keypoints, kmin: float) -> tuple[_XY, _XY, float] | None:
    """Return (shoulder midpoint, hip midpoint, torso length) from the confident points."""
    shoulder = _kp_point(kp, kmin, "left_shoulder", "right_shoulder")
    hip = _kp_point(kp, kmin, "left_hip", "right_hip")
    if shoulder is None or hip is None:
        return None
    length = math.hypot(shoulder[0] - hip[0], shoulder[1] - hip[1])
    return (shoulder, hip, length) if length >= 1.0 else None


def torso_angle_deg(kp: Keypoints, kmin: float) -> float | None:
    """Angle of the hip->shoulder line from vertical: 0 upright, 90 lying, None if unseen."""
    torso = _torso(kp, kmin)
    if torso is None:
        return None
    (_, sy), (_, hy), length = torso
    return math.degrees(math.acos(max(-1.0, min(1.0, (hy - sy) / length))))


def _knee_angle(kp: Keypoints, kmin: float) -> float | None:
    angles = []
    for side in ("left", "right"):
        hip, knee, ankle = (kp[_KP[f"{side}_{p}"]] for p in ("hip", "knee", "ankle"))
        if min(hip[2], knee[2], ankle[2]) < kmin:
            continue
        ax, ay, bx, by = hip[0] - knee[0], hip[1] - knee[1], ankle[0] - knee[0], ankle[1] - knee[1]
        norm = math.hypot(ax, ay) * math.hypot(bx, by)
        if norm > 0:
            angles.append(math.degrees(math.acos(max(-1.0, min(1.0, (ax * bx + ay * by) / norm)))))
    return sum(angles) / len(angles) if angles else None


def posture(kp: Keypoints, kmin: float) -> str | None:
    """Classify an upright body as ``sitting`` or ``standing`` from hip, knee and ankle."""
    torso = _torso(kp, kmin)
    angle = torso_angle_deg(kp, kmin)
    knee = _kp_point(kp, kmin, "left_knee", "right_knee")
    if torso is None or angle is None or angle > UPRIGHT_MAX_TORSO_DEG or knee is None:
        return None
    drop = (knee[1] - torso[1][1]) / torso[2]
    knee_deg = _knee_angle(kp, kmin)
    if drop < SIT_MAX_THIGH_DROP:
        return "sitting"
    if knee_deg is not None and knee_deg < SIT_MAX_KNEE_DEG and drop < STAND_MIN_THIGH_DROP:
        return "sitting"
    if drop >= STAND_MIN_THIGH_DROP and (knee_deg is None or knee_deg >= STAND_MIN_KNEE_DEG):
        return "standing"
    return None


def orientation(kp: Keypoints, box_height: float, kmin: float) -> str | None:
    """Classify which way a person faces, one of ORIENTATIONS, or None when unclear."""
    ls, rs = kp[_KP["left_shoulder"]], kp[_KP["right_shoulder"]]
    ls_ok, rs_ok = ls[2] >= kmin, rs[2] >= kmin
    torso = _torso(kp, kmin)
    if not (ls_ok or rs_ok):
        return None
    if torso is not None and torso_angle_deg(kp, kmin) > UPRIGHT_MAX_TORSO_DEG:
        return None  # facing means little for someone lying or bent double
    torso_len = torso[2] if torso else 0.3 * box_height
    if not (ls_ok and rs_ok) or abs(ls[0] - rs[0]) < SIDE_MAX_SHOULDER_RATIO * torso_len:
        return _side_facing(kp, kmin, torso_len)
    # Facing the camera mirrors the body: the left shoulder appears on the image's right.
    votes = math.copysign(1.0, ls[0] - rs[0])
    lh, rh = kp[_KP["left_hip"]], kp[_KP["right_hip"]]
    if min(lh[2], rh[2]) >= kmin and lh[0] != rh[0]:
        votes += math.copysign(0.5, lh[0] - rh[0])
    face = sum(kp[_KP[n]][2] for n in ("nose", "left_eye", "right_eye")) / 3.0
    votes += 1.0 if face >= FACE_VISIBLE_CONF else -1.0 if face < FACE_HIDDEN_CONF else 0.0
    if votes == 0:
        return None
    return "facing_camera" if votes > 0 else "facing_away"


def _side_facing(kp: Keypoints, kmin: float, torso_len: float) -> str | None:
    shoulder = _kp_point(kp, kmin, "left_shoulder", "right_shoulder")
    nose = kp[_KP["nose"]]
    if shoulder is not None and nose[2] >= kmin:
        dx = nose[0] - shoulder[0]
        if abs(dx) < SIDE_MIN_NOSE_OFFSET * torso_len:
            return None
        return "facing_left" if dx < 0 else "facing_right"
    # Someone facing the left of the image turns their left side, and left ear, to the camera.
    le_ok, re_ok = kp[_KP["left_ear"]][2] >= kmin, kp[_KP["right_ear"]][2] >= kmin
    if le_ok != re_ok:
        return "facing_left" if le_ok else "facing_right"
    return None
