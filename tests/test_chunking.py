"""Chunks are sentence-aligned, fit the embedder's window, and point back into the article exactly."""

from __future__ import annotations

import pytest

from index.chunking import chunk_article, piece_counter, sentence_spans
from index.loading import load_file
from index.models import Article
from tests.conftest import SEED_FILE
from tests.fakes import FakeMiniLM

MINILM = FakeMiniLM()  # MiniLM's own tokenizer: chunks are sized in its word pieces


def count_word_pieces(text: str) -> int:
    return MINILM.count_tokens(text)


def test_chunks_fit_the_window_and_offsets_are_exact() -> None:
    (article,) = load_file(SEED_FILE).articles
    chunks = chunk_article(article, MINILM, chunk_size=120, chunk_overlap=20)
    assert len(chunks) > 5
    for c in chunks:
        assert article.text[c.start : c.end] == c.text
        assert count_word_pieces(c.text) <= 120
        assert c.article == article.info and c.article_id == article.id
    # Every sentence of the article lies inside some chunk: nothing is dropped.
    for a, b in sentence_spans(article.text):
        assert any(c.start <= a and b <= c.end for c in chunks), article.text[a:b]


def test_chunks_end_on_sentence_boundaries() -> None:
    (article,) = load_file(SEED_FILE).articles
    ends = {b for _, b in sentence_spans(article.text)}
    chunks = chunk_article(article, MINILM, chunk_size=200, chunk_overlap=40)
    assert sum(c.end in ends for c in chunks) >= len(chunks) - 1


def test_chunk_ids_are_deterministic() -> None:
    (article,) = load_file(SEED_FILE).articles
    assert [c.id for c in chunk_article(article, MINILM)] == [c.id for c in chunk_article(article, MINILM)]


def test_a_repeated_passage_gets_its_own_offsets() -> None:
    """The splitter places text where it first occurs; a passage the article repeats must still be covered."""
    # As in a real RealTime QA article: "DoorDash: <offer>" then the same offer again as its own paragraph.
    para = "From July 4 to 9, subscribers get unlimited free delivery and lower fees on eligible orders."
    text = f"DoorDash: {para}\n\n{para}\n\nDunkin: members get a medium drink for three dollars every day."
    article = Article(id="rep", text=text)
    chunks = chunk_article(article, MINILM, chunk_size=24, chunk_overlap=0)
    covered = bytearray(len(text))
    for c in chunks:
        assert text[c.start : c.end] == c.text
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    assert all(covered[i] or ch.isspace() for i, ch in enumerate(text))
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)


def test_a_word_longer_than_a_chunk_is_still_sized_by_the_real_tokenizer() -> None:
    """The splitter's last resort cuts inside a word; such pieces are counted by tokenizing them."""
    # One 'word' of 91 word pieces (WordPiece reads a word of up to 100 characters; a longer one is [UNK]).
    ticker = "".join(f"Zq{i}xv" for i in range(30))[:99]
    assert count_word_pieces(ticker) > 64
    text = f"Markets opened early.\n\nThe feed printed {ticker} {ticker} before it crashed. Traders waited."
    article = Article(id="long-word", text=text)
    chunks = chunk_article(article, MINILM, chunk_size=32, chunk_overlap=0)
    assert len(chunks) > 5
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert count_word_pieces(c.text) <= 32


def test_piece_counts_from_one_pass_equal_the_tokenizer_s() -> None:
    (article,) = load_file(SEED_FILE).articles
    count = piece_counter(article.text, MINILM)
    for a, b in sentence_spans(article.text):
        piece = article.text[a:b]
        assert len(count(piece)) == count_word_pieces(piece), piece
    assert len(count(article.text)) == count_word_pieces(article.text)


def test_a_chunk_larger_than_the_window_is_refused() -> None:
    (article,) = load_file(SEED_FILE).articles
    with pytest.raises(ValueError, match=r"NEWSQA_CHUNK_SIZE 300 .* \(254 tokens\)"):
        chunk_article(article, MINILM, chunk_size=300)
