"""What the review pages read from: the reader login, signed links, clocks, templates."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from deepsentinel_pipelines.review.asking import Asker
from deepsentinel_pipelines.review.clock import CameraClocks
from deepsentinel_pipelines.review.media import MediaSigner
from deepsentinel_pipelines.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"


#: The end of an answer's first sentence: a full stop (or ! ?) before a capital or a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def lead_sentence(text: str) -> tuple[str, str]:
    """(the answer's first sentence, the rest): the direct answer is shown large, alone."""
    parts = _SENTENCE_END.split(text.strip(), maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def template_environment() -> Environment:
    """Jinja2 with every value escaped for HTML (names, keys and answers come from outside)."""
    env = Environment(
        loader=PackageLoader("deepsentinel_pipelines.review", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["lead_sentence"] = lead_sentence
    return env


@dataclass
class Sources:
    """Everything a page handler needs, made once when the app starts."""

    settings: Settings
    pool: Any  # psycopg_pool.ConnectionPool of reader connections
    signer: MediaSigner
    clocks: CameraClocks
    asker: Asker
    templates: Environment

    @contextmanager
    def reader(self) -> Iterator[psycopg.Connection]:
        """A connection logged in as the reader (the qa views, with the reader's limits)."""
        with self.pool.connection() as conn:
            yield conn

    def render(
        self, request: Request, name: str, context: Mapping[str, Any], status_code: int = 200
    ) -> HTMLResponse:
        """A page from its template."""
        html = self.templates.get_template(name).render(
            {
                "request": request,
                "dagster_url": self.settings.dagster_ui_url,
                "path": request.url.path,
                **context,
            }
        )
        return HTMLResponse(html, status_code=status_code)
