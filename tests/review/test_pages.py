"""The review pages over footage written by hand: what each page states, escapes and links.

Two videos of the camera ``plaza`` (Europe/Paris) recorded on 1 December 2026, at 14:00 and
14:03, one minute each; the first has three people, four events and people-per-second rows.
Every figure asserted below is worked out from these rows by hand.
"""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import psycopg
import pytest
import requests

from deepsentinel_pipelines.settings import REPO_ROOT, Settings

CLI = str(REPO_ROOT / ".venv" / "bin" / "deepsentinel")


@dataclass(frozen=True)
class Footage:
    """The ids of the hand-written rows."""

    first: str
    second: str
    events: dict[str, int]


# (key, type, start, end, track, zone, line, highlight, clip)
EVENTS = [
    ("fall", "fall", 7.5, 9.0, 1, None, None, True, True),
    ("walk", "walking", 10.0, 20.0, 2, None, None, False, False),
    ("cross_in", "line_crossing", 15.0, 15.0, 2, None, "path", True, True),
    ("cross_out", "line_crossing", 45.0, 45.0, 3, None, "path", True, False),
]
TRACKS = [(1, 0.0, 30.0), (2, 10.0, 50.0), (3, 40.0, 59.0)]


def _people(second: int) -> int:
    """People in view: 1, then 2 from 00:10, 4 at 00:20 (the peak), 2 from 00:40, 1 from 00:50."""
    if second == 20:
        return 4
    return 1 if second < 10 or second >= 50 else 2


def _insert_video(conn: psycopg.Connection, video_id: str, recorded_at: str) -> int:
    conn.execute(
        """INSERT INTO videos (video_id, s3_bucket, s3_key, camera, container, codec, fps,
               frame_count, duration_s, width, height, size_bytes, sha256, thumbnail_key,
               summary, people_count, recorded_at)
           VALUES (%s, 'raw-videos', %s, 'plaza', 'mp4', 'h264', 10, 600, 60.0, 768, 576, 1,
                   'x', %s, 'Three people walked through; one fell.', %s, %s)""",
        (video_id, video_id, f"thumbs/{video_id}.jpg", 3, recorded_at),
    )
    (analysis_id,) = conn.execute(
        "INSERT INTO analyses (video_id, run_key, s3_etag, published_at) "
        "VALUES (%s, %s, 'e', now()) RETURNING analysis_id",
        (video_id, str(uuid.uuid4())),
    ).fetchone()
    conn.execute(
        "UPDATE videos SET current_analysis_id = %s WHERE video_id = %s", (analysis_id, video_id)
    )
    return analysis_id


@pytest.fixture(scope="module")
def footage(settings: Settings) -> Iterator[Footage]:
    tag = uuid.uuid4().hex[:8]
    # A key with markup, quotes and an ampersand: every page must show it as text.
    first = f'review-{tag}/<b>lobby</b> & "door".mp4'
    second = f"review-{tag}/later.mp4"
    ids: dict[str, int] = {}
    with psycopg.connect(settings.database_url) as conn, conn.transaction():
        analysis = _insert_video(conn, first, "2026-12-01T14:00:00+01:00")
        _insert_video(conn, second, "2026-12-01T14:03:00+01:00")
        for track, first_s, last_s in TRACKS:
            conn.execute(
                """INSERT INTO tracks (video_id, analysis_id, track_id, class_name, first_s,
                       last_s, n_frames, mean_score)
                   VALUES (%s, %s, %s, 'person', %s, %s, 10, .8)""",
                (first, analysis, track, first_s, last_s),
            )
        for second_s in range(60):
            conn.execute(
                """INSERT INTO occupancy (video_id, analysis_id, zone, second, people, mean_people)
                   VALUES (%s, %s, 'frame', %s, %s, %s)""",
                (first, analysis, second_s, _people(second_s), _people(second_s)),
            )
        for key, kind, start, end, track, zone, line, highlight, clip in EVENTS:
            (event_id,) = conn.execute(
                """INSERT INTO events (video_id, analysis_id, event_type, start_s, end_s, track_id,
                       zone, confidence, attributes, description, highlight_key)
                   VALUES (%s, %s, %s, %s, %s, %s, %s, .9, %s, %s, %s) RETURNING event_id""",
                (
                    first, analysis, kind, start, end, track, zone,
                    json.dumps({"line": line} if line else {}),
                    f"Person {track} {kind.replace('_', ' ')}",
                    f"frames/{tag}/{key}.jpg" if highlight else None,
                ),
            ).fetchone()  # fmt: skip
            ids[key] = event_id
            if clip:
                conn.execute(
                    """INSERT INTO event_clips (event_id, video_id, analysis_id, clip_key,
                           start_s, end_s, frames, width, height)
                       VALUES (%s, %s, %s, %s, %s, %s, 50, 768, 576)""",
                    (event_id, first, analysis, f"clips/{tag}/{key}.mp4", start - 2, end + 3),
                )
    yield Footage(first, second, ids)
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("DELETE FROM videos WHERE video_id = ANY(%s)", ([first, second],))


