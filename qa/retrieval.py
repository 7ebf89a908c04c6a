"""Find the passages a question needs."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from index.embedding import Embedder
from index.store import ArticleStore
from qa.models import Passage


class Retriever:
    """Dense retrieval over the store, with date and outlet filters."""

    def __init__(self, store: ArticleStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    def retrieve(
        self,
        question: str,
        k: int,
        *,
        as_of: date | None = None,
        since: date | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[Passage]:
        """The k passages closest to the question, published no later than `as_of`."""
        vector = self.embedder.embed([question])[0]
        hits = self.store.query(vector, k, as_of=as_of, since=since, sources=sources)
        return [Passage(chunk, score, rank) for rank, (chunk, score) in enumerate(hits, start=1)]
