"""The text that stands for an event in vector search."""

from deepsentinel_pipelines.text.timefmt import format_timestamp


def embedding_text(
    camera: str,
    video_id: str,
    event_type: str,
    start_s: float,
    end_s: float,
    zone: str | None,
    description: str,
) -> str:
    """What is embedded for one event: its description with its video and time context."""
    where = f" in zone {zone}" if zone else ""
    return (
        f"{event_type}{where} at {format_timestamp(start_s)}-{format_timestamp(end_s)} "
        f"in video {video_id} (camera {camera}): {description}"
    )
