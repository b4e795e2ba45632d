"""Metadata shared by the assets: previews and tables an operator reads, owners, PII tags."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from datetime import timedelta

import cv2
import numpy as np
from dagster import MetadataValue, TableColumn, TableRecord, TableSchema

from deepsentinel_pipelines.db.analyses import RunVideo
from deepsentinel_pipelines.review.links import video_page
from deepsentinel_pipelines.settings import load_settings
from deepsentinel_pipelines.text.escaping import markdown_link, markdown_text
from deepsentinel_pipelines.text.timefmt import format_timestamp
from deepsentinel_pipelines.video.camera_config import load_camera_clock

PREVIEW_WIDTH = 320


def image_preview(frame_bgr: np.ndarray, alt: str) -> MetadataValue:
    """A small inline JPEG, rendered by the Dagster UI as a Markdown image (``alt`` as text)."""
    height, width = frame_bgr.shape[:2]
    scale = PREVIEW_WIDTH / max(width, 1)
    small = cv2.resize(frame_bgr, (PREVIEW_WIDTH, max(1, int(height * scale))))
    ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 70])
    if not ok:
        raise ValueError("could not encode the preview image")
    data = base64.b64encode(jpeg.tobytes()).decode()
    return MetadataValue.md(f"![{markdown_text(alt, inline=True)}](data:image/jpeg;base64,{data})")


def png_markdown(png: bytes, alt: str, url: str) -> MetadataValue:
    """A PNG inline (the UI shows it after a presigned link expired) and its link.

    The alt text names a video or a camera: outside text, escaped.
    """
    data = base64.b64encode(png).decode()
    return MetadataValue.md(
        f"![{markdown_text(alt, inline=True)}](data:image/png;base64,{data})\n\n"
        + markdown_link(f"{alt} in S3", url)
    )


#: Who answers for the video assets.
OWNERS = ["team:video-analytics"]
#: Assets holding images of people or their attributes (personal data: access, retention).
PII = {"pii": "true"}

NOTABLE_EVENTS_SCHEMA = TableSchema(
    columns=[
        TableColumn("time", "string", description="mm:ss from the start of the video"),
        TableColumn("clock", "string", description="the camera's clock time, if known"),
        TableColumn("type", "string"),
        TableColumn("person", "string", description="track id"),
        TableColumn("zone", "string"),
    ]
)


def notable_events_table(
    events: Iterable[tuple[float, str, int | None, str | None]],
    clock: VideoClock | None = None,
) -> MetadataValue:
    """(start_s, type, track id, zone) of notable events as a table with mm:ss and clock times."""
    return MetadataValue.table(
        [
            TableRecord(
                {
                    "time": format_timestamp(start_s),
                    "clock": clock.at(start_s) if clock and clock.known else "unknown",
                    "type": event_type,
                    "person": f"#{track_id}" if track_id is not None else "-",
                    "zone": zone or "-",
                }
            )
            for start_s, event_type, track_id, zone in events
        ],
        schema=NOTABLE_EVENTS_SCHEMA,
    )


class VideoClock:
    """How a video's offsets read on its camera's clock (``timezone`` in cameras.yaml)."""

    def __init__(self, video: RunVideo) -> None:
        self.recorded_at = video.recorded_at
        self.zone = load_camera_clock(load_settings().cameras_config, video.camera).zone

    @property
    def known(self) -> bool:
        """Whether the video's recording time is known."""
        return self.recorded_at is not None

    def at(self, offset_s: float) -> str:
        """``2026-12-01 14:00:15 CET``, or ``unknown``."""
        if self.recorded_at is None:
            return "unknown"
        moment = self.recorded_at + timedelta(seconds=offset_s)
        return moment.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S %Z")

    def label(self, offset_s: float) -> str:
        """The clock time with the offset beside it, or the offset alone, saying why."""
        offset = format_timestamp(offset_s)
        if self.recorded_at is None:
            return f"{offset} in the video (recording time unknown)"
        return f"{self.at(offset_s)} ({offset} in the video)"


def review_link(video_id: str) -> MetadataValue:
    """A link to the video's review page (`deepsentinel review`, DEEPSENTINEL_REVIEW_URL)."""
    return MetadataValue.url(video_page(load_settings().review_url, video_id))
