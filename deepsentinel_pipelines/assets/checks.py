"""The asset checks' specs, and their results from :mod:`deepsentinel_pipelines.assets.quality`.

Blocking checks stop bad data from flowing on: a failed one skips the assets downstream.
"""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetCheckSpec

from deepsentinel_pipelines.assets.quality import Verdict

RAW_VIDEO_DURATION = AssetCheckSpec(
    "duration_positive",
    asset="raw_video",
    blocking=True,
    description="The probed video lasts longer than zero seconds.",
)
FRAMES_COVERED = AssetCheckSpec(
    "frames_cover_duration",
    asset="detections",
    blocking=True,
    description="Frames analysed + motion-skipped ~ duration x analysis rate.",
)
PEOPLE_LEVEL = AssetCheckSpec(
    "people_per_frame_usual",
    asset="detections",
    description="People per frame near the camera's usual level (warns: moved camera, night).",
)
HIGHLIGHTS_STORED = AssetCheckSpec(
    "highlight_objects_exist",
    asset="highlights",
    blocking=True,
    description="Every highlight key on an event is an object in the highlights bucket.",
)
CLIPS_STORED = AssetCheckSpec(
    "clip_objects_exist",
    asset="event_clips",
    # Not blocking: an alert without its clip still has its frame, and must go out.
    description="Every clip key in event_clips is an object in the highlights bucket.",
)
EVENTS_EMBEDDED = AssetCheckSpec(
    "every_event_embedded",
    asset="embeddings",
    blocking=True,
    description="As many embeddings as events; video_summary waits for it.",
)


def check_result(
    spec: AssetCheckSpec, verdict: Verdict, severity: AssetCheckSeverity = AssetCheckSeverity.ERROR
) -> AssetCheckResult:
    """The check's result from a verdict."""
    return AssetCheckResult(
        check_name=spec.name,
        asset_key=spec.asset_key,
        passed=verdict.passed,
        severity=severity,
        description=verdict.description,
        metadata=verdict.metadata,
    )
