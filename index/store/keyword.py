"""BM25 keyword index of the chunks: SQLite FTS5, persisted beside the store and updated per article.

FTS5 ranks with BM25 itself and takes inserts and deletes in place, so ingest never rebuilds the index and
a query reads only the postings of its own terms. FTS5 cannot index an UNINDEXED column, so a plain table
maps each row to its article: deleting an article's rows then costs a lookup, not a scan of the whole index
(the scan made ingest quadratic: 20 s of the 2,359-article benchmark).
"""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from index.models import Chunk

_TERM = re.compile(r"[^\W_]+", re.UNICODE)


class KeywordIndex:
    """chunk id -> text, searchable by BM25 (Porter-stemmed, accents folded)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        # One connection shared by the UI's worker threads; the lock serialises use.
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            self._db.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5("
                "chunk_id UNINDEXED, article_id UNINDEXED, body, "
                "tokenize = 'porter unicode61 remove_diacritics 2')"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS chunk_articles "
                "(rowid INTEGER PRIMARY KEY, article_id TEXT NOT NULL)"
            )
            self._db.execute(
                "CREATE INDEX IF NOT EXISTS chunk_articles_article ON chunk_articles (article_id)"
            )
            # An index written before the row map existed has FTS rows the map does not know: start over
            # (count() then differs from the store's, and the store rebuilds the index).
            mapped = self._db.execute("SELECT count(*) FROM chunk_articles").fetchone()[0]
            if mapped != self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]:
                self._db.execute("DELETE FROM chunks")
                self._db.execute("DELETE FROM chunk_articles")

    def replace(self, article_ids: Sequence[str], chunks: Sequence[Chunk]) -> None:
        """Drop the given articles' rows, then add these chunks, in one transaction."""
        with self._lock, self._db:
            params = [(a,) for a in article_ids]
            self._db.executemany(
                "DELETE FROM chunks WHERE rowid IN (SELECT rowid FROM chunk_articles WHERE article_id = ?)",
                params,
            )
            self._db.executemany("DELETE FROM chunk_articles WHERE article_id = ?", params)
            if not chunks:
                return
            first = self._db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM chunk_articles").fetchone()[0]
            rowids = range(first, first + len(chunks))
            self._db.executemany(
                "INSERT INTO chunks (rowid, chunk_id, article_id, body) VALUES (?, ?, ?, ?)",
                [
                    (r, c.id, c.article_id, f"{c.article.title}\n{c.text}")
                    for r, c in zip(rowids, chunks, strict=True)
                ],
            )
            self._db.executemany(
                "INSERT INTO chunk_articles (rowid, article_id) VALUES (?, ?)",
                [(r, c.article_id) for r, c in zip(rowids, chunks, strict=True)],
            )

    def delete(self, article_ids: Sequence[str]) -> None:
        """Remove every chunk of these articles."""
        self.replace(article_ids, [])

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Chunk ids with BM25 scores (higher is better), best first."""
        from bm25s.stopwords import STOPWORDS_EN_PLUS

        # Stop words carry no BM25 weight but have the longest postings: leaving them out keeps queries fast.
        terms = [t for t in _TERM.findall(query.lower()) if len(t) > 1 and t not in STOPWORDS_EN_PLUS]
        if not terms:
            return []
        # Quote every term so user text can never be read as FTS5 query syntax; OR = rank by BM25 over any.
        match = " OR ".join('"' + t.replace('"', "") + '"' for t in dict.fromkeys(terms))
        with self._lock:
            rows = self._db.execute(
                "SELECT chunk_id, bm25(chunks) AS s FROM chunks WHERE chunks MATCH ? ORDER BY s LIMIT ?",
                (match, k),
            ).fetchall()
        return [(cid, -float(score)) for cid, score in rows]  # FTS5's bm25() is negative: lower is better

    def count(self) -> int:
        """Rows in the index."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        self._db.close()
