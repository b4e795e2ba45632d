"""A tracker's state as bytes, so tracking a long video can resume where a committed chunk ended.

ByteTrack's live and lost tracks (Kalman means and covariances, ages, ids, the id counter) and
the motion gate's reference frame are pickled; of the up to 1000 removed tracks ByteTrack keeps,
only the ids matter (it drops lost tracks by id), so only the ids are kept. Loading accepts only
the classes such a state is made of, so a stored state cannot make the loader run anything else.
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass
from typing import Any

from deepsentinel_pipelines.video.motion import MotionGate

#: Bumped when the pickled layout changes; a state of another version is not resumed.
STATE_VERSION = 1
#: ``(module, name)`` of every global a state may refer to.
_ALLOWED = frozenset(
    {
        ("builtins", "iter"),
        ("builtins", "range"),
        ("types", "SimpleNamespace"),
        ("numpy", "dtype"),
        ("numpy", "ndarray"),
        ("numpy._core.multiarray", "_reconstruct"),
        ("numpy._core.multiarray", "scalar"),
        ("numpy._core.numeric", "_frombuffer"),
        ("ultralytics.trackers.byte_tracker", "BYTETracker"),
        ("ultralytics.trackers.byte_tracker", "STrack"),
        ("ultralytics.trackers.utils.kalman_filter", "KalmanFilterXYAH"),
        ("deepsentinel_pipelines.video.motion", "MotionGate"),
        ("deepsentinel_pipelines.video.tracker_state", "TrackingState"),
    }
)
#: Each track keeps a bound ``next_id`` of its tracker's id counter; stored as this reference.
_NEXT_ID = "tracker-next-id"


class TrackerStateError(ValueError):
    """A stored state that cannot be resumed (another version, or not a tracker state)."""


@dataclass
class TrackingState:
    """What tracking needs to continue after a frame: the tracker and the motion gate."""

    tracker: Any  # ultralytics BYTETracker
    motion_gate: MotionGate | None


class _Pickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> str | None:
        # A bound method of the id counter: restored from the loaded tracker's own counter.
        if type(obj).__name__ == "method-wrapper" and getattr(obj, "__name__", "") == "__next__":
            return _NEXT_ID
        return None


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise TrackerStateError(f"a tracker state may not refer to {module}.{name}")
        return super().find_class(module, name)

    def persistent_load(self, pid: Any) -> Any:
        if pid != _NEXT_ID:
            raise TrackerStateError(f"unknown reference {pid!r} in a tracker state")
        return None  # re-bound to the tracker's counter after loading


@dataclass(frozen=True)
class RemovedTrack:
    """What ByteTrack reads of a removed track: its id."""

    track_id: int


def dump_tracking_state(state: TrackingState) -> bytes:
    """The state as bytes (a few KB per live or lost track)."""
    tracker = state.tracker
    removed = tracker.removed_stracks
    buffer = io.BytesIO()
    tracker.removed_stracks = []
    try:
        removed_ids = [int(t.track_id) for t in removed]
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((STATE_VERSION, state, removed_ids))
    finally:
        tracker.removed_stracks = removed
    return buffer.getvalue()


def load_tracking_state(data: bytes) -> TrackingState:
    """The state :func:`dump_tracking_state` wrote.

    Raises:
        TrackerStateError: Another version's state, or bytes that are not a tracker state.
    """
    try:
        version, state, removed_ids = _Unpickler(io.BytesIO(data)).load()
    except TrackerStateError:
        raise
    except Exception as err:
        raise TrackerStateError(f"not a tracker state: {err}") from err
    if version != STATE_VERSION or not isinstance(state, TrackingState):
        raise TrackerStateError(f"a tracker state of version {version}, not {STATE_VERSION}")
    tracker = state.tracker
    for track in [*tracker.tracked_stracks, *tracker.lost_stracks]:
        if "next_id" in vars(track):
            track.next_id = tracker._ids.__next__
    tracker.removed_stracks = [RemovedTrack(i) for i in removed_ids]
    return state