def _get(review_url: str, path: str, **kwargs) -> requests.Response:
    return requests.get(f"{review_url}{path}", timeout=60, allow_redirects=False, **kwargs)


def _escaped(video_id: str) -> str:
    """The first video's id as HTML text, written by hand."""
    return video_id.split("/")[0] + "/" + ESCAPED_NAME


def _card(html: str, video_id_html: str) -> str:
    """The index page's card of one video."""
    start = html.index(f">{video_id_html}</a>")
    return html[html.rindex('<li class="card', 0, start) : html.index("</li>", start)]


ESCAPED_NAME = "&lt;b&gt;lobby&lt;/b&gt; &amp; &#34;door&#34;.mp4"


def test_the_front_page_lists_each_video_with_its_figures(review_url, footage) -> None:
    page = _get(review_url, "/")
    assert page.status_code == 200
    html = page.text
    assert "<b>lobby</b>" not in html  # the key's markup is text
    card = _card(html, _escaped(footage.first))
    assert "2026-12-01 14:00:00 CET · 01:00" in card
    assert "3 people" in card
    assert '<span class="chip">1 fall</span><span class="chip">2 line crossing</span>' in card
    assert f'href="/videos/{quote(footage.first, safe="")}"' in card
    assert "analysed" in card  # published, and no run of it in Dagster
    assert 'href="/cameras/plaza/2026-12-01"' in html


def test_a_video_page_places_each_event_on_its_timeline(review_url, footage) -> None:
    page = _get(review_url, f"/videos/{quote(footage.first, safe='')}")
    assert page.status_code == 200
    html = page.text
    assert f'<h1 class="video-name">{_escaped(footage.first)}</h1>' in html
    markers = dict(re.findall(r'class="marker" data-event="(\d+)" style="left: ([\d.]+)%', html))
    # 7.5 s, 10 s, 15 s and 45 s into one minute.
    assert markers == {
        str(footage.events["fall"]): "12.5",
        str(footage.events["walk"]): "16.667",
        str(footage.events["cross_in"]): "25.0",
        str(footage.events["cross_out"]): "75.0",
    }
    fall = html[html.index(f'id="e{footage.events["fall"]}"') :].split("</li>", 1)[0]
    assert 'data-clock="14:00:07"' in fall and 'data-offset="00:07"' in fall
    assert f'data-clip="/media/clip/{footage.events["fall"]}"' in fall
    assert "data-clip" not in html[html.index(f'id="e{footage.events["cross_out"]}"') :][:400]
    # The two figures of how busy it was, named, at the camera's clock.
    assert "<dt>Peak people in view</dt><dd>4 people at 14:00:20</dd>" in html
    assert "<dt>Minute with most distinct people</dt><dd>14:00:00–14:01:00, 3 people</dd>" in html
    assert "/assets/current_analysis?" + urlencode({"partition": footage.first}) in html
    assert 'href="/cameras/plaza/2026-12-01"' in html


