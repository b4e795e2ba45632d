"""The review app: routes, security headers, and what every page reads from.

Served by `deepsentinel review` (and `deepsentinel dev`) with uvicorn. It reads the database
only as the reader (the ``qa`` views), signs media links when a page asks for them, and loads
nothing from outside: scripts, styles and the timeline are served or drawn here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from deepsentinel_pipelines.db.reader_login import reader_pool
from deepsentinel_pipelines.review.ask_pages import api_ask, ask_view
from deepsentinel_pipelines.review.asking import Asker
from deepsentinel_pipelines.review.clock import load_clocks
from deepsentinel_pipelines.review.media import MediaSigner
from deepsentinel_pipelines.review.pages import (
    camera_day_view,
    index_view,
    media_view,
    video_view,
)
from deepsentinel_pipelines.review.sources import STATIC, Sources, template_environment
from deepsentinel_pipelines.settings import Settings


def content_policy(media_origin: str) -> str:
    """Only this app's scripts and styles; frames and clips also from the signed links' host."""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        "style-src-attr 'unsafe-inline'; "  # a marker's position and colour; never script
        f"img-src 'self' data: {media_origin}; media-src 'self' {media_origin}; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


class SecurityHeaders:
    """Adds the content policy and the usual hardening headers to every response."""

    def __init__(self, app: ASGIApp, policy: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"no-referrer"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to the response's start."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *self.headers]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def health(request: Any) -> PlainTextResponse:
    """Served once the app is up (what `deepsentinel dev` and the tests wait for)."""
    del request
    return PlainTextResponse("ok")


def build_app(settings: Settings, reader_url: str, asker: Asker | None = None) -> Starlette:
    """The review app over the database ``reader_url`` logs into (as the reader).

    Args:
        settings: Buckets, endpoints, the cameras file and the Dagster UI's address.
        reader_url: The reader login's URL.
        asker: Answers questions (one is made when not given).
    """
    asker = asker or Asker(settings)
    signer = MediaSigner(settings)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        pool = reader_pool(reader_url)
        asker.warm_up()
        app.state.sources = Sources(
            settings, pool, signer, load_clocks(settings.cameras_config), asker,
            template_environment(),
        )  # fmt: skip
        try:
            yield
        finally:
            pool.close()

    return Starlette(
        routes=[
            Route("/", index_view),
            Route("/videos/{video_id:path}", video_view),
            Route("/cameras/{camera}/{day}", camera_day_view),
            Route("/ask", ask_view),
            Route("/api/ask", api_ask),
            Route("/media/{kind:str}/{ref:path}", media_view),
            Route("/healthz", health),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[Middleware(SecurityHeaders, policy=content_policy(signer.origin()))],
        lifespan=lifespan,
    )
