"""Outside text (S3 keys, camera and zone names, model output, errors) shown as text, per surface.

One helper per surface, used wherever such text meets it:

* Markdown (the Dagster UI's ``MetadataValue.md`` and GitHub issues; both render CommonMark with
  GitHub's extensions): :func:`markdown_text` for prose, table cells and image alt text,
  :func:`markdown_link` for links; :func:`code_span` and :func:`code_block` for code, their
  backtick fences longer than any run of backticks inside, so nothing closes them early.
* Chat (Slack and Teams webhook ``text``): :func:`chat_text`; Slack reads ``<!channel>``,
  ``<@U123>`` and ``<url|label>`` as mentions and links, so ``&``, ``<`` and ``>`` become the
  entities both render as the characters themselves.
* The terminal (names the CLI echoes): :func:`terminal_text`; control characters and escape
  sequences are shown, not obeyed.
"""

from __future__ import annotations

import re
import unicodedata

# Every ASCII punctuation character may be backslash-escaped in CommonMark, and escaped it is
# literal: no emphasis, link, image, HTML, entity, heading, list, table cell or autolink.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")
_BACKTICK_RUNS = re.compile(r"`+")
_CHAT_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_URL_UNSAFE = {" ": "%20", "(": "%28", ")": "%29", "<": "%3C", ">": "%3E", "\\": "%5C"}


def _controls_to_spaces(text: str, keep_newlines: bool) -> str:
    text = _LINE_BREAKS.sub("\n", text)
    return "".join(
        ch if not _is_control(ch) or (keep_newlines and ch == "\n") else " " for ch in text
    )


def _is_control(ch: str) -> bool:
    # Cc: C0/C1 controls, DEL; Cf: format characters such as right-to-left overrides; Cs: lone
    # surrogates (undecodable bytes from the command line).
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs")


def markdown_text(text: object, *, inline: bool = False) -> str:
    """``text`` as literal Markdown text.

    Args:
        text: Anything; ``str`` of it is escaped.
        inline: Put it on one line (table cells, link labels, image alt text): line breaks become
            spaces. Otherwise lines are kept, each one's leading spaces dropped (four would start
            a code block).

    Returns:
        Text in which every ASCII punctuation character is backslash-escaped and control
        characters are spaces.
    """
    cleaned = _controls_to_spaces(str(text), keep_newlines=not inline)
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", cleaned)
    if inline:
        return escaped
    return "\n".join(line.lstrip() for line in escaped.split("\n"))


def _fence(text: str, shortest: int) -> str:
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(text)), default=0)
    return "`" * max(shortest, longest + 1)


def code_span(text: object) -> str:
    """``text`` as one inline code span, whatever backticks it holds (on one line)."""
    body = _controls_to_spaces(str(text), keep_newlines=False)
    fence = _fence(body, 1)
    # A space on each side lets the text start or end with a backtick; CommonMark strips one.
    if body.startswith("`") or body.endswith("`"):
        body = f" {body} "
    return f"{fence}{body or ' '}{fence}"


def code_block(text: object, info: str = "") -> str:
    """``text`` as a fenced code block (``info``: the language, e.g. ``sql``).

    The fence is at least three backticks and longer than any backtick run in the text, so the
    text cannot end the block and write Markdown after it.
    """
    body = _controls_to_spaces(str(text), keep_newlines=True)
    fence = _fence(body, 3)
    language = re.sub(r"[^A-Za-z0-9_+-]", "", info)
    return f"{fence}{language}\n{body}\n{fence}"


def chat_text(text: object) -> str:
    """``text`` for a Slack or Teams message: no mentions, links or formatting commands.

    ``&``, ``<`` and ``>`` become ``&amp;``, ``&lt;`` and ``&gt;`` (Slack's own escaping rule;
    Teams renders the entities as the characters), other control characters but newlines spaces.
    """
    cleaned = _controls_to_spaces(str(text), keep_newlines=True)
    return "".join(_CHAT_ENTITIES.get(ch, ch) for ch in cleaned)


def terminal_text(text: object) -> str:
    r"""``text`` safe to print: control and format characters written as escapes (``\x1b``).

    A file name holding a newline or an ANSI escape sequence is shown as such, not obeyed (no
    cursor moves, colours, fake extra lines or right-to-left tricks in the terminal).
    """
    out = []
    for ch in str(text):
        if not _is_control(ch):
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch, f"\\x{ord(ch):02x}"))
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


def markdown_link(label: object, url: str) -> str:
    """A Markdown link whose label is literal text and whose target cannot end early.

    Spaces, parentheses and angle brackets in ``url`` are percent-encoded (presigned URLs are
    already encoded; a key with odd characters is not).
    """
    target = "".join(_URL_UNSAFE.get(ch, ch) for ch in url if not _is_control(ch))
    return f"[{markdown_text(label, inline=True)}]({target})"
