"""Keyword (BM25) index kept in step with the store, and dense / BM25 / hybrid retrieval."""

from __future__ import annotations

from datetime import date

import pytest

from index.loading import load_paths
from index.store.chroma import ChromaStore
from index.store.filters import Filters
from index.store.keyword import KeywordIndex
from qa.pipeline.retrieval import Retriever
from tests.conftest import FIXTURES, SEEDS


@pytest.fixture
def corpus_qa(make_qa):
    qa = make_qa(store="chroma")
    qa.ingest_articles(load_paths([FIXTURES / "synthetic", SEEDS]).articles, progress=False)
    return qa


def test_keyword_index_follows_ingest_update_and_delete(corpus_qa) -> None:
    store = corpus_qa.store
    assert store.keyword is not None and store.keyword.count() == store.count_chunks()
    hits = store.keyword_search("Okafor library hours", 3)
    assert hits and hits[0][0].article_id == "syn-library-1"
    store.delete_article("syn-library-1")
    assert all(c.article_id != "syn-library-1" for c, _ in store.keyword_search("Okafor library", 5))
    assert store.keyword.count() == store.count_chunks()


def test_keyword_index_is_rebuilt_when_missing(corpus_qa) -> None:
    store = corpus_qa.store
    path = store.keyword.path
    store.keyword.close()
    path.unlink()
    again = ChromaStore.open(corpus_qa.settings, store.embedder_name, store.dim)
    assert again.keyword is not None and again.keyword.count() == again.count_chunks() > 0


def test_keyword_index_from_before_the_row_map_is_rebuilt(corpus_qa) -> None:
    """An index written without the article row map (older versions) starts over and is refilled."""
    import sqlite3

    store = corpus_qa.store
    path = store.keyword.path
    store.keyword.close()
    db = sqlite3.connect(str(path))
    with db:
        db.execute("DROP TABLE chunk_articles")
    db.close()
    again = ChromaStore.open(corpus_qa.settings, store.embedder_name, store.dim)
    assert again.keyword is not None and again.keyword.count() == again.count_chunks() > 0
    again.delete_article("syn-library-1")
    assert all(c.article_id != "syn-library-1" for c, _ in again.keyword_search("Okafor library", 5))
    assert again.keyword.count() == again.count_chunks()


@pytest.mark.parametrize("query", ['"unbalanced', "NEAR(a b)", "col:value*", "AND OR NOT", "-", "''"])
def test_query_text_is_never_fts_syntax(tmp_path, query: str) -> None:
    index = KeywordIndex(tmp_path / "k.sqlite")
    assert isinstance(index.search(query, 5), list)


def test_keyword_query_respects_date_filter(corpus_qa) -> None:
    hits = corpus_qa.store.keyword_search("ferry Gull Island", 5, Filters(as_of=date(2024, 11, 1)))
    assert all(c.article.published is None or c.article.published <= date(2024, 11, 1) for c, _ in hits)
    assert all("Gull Island" not in c.text for c, _ in hits)


@pytest.mark.parametrize("mode", ["dense", "bm25", "hybrid"])
def test_each_mode_finds_the_right_article(corpus_qa, mode: str) -> None:
    retriever = Retriever(corpus_qa.store, corpus_qa.embedder, mode)  # type: ignore[arg-type]
    passages = retriever.retrieve("How much will the Harbor Bridge cost?", 3)
    assert passages[0].chunk.article_id == "syn-bridge-1"
    assert [p.rank for p in passages] == list(range(1, len(passages) + 1))


def test_hybrid_keeps_both_lists_and_no_duplicates(corpus_qa) -> None:
    retriever = Retriever(corpus_qa.store, corpus_qa.embedder, "hybrid")
    passages = retriever.retrieve("Marlow family maps donated to the museum", 5)
    ids = [p.chunk.id for p in passages]
    assert len(ids) == len(set(ids))
    assert passages[0].chunk.article.title == "Museum reopens after renovation"
    assert passages[0].score >= passages[-1].score
