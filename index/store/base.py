"""The store interface: chunks with vectors and article metadata, searchable by vector and by keywords."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from index.models import Article, ArticleInfo, Chunk, ChunkRef, StoredArticle
from index.store.filters import Filters

# One article's write: the article, its chunks, and one vector per chunk.
WriteItem = tuple[Article, Sequence[Chunk], np.ndarray]
Hit = tuple[ChunkRef, float]  # a chunk found by a search (without its text), and its score


class StoreError(RuntimeError):
    """The store cannot be opened or used as asked."""


class EmbedderMismatchError(StoreError):
    """The collection was built by another embedder than the one configured."""


class Store(Protocol):
    """Where articles live. Writes are resumable: `recover()` undoes what an interrupted write left."""

    @property
    def location(self) -> str:
        """Where the data lives, for messages and stats."""
        ...

    # -- writing -----------------------------------------------------------------------------------
    def recover(self) -> list[str]:
        """Remove what interrupted writes left; return those articles' ids."""
        ...

    def stored_hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Content hash of each finished article among `article_ids`."""
        ...

    def write(self, items: Sequence[WriteItem]) -> None:
        """Replace each article's chunks by the given ones (grouping it into its story)."""
        ...

    def delete_article(self, article_id: str) -> bool:
        """Remove an article and its chunks; False if it was not there."""
        ...

    # -- reading -----------------------------------------------------------------------------------
    def articles(self, limit: int | None = None) -> list[StoredArticle]:
        """Every finished article (or the `limit` newest), newest first."""
        ...

    def count_articles(self) -> int:
        """Finished articles."""
        ...

    def count_chunks(self) -> int:
        """Stored chunks."""
        ...

    def sources(self) -> list[str]:
        """Distinct outlets of the stored articles."""
        ...

    def chunks(self, article_id: str | None = None) -> list[Chunk]:
        """Every chunk (of one article, when given)."""
        ...

    def search(self, vector: np.ndarray, k: int, filters: Filters = Filters()) -> list[Hit]:
        """Top-k chunks by cosine similarity that pass the filters."""
        ...

    def similarities(self, vector: np.ndarray, chunk_ids: Sequence[str]) -> dict[str, float]:
        """Exact cosine of `vector` with each of these chunks' stored vectors (unknown ids left out)."""
        ...

    def article_search(self, query: str, k: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """Top-k article ids by BM25 over title and text, within the filters."""
        ...

    def article_chunks(self, article_ids: Sequence[str]) -> list[ChunkRef]:
        """Every chunk of these articles, in order."""
        ...

    def term_coverage(self, query: str, chunk_ids: Sequence[str]) -> dict[str, float]:
        """Share of the query's terms each chunk holds (0 to 1), rarer terms weighing more."""
        ...

    def fetch(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        """The chunks with these ids, texts and all, in the order asked (unknown ids left out)."""
        ...

    def story_members(self, groups: Sequence[str]) -> dict[str, list[ArticleInfo]]:
        """The finished articles of each story group, oldest first ({} when grouping is off)."""
        ...
