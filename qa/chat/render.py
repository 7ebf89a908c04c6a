"""The chat's HTML, from templates/fragments.html: messages, the sources panel, status and library views.

Article text, titles, outlets, URLs, questions and error messages are untrusted. Every value reaches HTML
through the template environment's finalize step: html.escape, plus entities for the characters Gradio's
Markdown, GFM autolinks and KaTeX act on, so chat messages show them as themselves.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from markupsafe import Markup

from index.models import ArticleInfo
from qa.models import Answer, Citation
from qa.pipeline.citations import MARKER
from qa.templating import environment

if TYPE_CHECKING:
    from qa.chat.turns import Turn

_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]|~${}!:@"})
_REMOVED_NOTE = "Removed a sentence no source supports"


def esc(text: object) -> Markup:
    """Untrusted text as inert HTML: html.escape, plus entities for Markdown/LaTeX/template characters."""
    if isinstance(text, Markup):
        return text
    return Markup(html.escape(str(text), quote=True).translate(_INERT))


@cache
def _fragments() -> Any:
    env = environment("qa.chat").overlay(finalize=esc)
    return env.get_template("fragments.html").module


def safe_href(url: str) -> Markup | None:
    """The URL escaped for an href attribute, or None unless it is http(s) with a host."""
    parsed = urlparse(url.strip())
    if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        return None
    return Markup(html.escape(url.strip(), quote=True))


def short_url(url: str, limit: int = 48) -> str:
    """Host and path of a URL, shortened for display."""
    parsed = urlparse(url)
    shown = (parsed.hostname or "").removeprefix("www.") + parsed.path.rstrip("/")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


# -- messages --------------------------------------------------------------------------------------------


def cite_segments(text: str, numbers: set[int]) -> list[tuple[str, Any]]:
    """The text split into ("text", str) and ("cite", [n, ...]) parts; unknown [n] stay text."""
    out: list[tuple[str, Any]] = []
    pos = 0
    for m in MARKER.finditer(text):
        nums = [int(x) for x in re.findall(r"\d+", m.group(1))]
        if not nums or not all(n in numbers for n in nums):
            continue
        out.append(("text", text[pos : m.start()]))
        out.append(("cite", list(dict.fromkeys(nums))))
        pos = m.end()
    out.append(("text", text[pos:]))
    return out


def question_html(question: str) -> str:
    """The user's message."""
    return str(_fragments().question(question))


def note_lines(answer: Answer) -> list[str]:
    """The notes shown under an answer: removed sentences counted, the LLM's failure not said twice."""
    removed = sum(1 for n in answer.notes if n.startswith(_REMOVED_NOTE))
    parts = []
    if removed:
        plural = "sentence" if removed == 1 else "sentences"
        pronoun = "it" if removed == 1 else "them"
        parts.append(f"{removed} {plural} of the model's draft left out: no source supports {pronoun}.")
    parts += [n for n in answer.notes if not n.startswith(_REMOVED_NOTE) and n not in answer.text]
    return parts


def answer_html(answer: Answer, index: int) -> str:
    """A verified answer: its text with clickable citations, the short answer, notes; refusals say so."""
    segments = cite_segments(answer.text, {c.n for c in answer.citations})
    kind = "problem" if answer.failure else "refusal"
    return str(_fragments().answer(answer, segments, index, kind, note_lines(answer)))


def turn_html(turn: Turn, index: int) -> str:
    """The assistant message of a turn, at whatever stage it is."""
    answer = Markup(answer_html(turn.answer, index)) if turn.answer is not None else None
    numbers = [c.n for c in turn.evidence] if turn.stage == "failed" else []
    return str(_fragments().turn_message(turn, index, answer, numbers))


# -- the sources panel -----------------------------------------------------------------------------------


def empty_panel() -> str:
    """The sources panel before any question."""
    return str(_fragments().empty_panel())


def passage_html(c: Citation) -> str:
    """The cited passage, escaped, with the quoted span inside <mark>."""
    text = c.passage or c.quote
    a, b = c.start - c.passage_start, c.end - c.passage_start
    if c.quote and not (0 <= a < b <= len(text) and text[a:b].strip() == c.quote.strip()):
        found = text.find(c.quote)  # offsets do not match this passage: find the quote instead
        a, b = (found, found + len(c.quote)) if found >= 0 else (0, 0)
    if not c.quote or a >= b:
        return str(_fragments().passage(text, "", ""))
    return str(_fragments().passage(text[:a], text[a:b], text[b:]))


def also_html(c: Citation) -> str:
    """The other outlets that carried the same story (near-duplicate articles), linked."""
    items = [
        (
            safe_href(a.url),
            a.source or a.title or "another article",
            a.published.isoformat() if a.published else "",
        )
        for a in c.also_reported_by
    ]
    return str(_fragments().also(items))


def source_entry_html(c: Citation) -> str:
    """One entry of the sources panel: number, title, outlet, date, link and passage."""
    return str(
        _fragments().source_entry(
            c, safe_href(c.url), short_url(c.url), Markup(passage_html(c)), Markup(also_html(c))
        )
    )


def sources_html(turn: Turn, index: int) -> str:
    """The sources panel of one turn: its citations, or the closest evidence when it was not answered."""
    refused = turn.answer is None or turn.answer.refused
    entries = [Markup(source_entry_html(c)) for c in turn.evidence]
    return str(_fragments().sources(turn, index, refused, entries))


# -- status and library ----------------------------------------------------------------------------------


def status_line(kind: str, line: str, warning: str = "") -> str:
    """The one-line status under the title: kind is busy, bad or ready."""
    return str(_fragments().status(kind, line, warning))


def report_html(summary: dict[str, int] | None, failures: Sequence[tuple[str, str]], kind: str) -> str:
    """What an ingest did (added/updated/skipped/chunks) and each failure (where, reason)."""
    return str(_fragments().report(kind, summary, list(failures)))


def message_html(kind: str, text: str) -> str:
    """A one-line library message: kind is ok, warn or bad."""
    return str(_fragments().message(kind, text))


def articles_table(articles: Sequence[tuple[ArticleInfo, int]]) -> str:
    """The table of indexed articles with their passage counts."""
    rows = [
        (
            safe_href(a.url),
            a.title or "Untitled article",
            a.source,
            a.published.isoformat() if a.published else "",
            chunks,
        )
        for a, chunks in articles
    ]
    return str(_fragments().articles(rows))
