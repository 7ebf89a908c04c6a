"""Retrieval: the article BM25 and chunk rows kept in step with the store, and the two-stage ranking."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import date

import pytest

from index.loading import load_paths
from index.models import Article, ChunkRef
from index.store.chroma import ChromaStore
from index.store.filters import Filters
from index.store.search_index import SearchIndex
from qa.pipeline import NewsQA
from qa.pipeline.retrieval import Candidate, Depths, RankWeights, Retriever, fuse_articles
from tests.conftest import FIXTURES, SEEDS, MakeQA


@pytest.fixture
def corpus_qa(make_qa: MakeQA) -> NewsQA:
    qa = make_qa(store="chroma")
    qa.ingest_articles(load_paths([FIXTURES / "synthetic", SEEDS]).articles, progress=False)
    return qa


def _store(qa: NewsQA) -> ChromaStore:
    assert isinstance(qa.store, ChromaStore)
    return qa.store


def test_search_index_follows_ingest_update_and_delete(corpus_qa: NewsQA) -> None:
    store = _store(corpus_qa)
    assert store.index.count_chunks() == store.count_chunks()
    assert store.article_search("Okafor library hours", 3)[0][0] == "syn-library-1"
    refs = store.article_chunks(["syn-library-1"])
    assert [r.ordinal for r in refs] == list(range(len(refs))) and refs[
        0
    ].source == "Riverton Daily (synthetic)"
    store.delete_article("syn-library-1")
    assert all(a != "syn-library-1" for a, _ in store.article_search("Okafor library", 5))
    assert store.article_chunks(["syn-library-1"]) == []
    assert store.index.count_chunks() == store.count_chunks()


def test_search_index_is_rebuilt_when_missing_or_out_of_step(corpus_qa: NewsQA) -> None:
    store = _store(corpus_qa)
    settings = corpus_qa.settings
    before = store.article_search("Harbor Bridge cost", 3)
    store.index.close()
    settings.index_path.unlink()
    again = ChromaStore.open(settings, store.embedder_name, store.dim)
    assert again.index.count_chunks() == again.count_chunks() > 0
    assert [a for a, _ in again.article_search("Harbor Bridge cost", 3)] == [a for a, _ in before]
    again.index.close()
    with sqlite3.connect(settings.index_path) as db:  # a file an older version, or a crash, left short
        db.execute("DELETE FROM chunk_rows WHERE article_id = 'syn-bridge-1'")
    third = ChromaStore.open(settings, store.embedder_name, store.dim)
    assert third.index.count_chunks() == third.count_chunks()
    assert third.article_chunks(["syn-bridge-1"])


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(a b)", "col:value*", "AND OR NOT", "-", "''"])
def test_query_text_is_never_fts_syntax(tmp_path, query: str) -> None:
    index = SearchIndex(tmp_path / "k.sqlite")
    assert isinstance(index.search_articles(query, 5), list)


def test_article_search_respects_the_filters(corpus_qa: NewsQA) -> None:
    store = _store(corpus_qa)
    ferry = next(s.info.id for s in store.articles() if s.info.title.startswith("Ferry service"))
    before = store.article_search("ferry Gull Island", 5, Filters(as_of=date(2024, 11, 1)))
    assert ferry not in {a for a, _ in before}  # the ferry story is from 20 November
    after = store.article_search("ferry Gull Island", 5, Filters(as_of=date(2024, 11, 30)))
    assert after[0][0] == ferry
    only = store.article_search("library museum bridge", 10, Filters(sources=("Riverton Daily (synthetic)",)))
    outlets = {s.info.id: s.info.source for s in store.articles()}
    assert only and {outlets[a] for a, _ in only} == {"Riverton Daily (synthetic)"}


def test_dense_search_filters_by_the_chunk_rows(corpus_qa: NewsQA) -> None:
    store = _store(corpus_qa)
    vector = corpus_qa.embedder.embed(["ferry to Gull Island suspended after storm"])[0]
    top, _ = store.search(vector, 1)[0]
    assert top.published == date(2024, 11, 20) and top.ordinal == 0
    early = store.search(vector, 10, Filters(as_of=date(2024, 10, 31)))
    assert early and all(r.published is None or r.published <= date(2024, 10, 31) for r, _ in early)
    assert [c.id for c in store.fetch([top.id, "no-such-chunk"])] == [top.id]


def test_exact_similarities_agree_with_the_search_scores(corpus_qa: NewsQA) -> None:
    store = _store(corpus_qa)
    vector = corpus_qa.embedder.embed(["museum reopens after renovation"])[0]
    hits = store.search(vector, 5)
    exact = store.similarities(vector, [ref.id for ref, _ in hits] + ["no-such-chunk"])
    assert set(exact) == {ref.id for ref, _ in hits}
    assert all(exact[ref.id] == pytest.approx(score, abs=1e-4) for ref, score in hits)


def test_chunks_beyond_the_dense_depth_get_their_own_cosine(corpus_qa: NewsQA) -> None:
    # Only 2 nearest chunks asked: every chunk of the top articles still gets its exact cosine, not the
    # 2nd nearest's as a stand-in (the stand-in moved with the index's approximate search between loads).
    question = "How much will the Harbor Bridge cost?"
    retriever = Retriever(corpus_qa.store, corpus_qa.embedder, depths=Depths(dense=2))
    pool = retriever.candidates(question)
    vector = corpus_qa.embedder.embed([question])[0]
    exact = _store(corpus_qa).similarities(vector, [c.ref.id for c in pool])
    assert len(pool) > 2 and len({round(c.dense, 4) for c in pool}) > 2
    assert all(c.dense == pytest.approx(exact[c.ref.id], abs=1e-4) for c in pool)


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_mode_finds_the_right_article(corpus_qa: NewsQA, mode: str) -> None:
    retriever = Retriever(corpus_qa.store, corpus_qa.embedder, mode)  # type: ignore[arg-type]
    passages = retriever.retrieve("How much will the Harbor Bridge cost?", 3)
    assert passages[0].chunk.article_id == "syn-bridge-1"
    assert [p.rank for p in passages] == list(range(1, len(passages) + 1))


def test_hybrid_keeps_no_duplicates_and_ranks_by_score(corpus_qa: NewsQA) -> None:
    passages = Retriever(corpus_qa.store, corpus_qa.embedder).retrieve(
        "Marlow family maps donated to the museum", 5
    )
    ids = [p.chunk.id for p in passages]
    assert len(ids) == len(set(ids))
    assert passages[0].chunk.article.title == "Museum reopens after renovation"
    assert [p.score for p in passages] == sorted((p.score for p in passages), reverse=True)


def test_articles_are_fused_by_reciprocal_rank() -> None:
    def ref(article: str) -> ChunkRef:
        return ChunkRef(f"{article}:0", article, 0, None, "", article)

    dense = [(ref("b"), 0.9), (ref("c"), 0.8), (ref("a"), 0.2)]
    # a: BM25 1st, dense 3rd; b: BM25 2nd, dense 1st (its best chunk); c: dense only.
    assert fuse_articles([("a", 9.0), ("b", 5.0)], dense, k=10) == ["b", "a", "c"]


def test_newer_reports_and_earlier_passages_rank_higher_all_else_equal() -> None:
    def candidate(age: int, ordinal: int) -> Candidate:
        return Candidate(ChunkRef(f"x:{ordinal}", "x", ordinal, None, "", "x"), 0.5, 0.5, age)

    w = RankWeights()
    assert candidate(2, 0).score(w) > candidate(60, 0).score(w) > candidate(60, 6).score(w)
    # Relevance still wins: a much closer passage of an old report beats a loose match of today's.
    close_but_old = Candidate(ChunkRef("o:0", "o", 0, None, "", "o"), 0.8, 1.0, 365)
    assert close_but_old.score(w) > Candidate(ChunkRef("n:0", "n", 0, None, "", "n"), 0.3, 0.2, 0).score(w)


def test_recency_counts_from_the_as_of_date(make_qa: MakeQA) -> None:
    qa = make_qa(duplicate_threshold=0.0)  # two outlets, same words: not grouped into one story here
    text = "The Verrin council approved the new tram line on Tuesday, the mayor said."
    old = Article("tram-old", text, "Tram line approved", source="Verrin Post", published=date(2024, 1, 10))
    new = replace(old, id="tram-new", source="Verrin Star", published=date(2024, 6, 10))
    qa.ingest_articles([old, new], progress=False)
    retriever = Retriever(qa.store, qa.embedder)
    in_june = retriever.retrieve(
        "Which tram line did the council approve?", 2, Filters(as_of=date(2024, 6, 12))
    )
    assert [p.chunk.article_id for p in in_june] == ["tram-new", "tram-old"]
    in_january = retriever.retrieve(
        "Which tram line did the council approve?", 2, Filters(as_of=date(2024, 1, 12))
    )
    assert [p.chunk.article_id for p in in_january] == ["tram-old"]  # the June report did not exist yet


# Synthetic reports: a period a question names against the dates the reports came out.
_PERIOD_REPORTS = [
    Article(
        "bee-listing",
        "Federal wildlife officials added the meadow sweat bee to the endangered species list on Monday. "
        "The Prairie Pollinator League first petitioned for the listing in 2013, after surveys found the bee "
        "in fewer than a dozen counties.",
        "Meadow sweat bee listed as endangered",
        published=date(2024, 11, 5),
    ),
    Article(
        "bee-fair",
        "The county beekeepers' fair drew 3,000 visitors to Hollow Creek on Saturday, and honey judges gave "
        "the top ribbon to a clover blend.",
        "Beekeepers' fair draws record crowd",
        published=date(2013, 7, 19),
    ),
    Article(
        "home-prices",
        "The median home price in Kent Vale rose to 412,000 dollars in October, the realtors' board said on "
        "Thursday, up six percent from a year earlier.",
        "Kent Vale home prices climb",
        published=date(2024, 11, 14),
    ),
    Article(
        "vale-library",
        "The Kent Vale library reopened its reading room in October after a year of repairs to the roof.",
        "Kent Vale library reopens",
        published=date(2024, 10, 20),
    ),
]


@pytest.mark.parametrize(
    ("question", "as_of", "expected", "since"),
    [
        # an event of 2013 told in 2024: the period bounds when reports came out from below only
        ("Who first petitioned for the bee's listing in 2013?", "2024-11-08", "bee-listing", "2013-01-01"),
        # a month's figures come out in the next one
        ("What was Kent Vale's median price in October 2024?", "2024-11-20", "home-prices", "2024-10-01"),
    ],
)
def test_a_named_period_keeps_the_reports_that_came_after_it(
    make_qa: MakeQA, question: str, as_of: str, expected: str, since: str
) -> None:
    qa = make_qa(store="chroma", embedder="real")
    qa.ingest_articles(_PERIOD_REPORTS, progress=False)
    passages, notes = qa.retrieve(question, 2, Filters(as_of=date.fromisoformat(as_of)))
    assert passages[0].chunk.article_id == expected
    assert len(notes) == 1 and notes[0].startswith(f"Searched articles published {since} to {as_of} (from")
