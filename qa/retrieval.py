"""Find the passages a question needs: dense, BM25, or both fused by reciprocal rank (llama-index)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any, Literal

from index.embedding import Embedder
from index.store import ArticleStore, chunk_from_record, within_dates
from qa.models import Passage

Mode = Literal["dense", "bm25", "hybrid"]


def _retrievers(
    store: ArticleStore, embedder: Embedder, filters: dict[str, Any], depth: int
) -> tuple[Any, Any]:
    """llama-index retrievers over our store: one by vectors, one by BM25 (same date/outlet filters)."""
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    def to_nodes(hits: list[tuple[Any, float]]) -> list[NodeWithScore]:
        return [
            NodeWithScore(
                node=TextNode(
                    id_=c.id, text=c.text, metadata={"chunk": c}, excluded_embed_metadata_keys=["chunk"]
                ),
                score=score,
            )
            for c, score in hits
        ]

    class Dense(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            vector = embedder.embed([query_bundle.query_str])[0]
            return to_nodes(store.query(vector, depth, **filters))

    class Keyword(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            return to_nodes(store.keyword_query(query_bundle.query_str, depth, **filters))

    return Dense(), Keyword()


class Retriever:
    """Passages for a question from the store, by the configured mode."""

    def __init__(
        self, store: ArticleStore, embedder: Embedder, mode: Mode = "hybrid", per_article: int = 0
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.mode = mode
        self.per_article = per_article

    def retrieve(
        self,
        question: str,
        k: int,
        *,
        as_of: date | None = None,
        since: date | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[Passage]:
        """The k best passages published no later than `as_of` (and no earlier than `since`)."""
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.core.retrievers.fusion_retriever import FUSION_MODES

        filters = {"as_of": as_of, "since": since, "sources": sources}
        # Room to drop near-duplicate copies (and passages past the per-article cap) and still return k.
        depth = (4 if self.per_article else 2) * k
        dense, keyword = _retrievers(self.store, self.embedder, filters, depth=depth)
        if self.mode == "dense":
            nodes = dense.retrieve(question)
        elif self.mode == "bm25":
            nodes = keyword.retrieve(question)
        else:
            # num_queries=1: no LLM query rewriting, just reciprocal-rank fusion of the two lists.
            fusion = QueryFusionRetriever(
                [dense, keyword],
                llm=MockLLM(),
                mode=FUSION_MODES.RECIPROCAL_RANK,
                similarity_top_k=depth,
                num_queries=1,
                use_async=False,
            )
            nodes = fusion.retrieve(question)
        passages = []
        for rank, nws in enumerate(nodes, start=1):
            chunk = nws.node.metadata.get("chunk") or chunk_from_record(
                nws.node.node_id, nws.node.get_content(), {}
            )
            passages.append(Passage(chunk, float(nws.score or 0.0), rank))
        return one_per_story(passages, self.store, k, as_of=as_of, since=since, per_article=self.per_article)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def same_passage(a: str, b: str, min_containment: float = 0.6) -> bool:
    """Whether two chunks say the same thing: most words of the shorter one are in the other."""
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= min_containment


def one_per_story(
    passages: Sequence[Passage],
    store: ArticleStore,
    k: int,
    *,
    as_of: date | None = None,
    since: date | None = None,
    per_article: int = 0,
) -> list[Passage]:
    """The first k passages once copies of a passage already kept (same story group) are dropped.

    Each kept passage lists the other articles of its story as `also`, within the same dates. A passage
    of a copy that says something the kept one does not (an update, a longer version) is kept.
    per_article > 0 caps the passages taken from any one article.
    """
    grouped = store.duplicate_threshold > 0
    kept: list[Passage] = []
    for p in passages:
        g = p.chunk.group
        twin = grouped and any(
            q.chunk.group == g
            and q.chunk.article_id != p.chunk.article_id
            and same_passage(q.chunk.text, p.chunk.text)
            for q in kept
        )
        full = per_article > 0 and sum(q.chunk.article_id == p.chunk.article_id for q in kept) >= per_article
        if not twin and not full:
            kept.append(p)
        if len(kept) == k:
            break
    members = store.story_groups([p.chunk.group for p in kept if p.chunk.group]) if grouped else {}
    return [
        replace(
            p,
            rank=rank,
            also=tuple(
                m
                for m in members.get(p.chunk.group, [])
                if m.id != p.chunk.article_id and within_dates(m.published, as_of=as_of, since=since)
            ),
        )
        for rank, p in enumerate(kept, start=1)
    ]
