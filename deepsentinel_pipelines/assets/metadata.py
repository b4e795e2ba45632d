"""Metadata shared by the assets: previews and tables an operator reads, owners, PII tags."""

from __future__ import annotations

import base64
from collections.abc import Iterable

import cv2
import numpy as np
from dagster import MetadataValue, TableColumn, TableRecord, TableSchema

from deepsentinel_pipelines.resources.site import SiteResource
from deepsentinel_pipelines.text.escaping import markdown_link, markdown_text
from deepsentinel_pipelines.text.timefmt import VideoClock, format_timestamp

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
                    "clock": (clock.stamp(start_s) if clock else None) or "unknown",
                    "type": event_type,
                    "person": f"#{track_id}" if track_id is not None else "-",
                    "zone": zone or "-",
                }
            )
            for start_s, event_type, track_id, zone in events
        ],
        schema=NOTABLE_EVENTS_SCHEMA,
    )


def object_times(objects: Iterable[tuple[str, float]], clock: VideoClock) -> MetadataValue:
    """When each stored frame or clip starts, by file name, in the order given.

    The camera's clock time with the offset beside it, or the offset alone saying why.
    """
    return MetadataValue.json({key.rsplit("/", 1)[-1]: clock.with_offset(s) for key, s in objects})


def review_link(site: SiteResource, video_id: str) -> MetadataValue:
    """A link to the video's review page (`deepsentinel review`, DEEPSENTINEL_REVIEW_URL)."""
    return MetadataValue.url(site.video_page(video_id))
