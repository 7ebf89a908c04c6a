"""Chunks are sentence-aligned, fit the embedder's window, and point back into the article exactly."""

from __future__ import annotations

from index.chunking import chunk_article, sentence_spans
from index.embedding import count_word_pieces
from index.loading import load_file
from tests.conftest import SEED_FILE


def test_chunks_fit_the_window_and_offsets_are_exact() -> None:
    (article,) = load_file(SEED_FILE).articles
    chunks = chunk_article(article, chunk_size=120, chunk_overlap=20)
    assert len(chunks) > 5
    for c in chunks:
        assert article.text[c.start : c.end] == c.text
        assert count_word_pieces(c.text) <= 120
        assert c.published == article.published and c.article_id == article.id
    # Every sentence of the article lies inside some chunk: nothing is dropped.
    for a, b in sentence_spans(article.text):
        assert any(c.start <= a and b <= c.end for c in chunks), article.text[a:b]


def test_chunks_end_on_sentence_boundaries() -> None:
    (article,) = load_file(SEED_FILE).articles
    ends = {b for _, b in sentence_spans(article.text)}
    chunks = chunk_article(article, chunk_size=200, chunk_overlap=40)
    assert sum(c.end in ends for c in chunks) >= len(chunks) - 1


def test_chunk_ids_are_deterministic() -> None:
    (article,) = load_file(SEED_FILE).articles
    assert [c.id for c in chunk_article(article)] == [c.id for c in chunk_article(article)]
