"""How benchmarks/scale.py grows the archive: distinct copies of the real articles, real or synthetic.

Copy 0 is the corpus itself. Copy c >= 1 of an article has the id `<id>~c<c>`, the URL `<url>#copy-<c>` and
the same outlet and date. Its text has adjacent words swapped at every fourth position (starting at word
c mod 4): the same bag of words for BM25 and nearly the same text for the embedder, but every 5-word shingle
changed, so MinHash puts the copy in a story of its own instead of the original's (a story group holding
every copy would make story reads grow with the number of copies, which no real archive does).

Synthetic copies (past 4x, where real ingest takes hours on 2 cores) are written straight into the store:
the real chunks' texts and positions, their real embeddings plus a little noise (no two vectors identical,
which an HNSW graph handles unlike real data), a BM25 row per article and chunk, and a manifest entry whose
MinHash signature is the original's scrambled (a story of its own). The store is then the size, in vectors,
documents, metadata, rows and entries, that ingesting those articles would have made it.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

_SPLIT = re.compile(r"(\s+)")
_NOISE = 0.05  # per-dimension noise scale on a unit vector: cosine to the original about 0.7 ... 0.99


def copy_id(article_id: str, c: int) -> str:
    """The id of copy c of an article (copy 0 is the article itself)."""
    return article_id if c == 0 else f"{article_id}~c{c}"


def swapped(text: str, c: int) -> str:
    """The text with adjacent words swapped at every fourth word from c mod 4; spacing kept as it was."""
    parts = _SPLIT.split(text)  # words at even indexes, the whitespace between them at odd ones
    words = parts[0::2]
    for i in range(c % 4, len(words) - 1, 4):
        words[i], words[i + 1] = words[i + 1], words[i]
    parts[0::2] = words
    return "".join(parts)


def copy_article(article: Any, c: int) -> Any:
    """Copy c of an article, for a real ingest."""
    if c == 0:
        return article
    url = f"{article.url}#copy-{c}" if article.url else ""
    return replace(article, id=copy_id(article.id, c), url=url, text=swapped(article.text, c))


def real_copies(articles: Sequence[Any], start: int, stop: int) -> list[Any]:
    """Copies start .. stop-1 of every article, copy by copy."""
    return [copy_article(a, c) for c in range(start, stop) for a in articles]


def _originals(store: Any, articles: Sequence[Any], page: int = 500) -> tuple[list[Any], np.ndarray]:
    """Every chunk of copy 0 (the real corpus) with its stored embedding, read by id (not the whole store)."""
    from index.store.codec import chunk_from_record

    ids = [
        f"{s.info.id}:{n}" for s in store.manifest.by_ids([a.id for a in articles]) for n in range(s.chunks)
    ]
    chunks, vectors = [], []
    for i in range(0, len(ids), page):
        got = store._chunks.get(ids=ids[i : i + page], include=["documents", "metadatas", "embeddings"])
        for cid, doc, meta, vec in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        ):
            chunks.append(chunk_from_record(cid, doc, meta))
            vectors.append(vec)
    order = sorted(range(len(chunks)), key=lambda i: (chunks[i].article_id, chunks[i].start))  # by position
    return [chunks[i] for i in order], np.asarray([vectors[i] for i in order], dtype=np.float32)


def insert_synthetic(
    store: Any, articles: Sequence[Any], start: int, stop: int, skip: set[str], batch: int = 5000
) -> dict[str, Any]:
    """Write copies start .. stop-1 of each stored original (not `skip`) into Chroma, BM25, the manifest."""
    from index.store.codec import chunk_metadata, manifest_metadata
    from index.store.stories import decode, encode, signature

    t = time.perf_counter()
    chunks, vectors = _originals(store, articles)
    by_article: dict[str, list[int]] = {}
    for i, chunk in enumerate(chunks):
        by_article.setdefault(chunk.article_id, []).append(i)
    stored = [a for a in articles if a.id in by_article]
    sigs = {a.id: signature(a.text) for a in stored}
    rng = np.random.default_rng(start)
    read_s = time.perf_counter() - t
    timings = {"read originals s": read_s, "chroma add s": 0.0, "bm25 rows s": 0.0, "manifest s": 0.0}
    written = 0
    for c in range(start, stop):
        todo = [a for a in stored if copy_id(a.id, c) not in skip]
        for part in _batches(todo, by_article, batch):
            rows, ids, embs, docs, metas, entries = [], [], [], [], [], []
            for article in part:
                copy = replace(article, id=copy_id(article.id, c), url=f"{article.url}#copy-{c}")
                info = replace(copy.info, group=copy.id)
                mine = [
                    replace(chunks[i], id=f"{chunks[i].id}~c{c}", article=info)
                    for i in by_article[article.id]
                ]
                rows.append((info, mine))
                ids += [m.id for m in mine]
                embs.append(vectors[by_article[article.id]])
                docs += [m.text for m in mine]
                metas += [chunk_metadata(m) for m in mine]
                mh = decode(encode(sigs[article.id]))
                hv = mh.hashvalues
                mh.hashvalues = hv ^ rng.integers(1, 2**31, hv.shape).astype(hv.dtype)
                entries.append((copy.id, manifest_metadata(copy, copy.id, encode(mh), len(mine))))
            emb = np.concatenate(embs) + rng.normal(0, _NOISE, (len(ids), vectors.shape[1])).astype(
                np.float32
            )
            emb /= np.linalg.norm(emb, axis=1, keepdims=True)
            t = time.perf_counter()
            store.manifest.mark_pending([e[0] for e in entries])
            timings["manifest s"] += time.perf_counter() - t
            t = time.perf_counter()
            for i in range(0, len(ids), batch):
                span = slice(i, i + batch)
                store._chunks.add(
                    ids=ids[span], embeddings=emb[span], documents=docs[span], metadatas=metas[span]
                )
            timings["chroma add s"] += time.perf_counter() - t
            t = time.perf_counter()
            store.index.replace([], rows)
            timings["bm25 rows s"] += time.perf_counter() - t
            t = time.perf_counter()
            store.manifest.finish(entries)
            timings["manifest s"] += time.perf_counter() - t
            written += len(ids)
        print(f"synthetic copy {c}: {written} chunks so far, {timings}", file=sys.stderr, flush=True)
    return {"chunks_written": written, **{k: round(v, 1) for k, v in timings.items()}}


def _batches(articles: Sequence[Any], by_article: dict[str, list[int]], size: int) -> Iterator[list[Any]]:
    """Articles in groups of about `size` chunks."""
    part: list[Any] = []
    n = 0
    for a in articles:
        part.append(a)
        n += len(by_article[a.id])
        if n >= size:
            yield part
            part, n = [], 0
    if part:
        yield part