def test_a_camera_day_puts_its_videos_on_one_clock(review_url, footage) -> None:
    html = _get(review_url, "/cameras/plaza/2026-12-01").text
    # 14:00:00-14:04:00 is the day's footage: the videos take its first and last quarter.
    assert "footage 14:00:00–14:04:00 CET" in html
    segments = re.findall(r'<rect class="segment" x="([\d.]+)" y="0" width="([\d.]+)"', html)
    assert ("0.0", "250.0") in segments and ("750.0", "250.0") in segments
    assert _get(review_url, "/cameras/plaza/2026-11-30").status_code == 404
    assert _get(review_url, "/cameras/plaza/not-a-day").status_code == 404


def test_media_links_are_signed_when_asked_for(review_url, footage, settings) -> None:
    frame = _get(review_url, f"/media/highlight/{footage.events['fall']}")
    assert frame.status_code == 307 and frame.headers["cache-control"] == "no-store"
    location = frame.headers["location"]
    assert f"/{settings.highlights_bucket}/frames/" in location and "X-Amz-Signature" in location
    clip = _get(review_url, f"/media/clip/{footage.events['fall']}").headers["location"]
    assert "/clips/" in clip and clip.split("?")[0].endswith("/fall.mp4")
    thumb = _get(review_url, f"/media/thumbnail/{quote(footage.first, safe='')}")
    assert f"/{settings.thumbnails_bucket}/thumbs/" in thumb.headers["location"]
    assert _get(review_url, f"/media/clip/{footage.events['cross_out']}").status_code == 404
    assert _get(review_url, "/media/other/1").status_code == 404
    assert _get(review_url, "/videos/no-such-video.mp4").status_code == 404


def test_every_page_carries_its_content_policy(review_url) -> None:
    headers = _get(review_url, "/").headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"


def test_the_api_answers_as_ask_json_does(review_url, footage) -> None:
    question = "How many people were tracked?"
    api = _get(review_url, "/api/ask", params={"q": question, "video": footage.first})
    assert api.status_code == 200
    answered = api.json()
    cli = subprocess.run(
        [CLI, "ask", question, "--video", footage.first, "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    printed = json.loads(cli.stdout)
    assert answered["count"] == printed["count"] == 3  # three person tracks
    assert answered.keys() == printed.keys()
    assert answered["answer"] == printed["answer"]


def test_the_api_says_what_is_wrong_with_a_request(review_url) -> None:
    for params, words in [
        ({}, "q: ask a question"),
        ({"q": "any falls?", "session": "nope"}, "session: not a UUID"),
        ({"q": "any falls?", "camera": "../etc"}, "camera:"),
        ({"q": "any falls?", "from": "yesterday-ish"}, "from/to:"),
    ]:
        reply = _get(review_url, "/api/ask", params=params)
        assert reply.status_code == 400, params
        assert reply.json()["success"] is False and words in reply.json()["error"], params


def test_the_ask_page_shows_the_answer_first_and_the_session(review_url, footage) -> None:
    session = requests.Session()
    first = session.get(
        f"{review_url}/ask", params={"q": "did anyone fall?", "video": footage.first}, timeout=60
    )
    assert first.status_code == 200
    html = first.text
    answer = html.split('<p class="answer" id="answer">', 1)[1].split("</p>", 1)[0]
    assert answer.startswith("Yes: 1 person fell")  # the footage has one fall, by person 1
    assert f'data-event="{footage.events["fall"]}"' in html  # cited, as a card
    assert f'src="/media/highlight/{footage.events["fall"]}"' in html
    assert f'data-src="/media/clip/{footage.events["fall"]}"' in html
    assert "<summary>SQL</summary>" in html
    second = session.get(f"{review_url}/ask", params={"q": "<i>how many</i> people?"}, timeout=60)
    assert "&lt;i&gt;how many&lt;/i&gt; people?" in second.text and "<i>how" not in second.text
    earlier = second.text.split('<section class="earlier">', 1)[1]
    assert "did anyone fall?" in earlier and "how many" not in earlier
