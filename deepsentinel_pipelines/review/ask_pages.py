"""The ask page and ``GET /api/ask``: a question answered the way `deepsentinel ask` answers it."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from deepsentinel_pipelines.ingest.cameras import camera_name_problem
from deepsentinel_pipelines.rag.clock_window import ClockScopeError
from deepsentinel_pipelines.review import queries
from deepsentinel_pipelines.review.asking import Scope
from deepsentinel_pipelines.review.links import ask_page
from deepsentinel_pipelines.review.sources import Sources
from deepsentinel_pipelines.review.views import video_href

#: The cookie naming the browser's question session (its questions are saved under it).
SESSION_COOKIE = "deepsentinel_qa_session"
#: Questions longer than this are cut (the CLI's screen refuses far shorter hostile ones).
MAX_QUESTION = 2000


class BadQuery(ValueError):
    """A parameter of the ask page or the API that cannot be used, in words."""


def _scope(params: QueryParams) -> Scope:
    cameras = tuple(c for c in params.getlist("camera") if c)
    for camera in cameras:
        problem = camera_name_problem(camera)
        if problem:
            raise BadQuery(f"camera: {problem}")
    return Scope(
        video_ids=tuple(v for v in params.getlist("video") if v),
        cameras=cameras,
        start=params.get("from") or None,
        end=params.get("to") or None,
    )


def _session(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadQuery("session: not a UUID") from None


def _answer(sources: Sources, params: QueryParams, session: str | None) -> dict[str, Any]:
    question = (params.get("q") or "").strip()[:MAX_QUESTION]
    if not question:
        raise BadQuery("q: ask a question, e.g. q=How many people were tracked?")
    try:
        return sources.asker.ask(question, _scope(params), session)
    except ClockScopeError as err:
        raise BadQuery(f"from/to: {err}") from None


def api_ask(request: Request) -> Response:
    """``GET /api/ask?q=…&video=…``: exactly the object ``deepsentinel ask --json`` prints."""
    sources: Sources = request.app.state.sources
    try:
        answer = _answer(
            sources, request.query_params, _session(request.query_params.get("session"))
        )
    except BadQuery as err:
        return JSONResponse({"success": False, "error": str(err)}, status_code=400)
    return JSONResponse(answer)


def ask_view(request: Request) -> Response:
    """The question box; with ``q``, the answer first, how it was understood, its evidence."""
    sources: Sources = request.app.state.sources
    params = request.query_params
    try:
        session = _session(request.cookies.get(SESSION_COOKIE))
    except BadQuery:
        session = None
    answer, error = None, None
    if params.get("q"):
        try:
            answer = _answer(sources, params, session)
            session = answer["session_id"]
        except BadQuery as err:
            error = str(err)
    with sources.reader() as conn:
        videos = queries.list_videos(conn)
    earlier = list(sources.asker.earlier(session))[1 if answer else 0 :]
    response = sources.render(
        request,
        "ask.html",
        {
            "title": "Ask",
            "question": params.get("q", ""),
            "chosen": {
                "video": set(params.getlist("video")),
                "camera": set(params.getlist("camera")),
                "from": params.get("from", ""),
                "to": params.get("to", ""),
            },
            "videos": [v.video_id for v in videos],
            "cameras": sorted({v.camera for v in videos}),
            "answer": answer,
            "plan": (answer or {}).get("plan"),
            "error": error,
            "video_href": video_href,
            "earlier": [
                (e.question, e.answer, ask_page("", e.question, e.scope.video_ids)) for e in earlier
            ],
        },
        status_code=400 if error else 200,
    )
    if session:
        response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="lax")
    return response
