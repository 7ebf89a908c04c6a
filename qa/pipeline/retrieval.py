"""Find the passages a question needs: dense, BM25, or both fused by reciprocal rank (llama-index)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal

from index.embedding.base import Embedder
from index.models import Chunk
from index.store.base import Hit, Store
from index.store.filters import Filters
from qa.models import Passage

Mode = Literal["dense", "bm25", "hybrid"]


def _retrievers(store: Store, embedder: Embedder, filters: Filters, depth: int) -> tuple[Any, Any]:
    """llama-index retrievers over the store: one by vectors, one by BM25 (same date/outlet filters)."""
    from llama_index.core.retrievers import BaseRetriever
    from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

    def to_nodes(hits: list[Hit]) -> list[NodeWithScore]:
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
            return to_nodes(store.search(vector, depth, filters))

    class Keyword(BaseRetriever):
        def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
            return to_nodes(store.keyword_search(query_bundle.query_str, depth, filters))

    return Dense(), Keyword()


class Retriever:
    """Passages for a question from the store, by the configured mode."""

    def __init__(self, store: Store, embedder: Embedder, mode: Mode = "hybrid", per_article: int = 0) -> None:
        self.store = store
        self.embedder = embedder
        self.mode = mode
        self.per_article = per_article

    def retrieve(self, question: str, k: int, filters: Filters = Filters()) -> list[Passage]:
        """The k best passages that pass the filters, one per story."""
        from llama_index.core.llms import MockLLM
        from llama_index.core.retrievers import QueryFusionRetriever
        from llama_index.core.retrievers.fusion_retriever import FUSION_MODES

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
            chunk: Chunk = nws.node.metadata["chunk"]
            passages.append(Passage(chunk, float(nws.score or 0.0), rank))
        return one_per_story(passages, self.store, k, filters=filters, per_article=self.per_article)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def same_passage(a: str, b: str, min_containment: float = 0.6) -> bool:
    """Whether two chunks say the same thing: most words of the shorter one are in the other."""
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / min(len(wa), len(wb)) >= min_containment


def one_per_story(
    passages: Sequence[Passage], store: Store, k: int, *, filters: Filters = Filters(), per_article: int = 0
) -> list[Passage]:
    """The first k passages once copies of a passage already kept (same story group) are dropped.

    Each kept passage lists the other articles of its story as `also`, within the same dates. A passage
    of a copy that says something the kept one does not (an update, a longer version) is kept.
    per_article > 0 caps the passages taken from any one article.
    """
    kept: list[Passage] = []
    for p in passages:
        story, article = p.chunk.article.story, p.chunk.article_id
        twin = any(
            q.chunk.article.story == story
            and q.chunk.article_id != article
            and same_passage(q.chunk.text, p.chunk.text)
            for q in kept
        )
        full = per_article > 0 and sum(q.chunk.article_id == article for q in kept) >= per_article
        if not twin and not full:
            kept.append(p)
        if len(kept) == k:
            break
    members = store.story_members([p.chunk.article.story for p in kept])
    return [
        replace(
            p,
            rank=rank,
            also=tuple(
                m
                for m in members.get(p.chunk.article.story, [])
                if m.id != p.chunk.article_id and filters.in_window(m.published)
            ),
        )
        for rank, p in enumerate(kept, start=1)
    ]
