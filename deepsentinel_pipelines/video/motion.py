"""Motion gating: skip the detector on still, empty stretches of a static camera.

Most CCTV hours show an empty scene that does not change. While no track is alive and a
cheap difference of downscaled frames sees nothing move, the detector only runs on a
keyframe every :data:`KEYFRAME_INTERVAL_S`; anything moving, or a person found on a keyframe,
brings back the full analysis rate.
"""

from __future__ import annotations

import cv2
import numpy as np

#: Seconds between detector runs on a still, empty scene (a person standing still who was
#: missed is re-checked this often).
KEYFRAME_INTERVAL_S = 1.0
#: Width of the grey thumbnail the difference is taken on.
THUMB_WIDTH = 160
#: Grey levels a blurred thumbnail pixel must change by to count (above encoder noise).
PIXEL_DELTA = 20
#: Share of thumbnail pixels that must change to call it motion: ~20 px at 160x120, less
#: than a person 60 px tall in a 576-px frame moving by a fifth of its width.
MOTION_FRACTION = 0.001
#: After motion, keep the full rate this long even if the next frames look still.
HOLD_S = 1.0


def thumbnail(frame: np.ndarray) -> np.ndarray:
    """Blurred grey thumbnail :data:`THUMB_WIDTH` wide, the unit of comparison."""
    h, w = frame.shape[:2]
    small = cv2.resize(
        frame, (THUMB_WIDTH, max(1, round(h * THUMB_WIDTH / w))), interpolation=cv2.INTER_AREA
    )
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    return cv2.GaussianBlur(grey, (5, 5), 0)


def moved(a: np.ndarray, b: np.ndarray) -> bool:
    """True when more than :data:`MOTION_FRACTION` of two thumbnails' pixels changed."""
    if a.shape != b.shape:
        return True
    changed = cv2.absdiff(a, b) > PIXEL_DELTA
    return bool(changed.mean() > MOTION_FRACTION)


class MotionGate:
    """Decides, frame by frame, whether the detector must run.

    The reference is the last frame the detector saw, so slow movement adds up until it
    counts instead of hiding under the frame-to-frame threshold.

    Args:
        keyframe_interval_s: Detector period on a still, empty scene.
        hold_s: Full rate kept this long after the last motion.
    """

    def __init__(self, keyframe_interval_s: float = KEYFRAME_INTERVAL_S, hold_s: float = HOLD_S):
        self.keyframe_interval_s = keyframe_interval_s
        self.hold_s = hold_s
        self.reset()

    def reset(self) -> None:
        """Forget the scene (a new video)."""
        self._reference: np.ndarray | None = None
        self._last_run_s = float("-inf")
        self._awake_until_s = float("-inf")

    def check(self, frame: np.ndarray, t_s: float) -> str | None:
        """Why the detector must run on ``frame`` shown at ``t_s``, or ``None`` to skip it.

        Returns:
            ``"motion"`` (something moved since the detector last ran, or did within
            ``hold_s``), ``"keyframe"`` (the still scene is due a check), or ``None``.
        """
        if self._reference is None:
            return "keyframe"
        if moved(thumbnail(frame), self._reference):
            self._awake_until_s = t_s + self.hold_s
        if t_s < self._awake_until_s:
            return "motion"
        if t_s - self._last_run_s >= self.keyframe_interval_s - 1e-6:
            return "keyframe"
        return None

    def ran(self, frame: np.ndarray, t_s: float) -> None:
        """Record that the detector saw ``frame``: it becomes the reference."""
        self._reference = thumbnail(frame)
        self._last_run_s = t_s
