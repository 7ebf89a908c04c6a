"""The records an answer is made of (Passage, Citation, Answer) and the events NewsQA.stream yields."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from index.models import ArticleInfo, Chunk

REFUSAL_TEXT = "The articles do not say."


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its retrieval score and rank (1-based)."""

    chunk: Chunk
    score: float
    rank: int
    also: tuple[ArticleInfo, ...] = ()  # other articles of the same story (near-duplicates), oldest first


@dataclass(frozen=True)
class Citation:
    """One [n] of an answer: the article it points to and the exact sentence(s) quoted from it."""

    n: int
    article: ArticleInfo
    chunk_id: str
    quote: str
    start: int = 0  # character span of `quote` in the article's text
    end: int = 0
    passage: str = ""  # the whole retrieved chunk, for showing the quote in context
    passage_start: int = 0  # where `passage` starts in the article's text
    also_reported_by: tuple[ArticleInfo, ...] = ()  # near-duplicate copies of the cited article

    @property
    def article_id(self) -> str:
        """Id of the cited article."""
        return self.article.id

    @property
    def title(self) -> str:
        """The cited article's title."""
        return self.article.title

    @property
    def source(self) -> str:
        """The outlet that published the cited article."""
        return self.article.source

    @property
    def url(self) -> str:
        """Link to the cited article."""
        return self.article.url

    @property
    def published(self) -> date | None:
        """Publication date of the cited article."""
        return self.article.published

    def to_json(self) -> dict[str, Any]:
        """The public JSON form of a citation."""
        return {
            "n": self.n,
            "article_id": self.article_id,
            "chunk_id": self.chunk_id,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published.isoformat() if self.published else None,
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Answer:
    """An answer and its citations. A refused answer cites the closest evidence it found instead."""

    question: str
    text: str
    short: str
    citations: tuple[Citation, ...]
    refused: bool
    notes: tuple[str, ...] = field(default=())  # e.g. the LLM was unreachable, a sentence was removed
    rewritten_question: str = ""  # the standalone question actually searched, when it differs

    @property
    def failure(self) -> str:
        """Why answering failed (the LLM could not answer), or "": the citations are then the evidence.

        A failed answer is a refusal whose text is the failure message instead of the refusal sentence.
        """
        if not self.refused or self.text.startswith(REFUSAL_TEXT):
            return ""
        return next((n for n in self.notes if self.text.startswith(n)), self.text)

    @property
    def newest_source(self) -> date | None:
        """Publication date of the newest article the answer cites: how fresh it is."""
        return max((c.published for c in self.citations if c.published is not None), default=None)

    def to_json(self) -> dict[str, Any]:
        """The public JSON form: exactly the documented Answer and Citation fields."""
        newest = self.newest_source
        return {
            "question": self.question,
            "text": self.text,
            "short": self.short,
            "citations": [c.to_json() for c in self.citations],
            "refused": self.refused,
            "newest_source": newest.isoformat() if newest else None,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Retrieved:
    """Passages found, and the standalone question that was searched."""

    passages: tuple[Passage, ...]
    query: str


@dataclass(frozen=True)
class Partial:
    """The answer text streamed so far (before verification), and the short answer once known."""

    text: str
    short: str = ""  # the reader's short answer, or the LLM's answer line so far (unverified)


@dataclass(frozen=True)
class Final:
    """The verified answer."""

    answer: Answer


Event = Retrieved | Partial | Final
