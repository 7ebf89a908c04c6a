"""Sentence-aware chunks sized in the embedder's own tokens, with offsets back into the article."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sized
from functools import cache
from typing import TYPE_CHECKING

from index.embedding.base import Embedder
from index.models import Article, Chunk

if TYPE_CHECKING:
    from llama_index.core.node_parser import SentenceSplitter


def _splitter(chunk_size: int, chunk_overlap: int, text: str, embedder: Embedder) -> SentenceSplitter:
    from llama_index.core.node_parser import SentenceSplitter

    # Sizing chunks with the embedder's own tokenizer is what guarantees no chunk is cut at 256 pieces.
    return SentenceSplitter(
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        tokenizer=piece_counter(text, embedder),
        include_metadata=False,
        include_prev_next_rel=False,
    )


def piece_counter(text: str, embedder: Embedder) -> Callable[[str], Sized]:
    """The splitter's tokenizer for pieces of `text`, answered from one tokenizer pass over all of it.

    The splitter asks for the size of the text, then of each paragraph and sentence: one tokenizer call each
    was a third of all chunking time. Word-piece tokenizers never join across spaces or punctuation, so a
    piece cut there (as the splitter cuts) has exactly the article's pieces that start inside it.
    """
    tokens = embedder.tokenize(text)
    starts, ends = tokens.starts, tokens.ends
    words = tokens.words  # pre-tokenizer word of each piece
    hint = 0

    def pieces(piece: str) -> Sized:
        nonlocal hint
        # The splitter walks the text in order, so the next piece is at or after the last one found.
        at = text.find(piece, hint)
        if at < 0:
            at = text.find(piece)
        core = piece.strip()
        if not core:
            return ()
        if at >= 0:
            hint = at
            first = at + piece.index(core)
            last = first + len(core)
            i, j = bisect_left(starts, first), bisect_left(starts, last)
            # Cut where words begin and end: a piece cut inside a word (the splitter's last resort) may
            # tokenize differently from the article, so it is counted the slow way.
            if (
                i < j
                and starts[i] == first
                and ends[j - 1] == last
                and (i == 0 or words[i] != words[i - 1])
                and (j == len(words) or words[j] != words[j - 1])
            ):
                return range(j - i)
        return range(embedder.count_tokens(piece))

    return pieces


def chunk_article(
    article: Article, embedder: Embedder, chunk_size: int = 200, chunk_overlap: int = 0
) -> list[Chunk]:
    """Split an article into sentence-aligned chunks of at most chunk_size of the embedder's tokens.

    chunk.text == article.text[chunk.start:chunk.end], so every quote can point back into the article.
    """
    from llama_index.core import Document

    if chunk_size > embedder.max_tokens:
        raise ValueError(
            f"NEWSQA_CHUNK_SIZE {chunk_size} is more than the embedder {embedder.name} reads of one text "
            f"({embedder.max_tokens} tokens): such chunks would be cut off unseen. Use at most "
            f"{embedder.max_tokens}."
        )
    info = article.info
    nodes = _splitter(chunk_size, chunk_overlap, article.text, embedder).get_nodes_from_documents(
        [Document(text=article.text)]
    )
    chunks: list[Chunk] = []
    cursor = 0
    last_start = -1
    for node in nodes:
        piece = node.get_content()
        given = getattr(node, "start_char_idx", None)
        start: int = given if isinstance(given, int) else -1
        # The splitter places a piece where its text first occurs, so a passage an article repeats would
        # point back at its first copy. Chunks come in order: each starts and ends after the one before.
        placed = (
            start > last_start
            and start + len(piece) > cursor
            and article.text[start : start + len(piece)] == piece
        )
        if not placed:
            # Not placed (whitespace the splitter normalised, or a repeated passage): find it ourselves.
            found = article.text.find(piece, max(last_start + 1, cursor - len(piece) + 1))
            if found < 0:
                found = article.text.find(piece)
            if found < 0:
                continue  # cannot be quoted exactly; its text lives in the neighbouring chunks' overlap
            start = found
        end = start + len(piece)
        cursor, last_start = end, start
        chunks.append(Chunk(chunk_id(article.id, len(chunks)), info, piece, start, end))
    return chunks


def chunk_id(article_id: str, ordinal: int) -> str:
    """The id of an article's chunk number `ordinal` (0 for its first)."""
    return f"{article_id}:{ordinal}"


def previous_chunk_id(of: str) -> str | None:
    """The id of the chunk before chunk `of` in its article; None for an article's first chunk."""
    article, _, ordinal = of.rpartition(":")
    return chunk_id(article, int(ordinal) - 1) if ordinal.isdigit() and int(ordinal) > 0 else None


@cache
def _punkt():
    # llama-index ships NLTK's punkt data; its helper puts that folder on NLTK's path, so this works offline.
    from llama_index.core.utils import globals_helper
    from nltk.tokenize import PunktTokenizer

    globals_helper.wait_for_nltk_check()
    return PunktTokenizer()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences of `text`, also split at line breaks (headlines, list items)."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for line in text.split("\n"):
        if line.strip():
            for a, b in _punkt().span_tokenize(line):
                spans.append((offset + a, offset + b))
        offset += len(line) + 1
    return spans
