"""Presigned links to thumbnails, highlight frames and clips, made when a page asks for one.

A page links to the review app's own ``/media/...`` addresses, which look the object up through
the reader login and redirect to a URL signed at that moment: nothing signed is stored, and a
page left open for hours still plays its clips.
"""

from __future__ import annotations

import threading
from typing import Any

from deepsentinel_pipelines.settings import Settings

#: Lifetime of a signed link: long enough to play a clip to its end.
LINK_LIFETIME_S = 900


class MediaSigner:
    """Signs GET URLs of the buckets' objects (signing is local: no request to S3)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._client: Any = None
        self._lock = threading.Lock()

    def _s3(self) -> Any:
        with self._lock:
            if self._client is None:
                # Imported on the first link: boto3 takes a noticeable part of a second.
                from deepsentinel_pipelines.aws.clients import make_client

                self._client = make_client(
                    "s3", self.settings.aws_endpoint_url, self.settings.region
                )
            return self._client

    def url(self, bucket: str, key: str) -> str:
        """A link to ``bucket/key`` valid for :data:`LINK_LIFETIME_S`."""
        return self._s3().generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=LINK_LIFETIME_S
        )

    def origin(self) -> str:
        """Where the signed links point (for the pages' Content-Security-Policy)."""
        endpoint = self.settings.aws_endpoint_url
        if endpoint:
            scheme, _, rest = endpoint.partition("://")
            return f"{scheme}://{rest.split('/', 1)[0]}"
        return "https://*.amazonaws.com"
