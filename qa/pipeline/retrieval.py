"""Find the passages a question needs: articles first, then their passages, ranked by a fitted linear score.

First stage: the chunks nearest the question by embedding (dense) and the articles best matching it by BM25
over title and text (a news question is about one story). The articles are fused by reciprocal rank of
their BM25 and of their best chunk. Second stage: the nearest chunks plus every chunk of the top articles are
scored by `RankWeights`, a logistic regression over five features fitted on the RealTime QA dev questions
with cross-validation (benchmarks/fit_ranker.py; README, "Retrieval"). Hand-written rather than
llama-index's QueryFusionRetriever: the second stage is a fitted score over features no library computes,
and the first stage's fusion is one line of reciprocal ranks over article ids, not over nodes.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from index.embedding.base import Embedder
from index.models import ChunkRef
from index.store.base import Hit, Store
from index.store.filters import Filters
from qa.models import Passage

Mode = Literal["dense", "bm25", "hybrid"]

ARTICLE_RRF_K = 10  # reciprocal-rank constant of the article fusion (60 was worse on the dev questions)
UNDATED_AGE_DAYS = 365  # an article without a date counts as a year old


@dataclass(frozen=True)
class Depths:
    """How deep each stage looks (deeper pools did not rank better: docs/ablation.md)."""

    dense: int = 200  # nearest chunks asked of the vector index
    articles: int = 200  # articles asked of BM25
    dense_pool: int = 100  # nearest chunks that go to the second stage
    pool_articles: int = 10  # fused top articles whose every chunk goes to the second stage


@dataclass(frozen=True)
class RankWeights:
    """The second stage's linear score (raw feature units), from benchmarks/fit_ranker.py."""

    intercept: float = -5.0800
    dense: float = 3.9018  # cosine of the question and the chunk
    article_bm25: float = 2.3450  # BM25 of the chunk's article over that of the best article
    log_age: float = -0.2399  # ln(1 + days from publication to the as-of date): news questions ask of now
    log_position: float = -0.3382  # ln(1 + the chunk's position in its article): news leads with the story
    coverage: float = 1.0251  # share of the question's terms (rarer ones weigh more) the chunk holds, 0 to 1


@dataclass(frozen=True)
class Candidate:
    """A chunk in the second stage, with its features (coverage is read only for the head of the ranking)."""

    ref: ChunkRef
    dense: float
    article_bm25: float  # relative to the best article's
    age_days: int
    coverage: float = 0.0

    def partial(self, w: RankWeights) -> float:
        """The score without the term coverage."""
        return (
            w.intercept
            + w.dense * self.dense
            + w.article_bm25 * self.article_bm25
            + w.log_age * math.log1p(self.age_days)
            + w.log_position * math.log1p(self.ref.ordinal)
        )

    def score(self, w: RankWeights) -> float:
        """The linear score the chunk is ranked by."""
        return self.partial(w) + w.coverage * self.coverage


def fuse_articles(
    bm25: Sequence[tuple[str, float]], dense: Sequence[Hit], k: int = ARTICLE_RRF_K
) -> list[str]:
    """Article ids by reciprocal-rank fusion of their BM25 rank and the rank of their best dense chunk."""
    best: dict[str, float] = {}
    for ref, score in dense:
        best[ref.article_id] = max(best.get(ref.article_id, -1.0), score)
    fused: dict[str, float] = {}
    for ranked in ([a for a, _ in bm25], sorted(best, key=lambda a: -best[a])):
        for rank, aid in enumerate(ranked, start=1):
            fused[aid] = fused.get(aid, 0.0) + 1.0 / (k + rank)
    return sorted(fused, key=lambda a: -fused[a])


class Retriever:
    """Passages for a question from the store: `mode` leaves out the BM25 or the dense side, for ablations."""

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        mode: Mode = "hybrid",
        per_article: int = 0,
        weights: RankWeights = RankWeights(),
        depths: Depths = Depths(),
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.mode = mode
        self.per_article = per_article
        self.weights = weights
        self.depths = depths

    def candidates(self, question: str, filters: Filters = Filters()) -> list[Candidate]:
        """The second stage's pool with its features, in no particular order."""
        vector = None if self.mode == "bm25" else self.embedder.embed([question])[0]
        d = self.depths
        dense = [] if vector is None else self.store.search(vector, d.dense, filters)
        bm25 = [] if self.mode == "dense" else self.store.article_search(question, d.articles, filters)
        pool = {ref.id: ref for ref, _ in dense[: d.dense_pool]}
        if bm25:
            top = fuse_articles(bm25, dense)[: d.pool_articles]
            pool.update((ref.id, ref) for ref in self.store.article_chunks(top))
        cosine = {ref.id: score for ref, score in dense}
        if vector is not None:  # the chunks of the top articles beyond the nearest ones: their exact cosine
            cosine.update(self.store.similarities(vector, [cid for cid in pool if cid not in cosine]))
        floor = dense[-1][1] if dense else 0.0
        best = bm25[0][1] if bm25 and bm25[0][1] > 0 else 1.0
        article = dict(bm25)
        today = filters.as_of or date.today()
        return [
            Candidate(
                ref,
                cosine.get(cid, floor) if self.mode != "bm25" else 0.0,
                article.get(ref.article_id, 0.0) / best,
                max(0, (today - ref.published).days) if ref.published else UNDATED_AGE_DAYS,
            )
            for cid, ref in pool.items()
        ]

    def ranked(self, question: str, n: int, filters: Filters = Filters()) -> list[tuple[ChunkRef, float]]:
        """The n best candidate chunks with their scores, best first.

        Term coverage needs each chunk's text, so it is read in order of the score without it, only until no
        later candidate could still reach the n best (coverage adds at most `weights.coverage`).
        """
        w = self.weights
        pending = sorted(self.candidates(question, filters), key=lambda c: (-c.partial(w), c.ref.id))
        done: list[tuple[ChunkRef, float]] = []
        while pending:
            if len(done) >= n and pending[0].partial(w) + max(w.coverage, 0.0) <= done[n - 1][1]:
                break
            batch, pending = pending[: max(n, 32)], pending[max(n, 32) :]
            cover = self.store.term_coverage(question, [c.ref.id for c in batch]) if w.coverage else {}
            done.extend((c.ref, replace(c, coverage=cover.get(c.ref.id, 0.0)).score(w)) for c in batch)
            done.sort(key=lambda rs: (-rs[1], rs[0].id))
        return done[:n]

    def retrieve(self, question: str, k: int, filters: Filters = Filters()) -> list[Passage]:
        """The k best passages that pass the filters, one per story."""
        # Room to drop near-duplicate copies (and passages past the per-article cap) and still return k.
        head = self.ranked(question, (4 if self.per_article else 2) * k, filters)
        score = {ref.id: s for ref, s in head}
        chunks = self.store.fetch([ref.id for ref, _ in head])
        passages = [Passage(c, score[c.id], rank) for rank, c in enumerate(chunks, start=1)]
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
    per_article > 0 caps the passages taken from any one article while others are there to take; when the
    passages run out first (an archive of one article), the capped ones fill the rest in their order.
    """
    kept: list[Passage] = []
    spill: list[Passage] = []
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
        elif not twin:
            spill.append(p)
        if len(kept) == k:
            break
    if len(kept) < k:  # the order of the ranking, not of the two lists
        order = {id(p): i for i, p in enumerate(passages)}
        kept = sorted(kept + spill[: k - len(kept)], key=lambda p: order[id(p)])
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
