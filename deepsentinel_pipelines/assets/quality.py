"""Data-quality verdicts on one video's analysis (no Dagster): the asset checks' logic.

Each function compares what a step wrote with what it should have written and says, in words,
what is wrong. ``assets/checks.py`` turns a verdict into an ``AssetCheckResult``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import median

#: Frames a decoder may legitimately gain or lose at the ends of a stream.
FRAME_SLACK = 2
#: Share of the expected frames that may be missing or extra beyond the slack.
FRAME_TOLERANCE = 0.05
#: People per frame further than this factor from the camera's usual level is a drift.
DRIFT_FACTOR = 3.0
#: ...and further than this many people, so an empty scene vs one person is not a drift.
DRIFT_MIN_PEOPLE = 1.0
#: Earlier videos of a camera needed before its usual level means anything.
DRIFT_MIN_HISTORY = 3


@dataclass(frozen=True)
class Verdict:
    """Whether a check passed, why, and the figures behind it."""

    passed: bool
    description: str
    metadata: dict[str, float | int | str] = field(default_factory=dict)


def duration_verdict(duration_s: float) -> Verdict:
    """A registered video must last longer than zero seconds."""
    if duration_s > 0:
        return Verdict(True, f"{duration_s:.1f} s long", {"duration_s": duration_s})
    return Verdict(
        False, f"the video lasts {duration_s} s: nothing to analyse", {"duration_s": duration_s}
    )


def expected_frames(duration_s: float, fps_analysed: float) -> int:
    """Frames an analysis at ``fps_analysed`` samples from ``duration_s`` of video."""
    return round(max(duration_s, 0.0) * max(fps_analysed, 0.0))


def frames_verdict(
    duration_s: float, fps_analysed: float, frames_analyzed: int, frames_skipped: int = 0
) -> Verdict:
    """Frames analysed plus frames skipped (motion gating) must cover duration x rate."""
    expected = expected_frames(duration_s, fps_analysed)
    accounted = frames_analyzed + frames_skipped
    allowed = FRAME_SLACK + FRAME_TOLERANCE * expected
    metadata: dict[str, float | int | str] = {
        "expected_frames": expected,
        "frames_analyzed": frames_analyzed,
        "frames_skipped": frames_skipped,
        "allowed_difference": round(allowed, 1),
    }
    if abs(accounted - expected) <= allowed:
        return Verdict(
            True,
            f"{frames_analyzed} analysed + {frames_skipped} skipped of ~{expected} expected",
            metadata,
        )
    return Verdict(
        False,
        f"{accounted} frames accounted for ({frames_analyzed} analysed + {frames_skipped} "
        f"skipped) but {duration_s:.1f} s at {fps_analysed:.2f} frames/s is ~{expected}",
        metadata,
    )


def embeddings_verdict(events: int, embedded: int) -> Verdict:
    """Every event of the video has its embedding."""
    metadata: dict[str, float | int | str] = {"events": events, "embedded": embedded}
    if events == embedded:
        return Verdict(True, f"all {events} events embedded", metadata)
    return Verdict(
        False,
        f"{events - embedded} of {events} events have no embedding: search would miss them",
        metadata,
    )


def objects_verdict(keys: Iterable[str], stored: Iterable[str], what: str) -> Verdict:
    """Every key recorded in the database (highlight frames, clips) is an object in the bucket."""
    wanted = sorted(set(keys))
    missing = sorted(set(wanted) - set(stored))
    metadata: dict[str, float | int | str] = {"recorded": len(wanted), "missing": len(missing)}
    if not missing:
        return Verdict(True, f"all {len(wanted)} {what}s stored", metadata)
    shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
    return Verdict(False, f"{len(missing)} {what}(s) not in the bucket: {shown}", metadata)


def people_drift_verdict(people_per_frame: float, usual: Sequence[float]) -> Verdict:
    """People per frame close to the camera's usual level (a moved camera, night mode...)."""
    metadata: dict[str, float | int | str] = {
        "people_per_frame": round(people_per_frame, 3),
        "earlier_videos": len(usual),
    }
    if len(usual) < DRIFT_MIN_HISTORY:
        return Verdict(True, f"only {len(usual)} earlier video(s) of this camera", metadata)
    level = median(usual)
    metadata["usual_people_per_frame"] = round(level, 3)
    low, high = sorted((people_per_frame, level))
    drifted = high - low > DRIFT_MIN_PEOPLE and high > DRIFT_FACTOR * low
    if not drifted:
        return Verdict(True, f"{people_per_frame:.2f} people/frame, usually {level:.2f}", metadata)
    return Verdict(
        False,
        f"{people_per_frame:.2f} people per frame where this camera usually sees {level:.2f}: "
        "moved, obstructed or in night mode?",
        metadata,
    )
