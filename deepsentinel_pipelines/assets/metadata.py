"""Metadata helpers shared by the assets: previews an operator can see in the UI."""

from __future__ import annotations

import base64

import cv2
import numpy as np
from dagster import MetadataValue

PREVIEW_WIDTH = 320


def image_preview(frame_bgr: np.ndarray, alt: str) -> MetadataValue:
    """A small inline JPEG, rendered by the Dagster UI as a Markdown image."""
    height, width = frame_bgr.shape[:2]
    scale = PREVIEW_WIDTH / max(width, 1)
    small = cv2.resize(frame_bgr, (PREVIEW_WIDTH, max(1, int(height * scale))))
    ok, jpeg = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 70])
    if not ok:
        raise ValueError("could not encode the preview image")
    data = base64.b64encode(jpeg.tobytes()).decode()
    return MetadataValue.md(f"![{alt}](data:image/jpeg;base64,{data})")
