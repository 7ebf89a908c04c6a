"""Plain records that flow through ingest and the store: Article, Chunk, ArticleInfo."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Article:
    """One news article as loaded from a file, feed or page."""

    id: str
    text: str
    title: str = ""
    url: str = ""
    source: str = ""
    author: str = ""
    published: date | None = None
    path: str = ""  # where it was loaded from, for messages

    @property
    def content_hash(self) -> str:
        """Hash of everything stored for the article, so an edit is noticed on re-ingest."""
        parts = [self.text, self.title, self.url, self.source, self.author, str(self.published or "")]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Chunk:
    """A passage of an article with its character span [start, end) in article.text."""

    id: str
    article_id: str
    text: str
    start: int
    end: int
    title: str = ""
    url: str = ""
    source: str = ""
    author: str = ""
    published: date | None = None
    group: str = ""  # the story group of near-duplicate articles (index.dedup); "" when not grouped


@dataclass(frozen=True)
class ArticleInfo:
    """What the store knows about one stored article (no text)."""

    id: str
    title: str
    source: str
    url: str
    published: date | None
    chunks: int = 0
    group: str = ""


def stable_article_id(url: str, text: str) -> str:
    """Id from the article's url, else from a hash of its text, so reloads give the same id."""
    key = url.strip() if url.strip() else "text:" + " ".join(text.split())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
