"""Answers and conversations as Markdown, with numbered sources and links, for copying and export."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote, urlparse

from qa.chat.cards import readable_title
from qa.models import Citation

if TYPE_CHECKING:
    from qa.chat.turns import Turn

# Untrusted text must not become Markdown structure (emphasis, code, HTML) when the copy is rendered.
_SPECIAL = re.compile(r"([\\`*_<>|~]|^#)", re.MULTILINE)
_BRACKETS = re.compile(r"([\[\]])")


def md_text(text: str) -> str:
    """Text with the characters Markdown acts on backslash-escaped; [n] markers stay as they are."""
    return _SPECIAL.sub(r"\\\1", text)


def md_link(label: str, url: str) -> str:
    """[label](url) for an http(s) URL with a host; else the label alone."""
    label = _BRACKETS.sub(r"\\\1", md_text(label))
    parsed = urlparse(url.strip())
    if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        return label
    return f"[{label}]({quote(url.strip(), safe=':/?#@!$&=+,;%~.-_')})"


def source_line(c: Citation) -> str:
    """One numbered source: linked title, outlet, date, and the quoted sentence."""
    title, _ = readable_title(c.article, c.passage if c.passage_start == 0 else "")
    meta = [md_text(x) for x in (c.source, c.published.isoformat() if c.published else "") if x]
    line = f"{c.n}. {md_link(title, c.url)}" + (f" ({', '.join(meta)})" if meta else "")
    if c.quote.strip():
        line += f"\n   > {md_text(' '.join(c.quote.split()))}"
    return line


def _sources(heading: str, citations: Sequence[Citation]) -> str:
    lines = [source_line(c) for c in sorted(citations, key=lambda c: c.n)]
    return f"{heading}:\n\n" + "\n".join(lines) if lines else ""


def turn_markdown(turn: Turn) -> str:
    """One question and its answer: the short answer, the cited text, notes, then the numbered sources."""
    parts = [f"## {md_text(turn.question)}"]
    if turn.query and turn.query != turn.question:
        parts.append(f"*Searched for: {md_text(turn.query)}*")
    a = turn.answer
    if turn.stage == "failed":
        parts += [f"**Error:** {md_text(turn.error)}", _sources("Closest passages", turn.evidence)]
    elif a is None:
        parts.append("*Not answered yet.*")
    elif a.refused:
        parts += [f"**Not answered.** {md_text(a.text)}", _sources("Closest evidence", a.citations)]
    else:
        if a.short:
            parts.append(f"**{md_text(a.short)}**")
        parts.append(md_text(a.text))
        parts += [f"*{md_text(note)}*" for note in a.notes if note not in a.text]
        parts.append(_sources("Sources", a.citations))
    return "\n\n".join(p for p in parts if p)


def conversation_markdown(turns: Sequence[Turn]) -> str:
    """The whole conversation, question by question."""
    body = "\n\n---\n\n".join(turn_markdown(t) for t in turns)
    return "# NewsQA conversation\n\n" + (body or "*No questions yet.*") + "\n"
