"""Ingest: articles -> chunks -> vectors -> store, idempotent and resumable."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from tqdm import tqdm

from index.chunking import chunk_article
from index.embedding.base import Embedder
from index.loading import LoadError
from index.models import Article, Chunk
from index.store.base import Store

# Articles embedded together: large enough to split evenly across the embedding workers and to keep them busy
# while the next group is chunked, small enough that an interrupted ingest loses little work.
_GROUP_CHUNKS = 512

# on_progress(articles written, articles to write, chunks written), after each group and once at the start.
OnProgress = Callable[[int, int, int], None]


@dataclass
class IngestReport:
    """What an ingest did, article by article."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[LoadError] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)
    chunks: int = 0
    interrupted: bool = False  # stopped on request (SIGTERM, Ctrl-C) between two groups
    left: list[str] = field(default_factory=list)  # articles (ids) and files or URLs not done when stopped

    def summary(self) -> str:
        """One line for the command line."""
        line = (
            f"added {len(self.added)}, updated {len(self.updated)}, skipped {len(self.skipped)} "
            f"(unchanged), failed {len(self.failed)}; {self.chunks} chunks written"
        )
        if self.recovered:
            line += f"; cleaned up {len(self.recovered)} articles left half-written by an interrupted ingest"
        if self.interrupted:
            line += f"; stopped before {len(self.left)} more (run the same command again to finish)"
        return line

    def merge(self, other: IngestReport) -> None:
        """Add a later ingest's report (of another file, say) to this one."""
        for name in ("added", "updated", "skipped", "failed", "recovered", "left"):
            getattr(self, name).extend(getattr(other, name))
        self.chunks += other.chunks
        self.interrupted = self.interrupted or other.interrupted


# Bumped when ingest stores something else from the same files, so that indexes kept by file contents alone
# (the evaluation's corpus collections) are brought up to date: 2 = text in Unicode NFC.
INGEST_FORMAT = 2


def ingest_articles(
    articles: Sequence[Article],
    store: Store,
    embedder: Embedder,
    *,
    chunk_size: int = 200,
    chunk_overlap: int = 0,
    progress: bool | None = None,
    on_progress: OnProgress | None = None,
    title_pieces: int = 0,
    stop: threading.Event | None = None,
) -> IngestReport:
    """Store new and changed articles; unchanged ones (same id and content hash) are skipped.

    progress=None shows a bar only on a terminal; on_progress is for UIs. title_pieces > 0 embeds each chunk
    under its article's title, cut to that many tokens and to what the window leaves. Once `stop` is set,
    the ingest ends after the group being written: every article is either fully stored or not at all.
    """
    # Chunks take up to chunk_size of the tokens the model reads; a title gets what is left.
    title_budget = min(title_pieces, embedder.max_tokens - chunk_size)
    report = IngestReport(recovered=store.recover())
    latest: dict[str, Article] = {}
    for article in articles:  # the same id twice in one batch: the later one wins
        latest[article.id] = article.normalized()
    stored = store.stored_hashes(list(latest))
    todo: list[Article] = []
    for article in latest.values():
        old = stored.get(article.id)
        if old == article.content_hash:
            report.skipped.append(article.id)
        else:
            (report.updated if old is not None else report.added).append(article.id)
            todo.append(article)

    bar = tqdm(
        total=len(todo), unit="article", desc="Ingesting", disable=None if progress is None else not progress
    )
    done = 0
    written: set[str] = set()
    if on_progress:
        on_progress(0, len(todo), 0)

    def embed(group: list[tuple[Article, list[Chunk]]]) -> np.ndarray:
        if title_budget <= 0:
            return embedder.embed([c.text for _, chunks in group for c in chunks])
        # A passage deep in an article rarely names its subject; the title under it does.
        heads = {a.id: embedder.clip(a.title, title_budget) for a, _ in group}
        return embedder.embed(
            [f"{heads[a.id]}\n{c.text}" if heads[a.id] else c.text for a, chunks in group for c in chunks]
        )

    def write(group: list[tuple[Article, list[Chunk]]], vectors: Future[np.ndarray]) -> None:
        nonlocal done
        rows = vectors.result()
        items, offset = [], 0
        for article, chunks in group:
            items.append((article, chunks, rows[offset : offset + len(chunks)]))
            offset += len(chunks)
        store.write(items)
        written.update(article.id for article, _ in group)
        report.chunks += sum(len(chunks) for _, chunks in group)
        done += len(group)
        bar.update(len(group))
        if on_progress:
            on_progress(done, len(todo), report.chunks)

    # Chunking and writing (mostly one core) run while the previous group embeds on all cores; only this
    # thread writes, in order, so an interrupted ingest leaves the same state as before.
    pool = ThreadPoolExecutor(1, thread_name_prefix="ingest-embed")
    embedding: tuple[list[tuple[Article, list[Chunk]]], Future[np.ndarray]] | None = None
    group: list[tuple[Article, list[Chunk]]] = []
    group_chunks = 0
    # An embedder with worker processes (ONNX) keeps them for the whole ingest, and stops them at its end.
    try:
        with embedder.bulk():
            try:
                for i, article in enumerate(todo):
                    if stop is not None and stop.is_set():
                        break  # the group being embedded is dropped: none of it was written
                    chunks = chunk_article(article, embedder, chunk_size, chunk_overlap)
                    group.append((article, chunks))
                    group_chunks += len(chunks)
                    if group_chunks >= _GROUP_CHUNKS or i == len(todo) - 1:
                        submitted = (group, pool.submit(embed, group))
                        if embedding is not None:
                            write(*embedding)
                        embedding, group, group_chunks = submitted, [], 0
                if embedding is not None and not (stop is not None and stop.is_set()):
                    write(*embedding)
            finally:
                # After a failure the next group may still be embedding; leaving bulk() drops its queued work.
                pool.shutdown(wait=False, cancel_futures=True)
    finally:
        bar.close()
    if len(written) < len(todo):  # stopped early
        report.interrupted = True
        report.left = [a.id for a in todo if a.id not in written]
        report.added = [i for i in report.added if i in written]
        report.updated = [i for i in report.updated if i in written]
    return report
