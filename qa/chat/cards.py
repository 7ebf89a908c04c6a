"""The sources panel's cards: citations grouped by article, each with a readable title and what is missing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import unquote, urlparse

from index.datelines import strip_dateline
from index.models import ArticleInfo
from qa.models import Citation

TITLE_LIMIT = 90  # characters of a title made from an article's first sentence
UNTITLED = "Untitled article"
# The loader names an untitled article after its first line, cut at 120 characters with an ellipsis.
_CUT_TITLE = 100
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[\"'“‘(]?[A-Z0-9])")


@dataclass(frozen=True)
class SourceCard:
    """One article of the sources panel: its cited passages in citation order and its other copies."""

    article: ArticleInfo
    title: str  # readable: the article's own title, or one made from its first sentence or file name
    titled: bool  # whether the article came with a title of its own
    citations: tuple[Citation, ...]
    also: tuple[ArticleInfo, ...]  # other outlets' copies of the same story

    @property
    def missing(self) -> list[str]:
        """The metadata the article came without, in the order a card shows it."""
        a = self.article
        wanted = [("title", self.titled), ("outlet", a.source), ("date", a.published), ("link", a.url)]
        return [name for name, present in wanted if not present]

    @property
    def numbers(self) -> list[int]:
        """The citation numbers the card holds."""
        return [c.n for c in self.citations]


def first_sentence(text: str, limit: int = TITLE_LIMIT) -> str:
    """The text's first sentence without a dateline, cut at a word boundary to `limit` characters."""
    line = " ".join(text.strip().split("\n", 1)[0].split()).rstrip("…").strip()
    line = strip_dateline(line)  # "YEREVAN—", "KAPAN, May 21 —" says nothing as a title
    sentence = _SENTENCE_END.split(line, maxsplit=1)[0].strip()
    if len(sentence) <= limit:
        return sentence.removesuffix(".")  # a title, not a sentence
    cut = sentence[: limit + 1].rsplit(" ", 1)[0].rstrip(" ,;:—–-")
    return (cut or sentence[:limit]) + "…"


def file_name(url: str) -> str:
    """The last part of a URL's path ("tram.html"), or ""."""
    return unquote(PurePosixPath(urlparse(url).path).name) if url else ""


def _opening(citations: Sequence[Citation]) -> str:
    """The article's opening text, when a citation's passage starts the article."""
    return next((c.passage for c in citations if c.passage and c.passage_start == 0), "")


def derived_title(title: str, opening: str = "") -> bool:
    """Whether a title was made by the loader from the text (no title was given), or is missing."""
    title = " ".join(title.split())
    if not title:
        return True
    if opening and " ".join(opening.split()).startswith(title.rstrip("…").strip()):
        return True
    return title.endswith("…") and len(title) > _CUT_TITLE


def readable_title(article: ArticleInfo, opening: str = "") -> tuple[str, bool]:
    """(title, given): the article's title, or its first sentence, file name or "Untitled article"."""
    if not derived_title(article.title, opening):
        return article.title, True
    made = first_sentence(opening or article.title)
    return made or file_name(article.url) or UNTITLED, False


def source_cards(citations: Sequence[Citation]) -> list[SourceCard]:
    """One card per cited article, in the order of its first citation; copies listed inside."""
    groups: dict[str, list[Citation]] = {}
    for c in sorted(citations, key=lambda c: c.n):
        groups.setdefault(c.article_id, []).append(c)
    cards = []
    for cited in groups.values():
        article = cited[0].article
        title, given = readable_title(article, _opening(cited))
        copies: dict[str, ArticleInfo] = {}
        for c in cited:
            for other in c.also_reported_by:
                if other.id != article.id and other.id not in groups:
                    copies.setdefault(other.id, other)
        cards.append(SourceCard(article, title, given, tuple(cited), tuple(copies.values())))
    return cards


def missing_note(missing: Sequence[str]) -> str:
    """One plain sentence on what an article came without ("No title, outlet or link came with it"), or ""."""
    if not missing:
        return ""
    listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
    return f"No {listed} came with this article."
