"""The text that stands for an event in vector search and to a reranker."""

from deepsentinel_pipelines.text.timefmt import format_timestamp


def in_zone(zone: str | None) -> str:
    """Where an event happened, as a phrase to append: " in zone <name>", or nothing."""
    return f" in zone {zone}" if zone else ""


def event_text(
    event_type: str,
    start_s: float,
    end_s: float,
    zone: str | None,
    video_id: str,
    description: str,
    camera: str | None = None,
) -> str:
    """One event in words: type, zone, time, video (and camera, when given), description."""
    where = in_zone(zone)
    seen_by = f" (camera {camera})" if camera is not None else ""
    return (
        f"{event_type}{where} at {format_timestamp(start_s)}-{format_timestamp(end_s)} "
        f"in video {video_id}{seen_by}: {description}"
    )
