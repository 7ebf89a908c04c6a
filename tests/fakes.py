"""Fakes that are real implementations of the interfaces: an LLM, an embedder and a store, all in memory.

They make unit tests fast and deterministic (no ONNX export, no model load, no database); the tests of the
real components (Chroma on disk and as a server, the local LLM server, Chromium) use the real ones.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import date

import numpy as np

from index.embedding.base import Embedder, Tokens, word_tokens
from index.embedding.minilm import MiniLMBase
from index.models import ArticleInfo, Chunk, ChunkRef, StoredArticle
from index.store.base import Hit, Store, WriteItem
from index.store.filters import Filters
from index.store.stories import DuplicateGroups
from qa.llm.base import LLM, Message

_WORD = re.compile(r"[^\W_]+")


class FakeLLM(LLM):
    """Replies from a script, one reply per call (the last one repeats), streamed in small pieces."""

    name = "fake"

    def __init__(self, replies: Sequence[str] | str) -> None:
        self.replies = [replies] if isinstance(replies, str) else list(replies)
        self.calls: list[list[Message]] = []

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        self.calls.append(list(messages))
        reply = self.replies[min(len(self.calls) - 1, len(self.replies) - 1)]
        for i in range(0, len(reply), 7):  # stream in small pieces, as servers do
            yield reply[i : i + 7]


class FakeEmbedder(Embedder):
    """Hashed bag of words and word pairs: texts that share words are close, as with a real embedder."""

    name = "fake-hashed-words"
    dim = 256
    max_tokens = 254

    def __init__(self) -> None:
        self.calls = 0  # embed() calls, so tests can see what was (not) embedded again

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w[:6] for w in _WORD.findall(text.lower())]  # a crude stem: "russian" ~ "russia"
            for feature in [*words, *(f"{a} {b}" for a, b in itertools.pairwise(words))]:
                digest = hashlib.blake2b(feature.encode("utf-8"), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
            norm = float(np.linalg.norm(out[row]))
            out[row] = out[row] / norm if norm else out[row]
        return out

    def tokenize(self, text: str) -> Tokens:
        return word_tokens(text)


class FakeMiniLM(MiniLMBase):
    """MiniLM's real word-piece tokenizer and window, hashed-word vectors: chunking tests without a model."""

    name = "fake-minilm"

    def __init__(self) -> None:
        self._vectors = FakeEmbedder()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self._vectors.embed(texts)
        return np.pad(vecs, ((0, 0), (0, self.dim - vecs.shape[1])))


class MemoryStore(Store):
    """Chunks, vectors and a manifest in dictionaries; keyword search is BM25 over the chunk words."""

    def __init__(self, duplicate_threshold: float = 0.6) -> None:
        self._articles: dict[str, StoredArticle] = {}
        self._chunks: dict[str, list[Chunk]] = {}
        self._vectors: dict[str, np.ndarray] = {}
        self._groups = DuplicateGroups(duplicate_threshold) if duplicate_threshold > 0 else None

    @property
    def location(self) -> str:
        return "memory"

    def recover(self) -> list[str]:
        return []  # nothing is ever half-written in memory

    def stored_hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        return {a: self._articles[a].content_hash for a in article_ids if a in self._articles}

    def write(self, items: Sequence[WriteItem]) -> None:
        for article, chunks, vectors in items:
            group = (
                self._groups.assign(article.id, article.text)[0] if self._groups is not None else article.id
            )
            info = replace(article.info, group=group)
            self._articles[article.id] = StoredArticle(info, len(chunks), article.content_hash)
            self._chunks[article.id] = [replace(c, article=info) for c in chunks]
            for c, v in zip(chunks, vectors, strict=True):
                self._vectors[c.id] = np.asarray(v, dtype=np.float32)

    def delete_article(self, article_id: str) -> bool:
        for c in self._chunks.pop(article_id, []):
            self._vectors.pop(c.id, None)
        if self._groups is not None:
            self._groups.remove(article_id)
        return self._articles.pop(article_id, None) is not None

    def articles(self, limit: int | None = None) -> list[StoredArticle]:
        newest = sorted(
            self._articles.values(), key=lambda s: (s.info.published or date.min, s.info.title), reverse=True
        )
        return newest if limit is None else newest[:limit]

    def count_articles(self) -> int:
        return len(self._articles)

    def count_chunks(self) -> int:
        return sum(len(c) for c in self._chunks.values())

    def sources(self) -> list[str]:
        return sorted({s.info.source for s in self._articles.values() if s.info.source})

    def chunks(self, article_id: str | None = None) -> list[Chunk]:
        if article_id is not None:
            return list(self._chunks.get(article_id, []))
        return [c for chunks in self._chunks.values() for c in chunks]

    def search(self, vector: np.ndarray, k: int, filters: Filters = Filters()) -> list[Hit]:
        hits = [
            (self._ref(c), float(self._vectors[c.id] @ vector))
            for c in self.chunks()
            if filters.admits(c.article)
        ]
        return sorted(hits, key=lambda h: -h[1])[:k]

    def similarities(self, vector: np.ndarray, chunk_ids: Sequence[str]) -> dict[str, float]:
        return {cid: float(self._vectors[cid] @ vector) for cid in chunk_ids if cid in self._vectors}

    def article_search(self, query: str, k: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        bags = {
            aid: Counter(
                _WORD.findall(" ".join([self._articles[aid].info.title, *(c.text for c in chunks)]).lower())
            )
            for aid, chunks in self._chunks.items()
            if filters.admits(self._articles[aid].info)
        }
        terms = set(_WORD.findall(query.lower()))
        df = {t: sum(1 for b in bags.values() if t in b) for t in terms}
        scores = {
            aid: sum(bag[t] / (bag[t] + 1.2) * math.log(1 + len(bags) / df[t]) for t in terms if bag[t])
            for aid, bag in bags.items()
        }
        return sorted(((a, s) for a, s in scores.items() if s > 0), key=lambda h: -h[1])[:k]

    def article_chunks(self, article_ids: Sequence[str]) -> list[ChunkRef]:
        return [self._ref(c) for aid in dict.fromkeys(article_ids) for c in self._chunks.get(aid, [])]

    def term_coverage(self, query: str, chunk_ids: Sequence[str]) -> dict[str, float]:
        chunks = self.chunks()
        bags = {c.id: set(_WORD.findall(c.text.lower())) for c in chunks}
        terms = set(_WORD.findall(query.lower()))
        weights = {
            t: math.log(1 + len(chunks) / df) for t in terms if (df := sum(t in b for b in bags.values()))
        }
        total = sum(weights.values()) or 1.0
        return {
            cid: sum(w for t, w in weights.items() if t in bags[cid]) / total
            for cid in chunk_ids
            if cid in bags
        }

    def fetch(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        by_id = {c.id: c for c in self.chunks()}
        return [by_id[cid] for cid in chunk_ids if cid in by_id]

    def _ref(self, chunk: Chunk) -> ChunkRef:
        ordinal = self._chunks[chunk.article_id].index(chunk)
        info = chunk.article
        return ChunkRef(chunk.id, info.id, ordinal, info.published, info.source, info.story)

    def story_members(self, groups: Sequence[str]) -> dict[str, list[ArticleInfo]]:
        if self._groups is None:
            return {}
        out: dict[str, list[ArticleInfo]] = {}
        for stored in self._articles.values():
            if stored.info.story in groups:
                out.setdefault(stored.info.story, []).append(stored.info)
        for infos in out.values():
            infos.sort(key=lambda i: (i.published or date.max, i.source, i.id))
        return out
