"""Every surface that shows outside text renders it as text: run pages, GitHub issues, chat.

Rendered with a real CommonMark parser (markdown-it, the parser Dagster's own ``rich`` uses): a
hostile S3 key, zone, model answer or SQL statement adds no link, image, HTML or code fence.
"""

from __future__ import annotations

import re

import numpy as np
from dagster import TextMetadataValue
from markdown_it import MarkdownIt

from deepsentinel_pipelines.alerts.delivery import alert_payload
from deepsentinel_pipelines.alerts.rules import AlertRule
from deepsentinel_pipelines.assets.metadata import image_preview
from deepsentinel_pipelines.db.incident_rows import Incident
from deepsentinel_pipelines.db.video_rows import StoredEvent
from deepsentinel_pipelines.ops.rag_query import answer_metadata
from deepsentinel_pipelines.rag.result import AskResult
from deepsentinel_pipelines.rag.rows import EventRow
from deepsentinel_pipelines.settings import AlertConfig
from deepsentinel_pipelines.upkeep.incidents import incident_body, webhook_payload

HOSTILE_KEY = "uploads/x](http://evil.example/p) ![pwn](http://evil.example/i.png) <b>`|.mp4"
HOSTILE_SQL = "SELECT 1\n```\n![pwned](http://evil.example/x.png)\n[click](http://evil.example)"
_MD = MarkdownIt("commonmark").enable("table")


def _html(markdown: str) -> str:
    return _MD.render(markdown)


def _links_and_images(html: str) -> list[str]:
    return re.findall(r"<(?:a|img)\b[^>]*>", html)


def test_the_run_page_of_a_question_shows_hostile_text_as_text() -> None:
    row = EventRow(7, HOSTILE_KEY, "fall", 3.0, 5.0, 1, "zone|<i>x</i>", "d", "k", 0.9)
    row = EventRow(**{**row.__dict__, "highlight_url": "https://s3.example/k?sig=a(b)"})
    result = AskResult(
        question="q",
        answer=f"1 fall in {HOSTILE_KEY} ![img](http://evil.example/a.png)",
        events=[row],
        sql=HOSTILE_SQL,
        notes=[f"model said <script>alert(1)</script> [x](http://evil.example) {HOSTILE_KEY}"],
    )
    metadata = answer_metadata(result, "http://127.0.0.1:3001/ask?q=q")
    # The answer comes first, as plain text: the run page shows it as it is, never as Markdown.
    assert list(metadata)[:2] == ["answer", "answer_page"]
    assert isinstance(metadata["answer"], TextMetadataValue)
    assert metadata["answer"].value == result.answer
    for name in ("cited_events", "sql", "notes"):
        html = _html(metadata[name].value)
        assert "<b>" not in html and "<i>" not in html and "<script>" not in html, name
        assert "evil.example" not in "".join(_links_and_images(html)), name
    table = _html(metadata["cited_events"].value)
    assert table.count("<td>") == 7  # the key's "|" did not add a cell
    assert _links_and_images(table) == ['<a href="https://s3.example/k?sig=a%28b%29">']
    sql = _html(metadata["sql"].value)
    assert sql.count("<pre>") == 1 and "![pwned]" in sql  # the fence outlasted the statement's


def test_preview_alt_text_is_text() -> None:
    preview = image_preview(np.zeros((8, 8, 3), np.uint8), HOSTILE_KEY)
    [image] = _links_and_images(_html(preview.value))
    assert image.startswith('<img src="data:image/jpeg;base64,')
    assert 'alt="uploads/x](http://evil.example/p) ![pwn](http://evil.example/i.png)' in image


def test_a_github_issue_keeps_its_code_spans_and_fences() -> None:
    incident = Incident(
        run_id="r" * 36,
        job_name="video_analysis_job",
        partition_key="cam/`a` ``` b.mp4",
        failed_step="detections",
        error="ValueError: bad ```\n## Injected heading\n@maintainer ![x](http://evil.example/y)",
        log_excerpt="12:00:00 ERROR ```` closed?\n<img src=x>",
    )
    html = _html(incident_body(incident, AlertConfig(dagster_ui_url="http://dagster.local")))
    assert "<h2>" not in html and "<img" not in html
    assert html.count("<pre>") == 2
    assert "<code>cam/`a` ``` b.mp4</code>" in html
    assert _links_and_images(html) == [f'<a href="http://dagster.local/runs/{"r" * 36}">']


def test_chat_texts_mention_nobody_and_link_nowhere() -> None:
    event = StoredEvent(1, "fall", 1.0, 2.0, 3, "<!channel>", "person fell <http://evil|x>", 10)
    payload = alert_payload("uploads/<!here>.mp4", "plaza", event, AlertRule("falls"), None, None)
    assert "<" not in payload["text"] and ">" not in payload["text"]
    assert "&lt;!channel&gt;" in payload["text"] and "&lt;!here&gt;" in payload["text"]
    assert payload["video_id"] == "uploads/<!here>.mp4"  # the data fields stay as they are
    incident = Incident("r1", "job", "<!channel>.mp4", None, "<@U1> & <http://e|x>", "")
    text = webhook_payload(incident, AlertConfig())["text"]
    assert "<" not in text and "&amp;" in text
