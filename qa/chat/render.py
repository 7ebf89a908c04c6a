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
from qa.chat.cards import SourceCard, missing_note, readable_title, source_cards
from qa.chat.markdown import turn_markdown
from qa.chat.timeline import timeline
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


def copies_html(copies: Sequence[ArticleInfo]) -> str:
    """The other outlets that carried the same story (near-duplicate articles), linked."""
    items = [
        (
            safe_href(a.url),
            a.source or readable_title(a)[0],
            a.published.isoformat() if a.published else "",
        )
        for a in copies
    ]
    return str(_fragments().also(items))


def also_html(c: Citation) -> str:
    """The copies of one citation's article."""
    return copies_html(c.also_reported_by)


def card_html(card: SourceCard) -> str:
    """One article of the sources panel: title, outlet, date, link, each cited passage, its copies."""
    a = card.article
    passages = [(c, Markup(passage_html(c))) for c in card.citations]
    note = missing_note(card.missing)
    also = Markup(copies_html(card.also))
    return str(_fragments().source_card(card, safe_href(a.url), short_url(a.url), passages, note, also))


def source_entry_html(c: Citation) -> str:
    """The card of a single citation."""
    return card_html(source_cards([c])[0])


def timeline_html(turn: Turn) -> str:
    """The coverage timeline of a turn's sources (SVG from the template), or "" without dates."""
    cited = [c.article for c in turn.evidence]
    line = timeline(cited, [p.chunk.article for p in turn.passages])
    return str(_fragments().timeline(line)) if line else ""


def sources_html(turn: Turn, index: int, conversation: str = "") -> str:
    """The sources panel of one turn: cards by article, a timeline, and the Markdown to copy or export."""
    refused = turn.answer is None or turn.answer.refused
    cards = [Markup(card_html(card)) for card in source_cards(turn.evidence)]
    line = Markup(timeline_html(turn)) if turn.settled else ""
    markdown = turn_markdown(turn) if turn.settled else ""
    return str(_fragments().sources(turn, index, refused, cards, line, markdown, conversation))


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


def articles_table(articles: Sequence[tuple[ArticleInfo, int]], total: int | None = None) -> str:
    """The table of indexed articles with their passage counts; `total`: how many there are in all."""
    rows = [
        (
            safe_href(a.url),
            *readable_title(a),
            a.source,
            a.published.isoformat() if a.published else "",
            chunks,
        )
        for a, chunks in articles
    ]
    return str(_fragments().articles(rows, len(rows) if total is None else max(total, len(rows))))


def feeds_table(rows: Sequence[tuple[Any, ...]]) -> str:
    """The table of followed feeds: (href, url, every, last check, last new, next check, kind, status)."""
    return str(_fragments().feeds(list(rows)))


def settings_table(rows: Sequence[tuple[str, str, str]]) -> str:
    """The read-only table of effective settings: (variable, value, description)."""
    return str(_fragments().settings(list(rows)))
