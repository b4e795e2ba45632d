"""Outside text stays text on every surface: Markdown (Dagster, GitHub), chat, the terminal."""

from __future__ import annotations

import pytest

from deepsentinel_pipelines.text.escaping import (
    chat_text,
    code_block,
    code_span,
    markdown_text,
    terminal_text,
)


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("plaza.mp4", r"plaza\.mp4"),
        ("![x](http://evil/p.png)", r"\!\[x\]\(http\:\/\/evil\/p\.png\)"),
        ("[click](javascript:alert)", r"\[click\]\(javascript\:alert\)"),
        ("<img src=x onerror=alert(1)>", r"\<img src\=x onerror\=alert\(1\)\>"),
        ("a|b", r"a\|b"),
        ("**bold** _it_ `code`", r"\*\*bold\*\* \_it\_ \`code\`"),
        ("&amp; &#60;", r"\&amp\; \&\#60\;"),
        ("www.example.com", r"www\.example\.com"),
        ("# title", r"\# title"),
    ],
)
def test_markdown_text_is_literal(raw: str, escaped: str) -> None:
    assert markdown_text(raw) == escaped


def test_markdown_lines_cannot_start_blocks() -> None:
    assert markdown_text("a\n    indented code\n> quote") == "a\nindented code\n\\> quote"
    assert markdown_text("cell\nnext\x1b[2J", inline=True) == "cell next \\[2J"


@pytest.mark.parametrize(
    ("raw", "span"),
    [
        ("cam/a.mp4", "`cam/a.mp4`"),
        ("a`b", "``a`b``"),
        ("x```y", "````x```y````"),
        ("`edge`", "`` `edge` ``"),
        ("two\nlines", "`two lines`"),
        ("", "` `"),
    ],
)
def test_code_spans_outlast_any_backtick_run(raw: str, span: str) -> None:
    assert code_span(raw) == span


def test_code_blocks_cannot_be_closed_from_inside() -> None:
    sql = "SELECT 1\n```\n![pwned](http://evil/x.png)\n````"
    block = code_block(sql, "sql")
    assert block.startswith("`````sql\n") and block.endswith("\n`````")
    assert block == f"`````sql\n{sql}\n`````"
    assert code_block("plain") == "```\nplain\n```"
    assert code_block("x", "sql\n# injected") == "```sqlinjected\nx\n```"


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        ("<!channel> wake up", "&lt;!channel&gt; wake up"),
        ("<http://evil|your bank>", "&lt;http://evil|your bank&gt;"),
        ("<@U123>", "&lt;@U123&gt;"),
        ("fish & chips", "fish &amp; chips"),
        ("line one\nline two\x07", "line one\nline two "),
    ],
)
def test_chat_text_has_no_mentions_or_links(raw: str, text: str) -> None:
    assert chat_text(raw) == text


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("clip.mp4", "clip.mp4"),
        ("a\nb", "a\\nb"),
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("evil\u202egnp.mp4", "evil\\u202egnp.mp4"),
        ("bad\udcff", "bad\\udcff"),
        ("café", "café"),
    ],
)
def test_terminal_text_shows_controls(raw: str, shown: str) -> None:
    assert terminal_text(raw) == shown
