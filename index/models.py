"""Plain records that flow through ingest and the store: Article, ArticleInfo, Chunk, StoredArticle."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from functools import partial


@dataclass(frozen=True)
class ArticleInfo:
    """What is known about an article besides its text; chunks, citations and the library all share it."""

    id: str
    title: str = ""
    source: str = ""  # the outlet
    url: str = ""
    author: str = ""
    published: date | None = None
    group: str = ""  # the story group of near-duplicate articles; "" until the store assigns one

    @property
    def story(self) -> str:
        """The story group, or the article's own id when it has none."""
        return self.group or self.id


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
    def info(self) -> ArticleInfo:
        """The article's metadata, as chunks and citations carry it."""
        return ArticleInfo(self.id, self.title, self.source, self.url, self.author, self.published)

    def normalized(self) -> Article:
        """The article in Unicode NFC: "Beyonce\\u0301" (e and a combining accent) stored as "Beyoncé"."""
        nfc = partial(unicodedata.normalize, "NFC")
        return replace(
            self, text=nfc(self.text), title=nfc(self.title), source=nfc(self.source), author=nfc(self.author)
        )

    @property
    def content_hash(self) -> str:
        """Hash of everything stored for the article, so an edit is noticed on re-ingest."""
        parts = [self.text, self.title, self.url, self.source, self.author, str(self.published or "")]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Chunk:
    """A passage of an article with its character span [start, end) in the article's text."""

    id: str
    article: ArticleInfo
    text: str
    start: int
    end: int

    @property
    def article_id(self) -> str:
        """Id of the article the chunk belongs to."""
        return self.article.id


@dataclass(frozen=True)
class ChunkRef:
    """What ranking needs of a chunk without its text: its article, position, date, outlet and story."""

    id: str
    article_id: str
    ordinal: int  # 0 for an article's first chunk
    published: date | None
    source: str
    story: str


@dataclass(frozen=True)
class StoredArticle:
    """A finished article as the store's manifest lists it."""

    info: ArticleInfo
    chunks: int
    content_hash: str = ""


def stable_article_id(url: str, text: str) -> str:
    """Id from the article's url, else from a hash of its text, so reloads give the same id."""
    key = url.strip() if url.strip() else "text:" + " ".join(text.split())
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
