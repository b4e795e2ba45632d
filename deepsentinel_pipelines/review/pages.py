"""The review pages: the videos, one video's timeline, a camera's day, and the media links."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from deepsentinel_pipelines.review import queries
from deepsentinel_pipelines.review.links import (
    camera_day_page,
    dagster_asset,
    dagster_partition_runs,
    dagster_run,
)
from deepsentinel_pipelines.review.runs import ANALYSIS_JOB, latest_runs
from deepsentinel_pipelines.review.sources import Sources
from deepsentinel_pipelines.review.timeline import Curve, lanes_for
from deepsentinel_pipelines.review.views import (
    analysed_words,
    event_items,
    event_types,
    timeline_of,
    video_card,
)
from deepsentinel_pipelines.text.timefmt import VideoClock
from deepsentinel_pipelines.video.busiest import MINUTE_NAME, PEAK_NAME, busiest_of

#: The asset page a video's review page links to: where its analysis is published.
PUBLISHED_ASSET = "current_analysis"


def _sources(request: Request) -> Sources:
    return request.app.state.sources


def _clock(sources: Sources, row: queries.VideoRow) -> VideoClock:
    return VideoClock(row.recorded_at, sources.clocks.zone(row.camera))


def index_view(request: Request) -> Response:
    """Cameras and their videos: thumbnail, clock time, duration, people, notable events."""
    sources = _sources(request)
    with sources.reader() as conn:
        rows = queries.list_videos(conn)
        days = {
            camera: queries.camera_days(conn, camera, sources.clocks.zone(camera).key)
            for camera in dict.fromkeys(r.camera for r in rows)
        }
    runs = latest_runs([r.video_id for r in rows])
    cameras: dict[str, list] = {}
    for row in rows:
        cameras.setdefault(row.camera, []).append(
            video_card(row, _clock(sources, row), runs.get(row.video_id))
        )
    return sources.render(
        request,
        "index.html",
        {
            "cameras": [
                {
                    "name": name,
                    "videos": cards,
                    "days": [(d, camera_day_page("", name, d)) for d in days[name][:14]],
                }
                for name, cards in cameras.items()
            ],
        },
    )


def video_view(request: Request) -> Response:
    """One video: its timeline of events over people in view, its events, its summary."""
    sources = _sources(request)
    video_id = request.path_params["video_id"]
    with sources.reader() as conn:
        row = queries.find_video(conn, video_id)
        if row is None:
            raise HTTPException(404, "no such video")
        events = queries.events_of(conn, [video_id])
        curve = queries.occupancy_of(conn, [video_id]).get(video_id, [])
        spans = queries.track_spans(conn, video_id)
    clock = _clock(sources, row)
    run = latest_runs([video_id]).get(video_id)
    card = video_card(row, clock, run)
    lanes = lanes_for(event_types(events))
    items = event_items(events, {video_id: clock}, {video_id: 0.0}, lanes)
    timeline = timeline_of(row.duration_s, [Curve(0.0, curve)], items, clock.label, lanes)
    peak = max(curve, key=lambda p: (p[1], -p[0]), default=None)
    figures = busiest_of(
        (peak[1], float(peak[0])) if peak and peak[1] > 0 else None, spans, row.duration_s
    )
    dagster = sources.settings.dagster_ui_url
    return sources.render(
        request,
        "video.html",
        {
            "title": video_id,
            "card": card,
            "analysed": analysed_words(row.frames_analyzed, row.analysis_fps),
            "summary": row.summary,
            "figures": [
                (PEAK_NAME, figures.peak_words(clock.label)),
                (MINUTE_NAME, figures.minute_words(clock.label)),
            ],
            "timeline": timeline,
            "events": items,
            "links": [
                ("Dagster asset", dagster_asset(dagster, PUBLISHED_ASSET, video_id)),
                ("Dagster runs", dagster_partition_runs(dagster, ANALYSIS_JOB, video_id)),
                *([("Latest run", dagster_run(dagster, run.run_id))] if run else []),
                *([("Camera day", camera_day_page("", row.camera, card.day))] if card.day else []),
            ],
            **_filters(items),
        },
    )


def camera_day_view(request: Request) -> Response:
    """A camera's day: every video recorded that day on one timeline of clock time."""
    sources = _sources(request)
    camera = request.path_params["camera"]
    try:
        day = date.fromisoformat(request.path_params["day"])
    except ValueError:
        raise HTTPException(404, "not a day (YYYY-MM-DD)") from None
    zone = sources.clocks.zone(camera)
    start = datetime(day.year, day.month, day.day, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), start.timetz())
    with sources.reader() as conn:
        rows = queries.camera_videos(conn, camera, start, end)
        ids = [r.video_id for r in rows]
        events = queries.events_of(conn, ids)
        curves = queries.occupancy_of(conn, ids)
    if not rows:
        raise HTTPException(404, "no footage of this camera on that day")
    # The timeline spans the day's footage (a whole day would squeeze an hour to a few pixels).
    first = min(r.recorded_at for r in rows if r.recorded_at)
    last = max(r.recorded_at + timedelta(seconds=r.duration_s) for r in rows if r.recorded_at)
    origin = first.astimezone(zone)
    offsets = {r.video_id: (r.recorded_at - first).total_seconds() for r in rows if r.recorded_at}
    clocks = {r.video_id: _clock(sources, r) for r in rows}
    lanes = lanes_for(event_types(events))
    items = event_items(events, clocks, offsets, lanes)
    span = (last - first).total_seconds()

    def label(offset_s: float) -> str:
        return (origin + timedelta(seconds=offset_s)).strftime("%H:%M:%S")

    timeline = timeline_of(
        span,
        [Curve(offsets[v], points) for v, points in curves.items()],
        items,
        label,
        lanes,
        [(r.video_id, offsets[r.video_id], offsets[r.video_id] + r.duration_s) for r in rows],
    )
    runs = latest_runs(ids)
    return sources.render(
        request,
        "camera_day.html",
        {
            "title": f"{camera} on {day.isoformat()}",
            "camera": camera,
            "day": day.isoformat(),
            "zone": zone.key,
            "videos": [video_card(r, clocks[r.video_id], runs.get(r.video_id)) for r in rows],
            "timeline": timeline,
            "events": items,
            "span": f"{label(0)}–{label(span)} {origin.strftime('%Z')}",
            **_filters(items),
        },
    )


