"""The corpus of benchmarks/ingest_retrieval.py: articles, questions, word pieces, what the model read."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

from ingest_retrieval_configs import ARTICLES, QUESTIONS, WINDOW


def load_articles(limit: int | None) -> list[Any]:
    """The benchmark articles (first `limit` of them), loaded as NewsQA loads any JSONL file."""
    from index.loading import load_paths

    loaded = load_paths([ARTICLES])
    if loaded.errors:
        print(f"warning: {len(loaded.errors)} article records failed to load", file=sys.stderr)
    return loaded.articles[:limit] if limit else loaded.articles


def load_question_set(n: int | None) -> list[Any]:
    """The first n dev questions."""
    from qa.eval.dataset import load_questions

    questions = load_questions(QUESTIONS)
    return questions[:n] if n else questions


def word_pieces(texts: Sequence[str]) -> list[Any]:
    """The MiniLM tokenizer's encodings (no [CLS]/[SEP], no truncation), with character offsets."""
    from index.embedding.minilm import tokenizer

    return list(tokenizer().encode_batch(list(texts), add_special_tokens=False))


def non_space(text: str) -> int:
    """Characters of text that are not whitespace."""
    return len("".join(text.split()))


def embedding_coverage(articles: Sequence[Any], chunks: Iterable[tuple[str, int, str]]) -> dict[str, Any]:
    """What the model actually read of the corpus, from (article_id, start offset, text) chunks.

    Per chunk only the first WINDOW-2 word pieces are embedded; coverage is the share of the corpus's
    non-space characters inside the embedded part of at least one chunk.
    """
    chunk_list = list(chunks)
    limit = WINDOW - 2
    spans: dict[str, list[tuple[int, int]]] = {}
    sizes: list[int] = []
    for i in range(0, len(chunk_list), 2000):  # in slices: 50k encodings with offsets take gigabytes
        batch = chunk_list[i : i + 2000]
        for (article_id, start, text), enc in zip(batch, word_pieces([t for _, _, t in batch]), strict=True):
            n = len(enc.ids)
            sizes.append(n)
            end = start + (enc.offsets[limit - 1][1] if n > limit else len(text))
            spans.setdefault(article_id, []).append((start, end))
    covered = 0
    missed: dict[str, int] = {}
    for article in articles:
        text = article.text
        parts = sorted(spans.get(article.id, []))
        cur_start, cur_end, got = 0, 0, 0
        for s, e in [*parts, (len(text) + 1, len(text) + 1)]:
            if s > cur_end:
                got += non_space(text[cur_start:cur_end])
                cur_start, cur_end = s, e
            else:
                cur_end = max(cur_end, e)
        covered += got
        if got < non_space(text):
            missed[article.id] = non_space(text) - got
    total_chars = sum(non_space(a.text) for a in articles)
    return {
        "chunks": len(sizes),
        "chunk_wp": sum(sizes),
        "embedded_wp": sum(min(n, limit) for n in sizes),
        "truncated_chunks": sum(1 for n in sizes if n > limit),
        "max_chunk_wp": max(sizes, default=0),
        "mean_chunk_wp": round(sum(sizes) / len(sizes), 1) if sizes else 0.0,
        "covered_chars": covered,
        "corpus_chars": total_chars,
        "coverage": covered / total_chars if total_chars else 0.0,
        "articles_with_missed_text": len(missed),
        "missed_examples": dict(sorted(missed.items(), key=lambda kv: -kv[1])[:10]),
    }


def corpus_stats(limit: int | None) -> dict[str, Any]:
    """Articles, characters and MiniLM word pieces of the benchmark corpus."""
    articles = load_articles(limit)
    texts = [a.text for a in articles]
    return {
        "articles": len(articles),
        "mb": round(sum(len(t.encode("utf-8")) for t in texts) / 1e6, 1),
        "word_pieces": sum(len(e.ids) for e in word_pieces(texts)),
        "non_space_chars": sum(non_space(t) for t in texts),
    }
