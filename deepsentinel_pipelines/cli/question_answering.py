"""The rag_query op's code path, run from the command line (`deepsentinel ask`, the demo).

With the local backend a question never imports Dagster, torch, transformers or ultralytics:
the database connections, the OpenVINO MiniLM encoder, the draft composer and the cosine
reranker are plain objects (the same code the Dagster resources wrap), the services are started
only when they are not already running with the current schema, the encoder loads in a
background thread while the question is parsed and counted, and S3 is reached only to presign a
cited highlight. With the Bedrock backend the Dagster resources are used, as in a run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from deepsentinel_pipelines.cli.services import bring_up
from deepsentinel_pipelines.db.migrate import applied_version, load_migrations
from deepsentinel_pipelines.db.reader_login import connect_reader
from deepsentinel_pipelines.local_stack.postgres import database_urls, running_info
from deepsentinel_pipelines.rag.background_encoder import BackgroundEncoder
from deepsentinel_pipelines.rag.local_models import CosineReranker, DraftAnswers
from deepsentinel_pipelines.rag.pipeline import ask, ask_with_resources
from deepsentinel_pipelines.rag.ports import Embedder
from deepsentinel_pipelines.rag.question import Window
from deepsentinel_pipelines.rag.result import AskResult
from deepsentinel_pipelines.rag.site import LineBook
from deepsentinel_pipelines.rag.time_scope import TimeScope, camera_zones
from deepsentinel_pipelines.settings import Settings

#: The resources question answering needs (the detector and the job queue are left out).
QA_RESOURCE_KEYS = ("database", "object_store", "embedder", "llm", "reranker")


def _schema_is_current(url: str) -> bool:
    newest = max(m.version for m in load_migrations())
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            return applied_version(conn) == newest
    except psycopg.Error:
        return False


def running_database_urls(settings: Settings) -> tuple[str, str] | None:
    """(application URL, reader URL) when the database is up with the current schema, else None."""
    if settings.database_url is None:
        if running_info(settings.pgdata) is None:
            return None
        app_url, reader_url, _ = database_urls(settings)
    else:
        app_url, reader_url = settings.database_url, settings.reader_database_url or ""
    return (app_url, reader_url) if _schema_is_current(app_url) else None


def _connector(url: str, reader: bool = False) -> Callable[[], Any]:
    # No pgvector adapters: the retrieval code sends vectors as text and reads them as bytes.
    @contextmanager
    def connect() -> Iterator[psycopg.Connection]:
        # The reader's limits are set by the connection itself (db/reader_login.py).
        with connect_reader(url) if reader else psycopg.connect(url) as conn:
            yield conn

    return connect


def _presigner(settings: Settings) -> Callable[[str], str]:
    """Presigned highlight URLs; the S3 client is made on the first one (signing is local).

    The object store resource would import Dagster; this is its ``presigned_get`` on the same
    client factory, with the lifetime it defaults to.
    """
    client: list[Any] = []

    def presign(key: str) -> str:
        if not client:
            # Imported on the first citation: boto3 takes a noticeable part of a second.
            from deepsentinel_pipelines.aws.clients import make_client

            client.append(make_client("s3", settings.aws_endpoint_url, settings.region))
        return client[0].generate_presigned_url(
            "get_object", Params={"Bucket": settings.highlights_bucket, "Key": key}, ExpiresIn=3600
        )

    return presign


def ask_question(
    settings: Settings,
    question: str,
    *,
    video_ids: Sequence[str] = (),
    window: Window | None = None,
    session_id: str | None = None,
    cameras: Sequence[str] = (),
    start: str | None = None,
    end: str | None = None,
    source: str = "cli",
    embedder: Embedder | None = None,
) -> AskResult:
    """Answer ``question`` (saved in a ``source`` session), starting the services only if needed.

    ``cameras``, ``start`` and ``end`` (``--camera``, ``--from``, ``--to``) scope it in real
    time, read in the cameras' zones of the cameras file. ``embedder`` is a loaded local
    encoder to reuse (the review app keeps one); without it one loads beside the question.
    """
    time_scope = TimeScope(tuple(cameras), start, end, camera_zones(settings.cameras_config))
    if settings.model_backend != "local":
        # Imported here: Dagster and the resources, which the local backend never loads.
        from deepsentinel_pipelines.resources.standalone import standalone_resources

        bring_up(settings)
        with standalone_resources(*QA_RESOURCE_KEYS) as resources:
            return ask_with_resources(
                question,
                database=resources.database,
                object_store=resources.object_store,
                embedder=resources.embedder,
                llm=resources.llm,
                reranker=resources.reranker,
                video_ids=video_ids,
                window=window,
                session_id=session_id,
                source=source,
                lines=LineBook.from_file(settings.cameras_config),
                time_scope=time_scope,
            )
    # Loaded only if the question needs a vector (retrieval, the nearest-example fallback):
    # most questions are planned from their words and answered by SQL alone.
    encoder = embedder or BackgroundEncoder()
    urls = running_database_urls(settings)
    if urls is None:
        settings = bring_up(settings)
        urls = (settings.database_url or "", settings.reader_database_url or "")
    return ask(
        question,
        **local_backend(settings, urls, encoder),
        video_ids=video_ids,
        window=window,
        session_id=session_id,
        source=source,
        lines=LineBook.from_file(settings.cameras_config),
        time_scope=time_scope,
    )


def local_backend(settings: Settings, urls: tuple[str, str], embedder: Embedder) -> dict[str, Any]:
    """``ask``'s connections, models and presigner for the local backend, without Dagster.

    Args:
        settings: Where S3 is.
        urls: The application's and the reader's database URLs.
        embedder: The MiniLM encoder (a :class:`BackgroundEncoder` or a loaded one).
    """
    return {
        "connect": _connector(urls[0]),
        "connect_reader": _connector(urls[1], reader=True),
        "embedder": embedder,
        "llm": DraftAnswers(),
        "reranker": CosineReranker(),
        "presign": _presigner(settings),
    }