def _filters(items: list) -> dict[str, Any]:
    """The choices of the event filters: the types, zones and people present."""
    return {
        "zones": sorted({i.zone for i in items if i.zone}),
        "people": sorted({i.track_id for i in items if i.track_id is not None}),
    }


def media_view(request: Request) -> Response:
    """A thumbnail, highlight frame or clip: a redirect to a link signed now."""
    sources = _sources(request)
    kind = request.path_params["kind"]
    if kind not in ("thumbnail", "highlight", "clip"):
        raise HTTPException(404, "no such media")
    settings = sources.settings
    with sources.reader() as conn:
        if kind == "thumbnail":
            bucket = settings.thumbnails_bucket
            key = queries.thumbnail_key(conn, request.path_params["ref"])
        else:
            try:
                event_id = int(request.path_params["ref"])
            except ValueError:
                raise HTTPException(404, "not an event id") from None
            bucket = settings.highlights_bucket
            lookup = queries.highlight_key if kind == "highlight" else queries.clip_key
            key = lookup(conn, event_id)
    if not key:
        raise HTTPException(404, f"no {kind} here")
    # Not cached: the link is signed for a while, the page's address stays valid for good.
    return RedirectResponse(
        sources.signer.url(bucket, key), status_code=307, headers={"Cache-Control": "no-store"}
    )
