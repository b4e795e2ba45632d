"""A tracker's state survives bytes: tracking resumed from it goes on as if never stopped."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from ultralytics.engine.results import Boxes

from deepsentinel_pipelines.video.motion import MotionGate
from deepsentinel_pipelines.video.tracker_state import (
    TrackerStateError,
    TrackingState,
    dump_tracking_state,
    load_tracking_state,
)
from deepsentinel_pipelines.video.tracking import byte_tracker

SHAPE = (576, 768)


def _frame(k: int) -> np.ndarray:
    """Boxes of frame ``k``: one person walking right all along, one from frame 8 to 14,
    one appearing at frame 12 (a new id after the resume)."""
    rows = [[100 + 6 * k, 200, 160 + 6 * k, 360, 0.9, 0]]
    if 8 <= k <= 14:
        rows.append([500, 150 - 3 * k, 540, 250 - 3 * k, 0.8, 0])
    if k >= 12:
        rows.append([300 - 4 * k, 300, 350 - 4 * k, 420, 0.85, 0])
    return np.array(rows, dtype=np.float32)


def _ids(tracker, k: int) -> list[tuple[int, int]]:
    """(track id, detection index) of the tracks updated on frame ``k``."""
    tracks = tracker.update(Boxes(_frame(k), SHAPE), None)
    return sorted((int(row[4]), int(row[7])) for row in tracks)


def test_a_resumed_tracker_gives_the_same_ids_as_one_never_stopped() -> None:
    straight = byte_tracker(10.0)
    stopped = byte_tracker(10.0)
    for k in range(10):
        assert _ids(straight, k) == _ids(stopped, k)
    state = dump_tracking_state(TrackingState(stopped, MotionGate()))
    del stopped
    resumed = load_tracking_state(state).tracker
    seen = set()
    for k in range(10, 30):
        expected = _ids(straight, k)
        assert _ids(resumed, k) == expected
        seen |= {i for i, _ in expected}
    assert len(seen) == 3  # the walker kept their id, and the newcomer got the next one


def test_the_state_stays_small_however_many_tracks_were_removed() -> None:
    tracker = byte_tracker(10.0)
    for k in range(400):
        # A new person every frame, gone the next: hundreds of removed tracks.
        box = [[10 + (k * 37) % 700, 10, 50 + (k * 37) % 700, 90, 0.9, 0]]
        tracker.update(Boxes(np.array(box, dtype=np.float32), SHAPE), None)
    assert len(tracker.removed_stracks) > 300
    state = dump_tracking_state(TrackingState(tracker, None))
    assert len(state) < 64 * 1024
    restored = load_tracking_state(state).tracker
    assert [t.track_id for t in restored.removed_stracks] == [
        t.track_id for t in tracker.removed_stracks
    ]


class _Exploit:
    def __reduce__(self):
        return (open, ("/tmp/deepsentinel-state-exploit", "w"))


def test_a_state_that_names_anything_else_is_refused_without_running_it(tmp_path) -> None:
    evil = pickle.dumps((1, _Exploit(), []))
    with pytest.raises(TrackerStateError, match="may not refer to"):
        load_tracking_state(evil)
    with pytest.raises(TrackerStateError, match="not a tracker state"):
        load_tracking_state(b"not a pickle")
    with pytest.raises(TrackerStateError, match="version"):
        load_tracking_state(pickle.dumps((99, None, [])))
