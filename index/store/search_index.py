"""The SQLite index kept beside the vectors: BM25 over whole articles, and a row per chunk for ranking.

Articles are ranked with SQLite FTS5's own BM25 (title weighted 3x over the body): a news question is about
one story, and a whole article holds more of its words than any one chunk. The chunk rows (article, position,
date, outlet, story) let a dense search ask Chroma for ids and distances only and filter and rank here:
fetching Chroma's metadata cost about 0.3 ms per hit, most of a query's time. FTS5 updates in place, so
ingest never rebuilds the index, and a query reads only the postings of its own terms.
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
import unicodedata
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

from index.dates import UNDATED, day_number, from_day_number
from index.models import ArticleInfo, Chunk, ChunkRef
from index.store.filters import Filters

_TERM = re.compile(r"[^\W_]+", re.UNICODE)
TITLE_WEIGHT = 3.0  # BM25 weight of the title column against the body's 1.0
_TOKENIZE = "tokenize = 'porter unicode61 remove_diacritics 2'"
_SCHEMA = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS articles USING fts5(title, body, {_TOKENIZE})",
    "CREATE TABLE IF NOT EXISTS article_rows (rowid INTEGER PRIMARY KEY, article_id TEXT NOT NULL UNIQUE, "
    "published_day INTEGER NOT NULL, source TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS chunk_rows (rowid INTEGER PRIMARY KEY, chunk_id TEXT NOT NULL UNIQUE, "
    "article_id TEXT NOT NULL, ordinal INTEGER NOT NULL, published_day INTEGER NOT NULL, "
    "source TEXT NOT NULL, story TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS chunk_rows_article ON chunk_rows (article_id, ordinal)",
    # A story's members and the outlets list are read by index, not by a scan of every entry.
    "CREATE INDEX IF NOT EXISTS chunk_rows_story ON chunk_rows (story, article_id)",
    "CREATE INDEX IF NOT EXISTS article_rows_source ON article_rows (source)",
    "CREATE INDEX IF NOT EXISTS article_rows_day ON article_rows (published_day)",  # the Library's newest
    # The chunks a rare filter admits, listed without a scan (index/store/dense.py).
    "CREATE INDEX IF NOT EXISTS chunk_rows_day ON chunk_rows (published_day)",
    "CREATE INDEX IF NOT EXISTS chunk_rows_source ON chunk_rows (source, published_day)",
    # Chunk texts and their terms' document counts, for the term coverage of a candidate passage.
    f"CREATE VIRTUAL TABLE IF NOT EXISTS chunks USING fts5(body, {_TOKENIZE})",
    "CREATE VIRTUAL TABLE IF NOT EXISTS chunk_terms USING fts5vocab(chunks, 'row')",
]
SCHEMA_VERSION = 1  # a file of another version is emptied, and the store refills it from Chroma
_REF_COLUMNS = "chunk_id, article_id, ordinal, published_day, source, story"


def query_terms(text: str) -> list[str]:
    """The distinct content words of a query (stop words weigh nothing but have the longest postings)."""
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    return list(
        dict.fromkeys(t for t in _TERM.findall(text.lower()) if len(t) > 1 and t not in STOPWORDS_EN_PLUS)
    )


def fts_stems(text: str) -> list[str]:
    """The terms FTS5's porter tokenizer makes of a text: folded, lower case, Porter-stemmed."""
    folded = "".join(
        ch for ch in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(ch)
    )
    return _porter().stemWords(_TERM.findall(folded))


@cache
def _porter() -> Any:
    import Stemmer  # PyStemmer's original Porter, as FTS5's porter tokenizer (not the "english" Porter2)

    return Stemmer.Stemmer("porter")


def _match(query: str) -> str:
    # Every term quoted, so user text can never be read as FTS5 query syntax; OR ranks by BM25 over any.
    return " OR ".join('"' + t.replace('"', "") + '"' for t in query_terms(query))


def _ref(row: tuple[str, str, int, int, str, str]) -> ChunkRef:
    chunk_id, article_id, ordinal, day, source, story = row
    return ChunkRef(chunk_id, article_id, ordinal, from_day_number(day), source, story)


class SearchIndex:
    """Article BM25 and chunk rows in one SQLite file; one lock serialises the UI's threads."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock, self._db:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA_VERSION:
                tables = self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
                for (name,) in tables:
                    if not name.startswith(("articles_", "chunks_")):  # FTS5's shadow tables go with theirs
                        self._db.execute(f'DROP TABLE IF EXISTS "{name}"')
            for statement in _SCHEMA:
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def replace(
        self, article_ids: Sequence[str], articles: Sequence[tuple[ArticleInfo, Sequence[Chunk]]]
    ) -> None:
        """Drop the given articles' rows, then add these articles and their chunks, in one transaction."""
        with self._lock, self._db:
            self._delete(list(article_ids) + [info.id for info, _ in articles])
            for info, chunks in articles:
                day = day_number(info.published)
                cur = self._db.execute(
                    "INSERT INTO article_rows (article_id, published_day, source) VALUES (?, ?, ?)",
                    (info.id, day, info.source),
                )
                body = "\n".join(c.text for c in chunks)
                self._db.execute(
                    "INSERT INTO articles (rowid, title, body) VALUES (?, ?, ?)",
                    (cur.lastrowid, info.title, body),
                )
                for n, c in enumerate(chunks):
                    cur = self._db.execute(
                        f"INSERT INTO chunk_rows ({_REF_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
                        (c.id, info.id, n, day, info.source, info.story),
                    )
                    self._db.execute(
                        "INSERT INTO chunks (rowid, body) VALUES (?, ?)", (cur.lastrowid, c.text)
                    )

    def clear(self) -> None:
        """Empty every table (before a rebuild: rows a crash left behind cannot clash with new ones)."""
        with self._lock, self._db:
            for table in ("articles", "article_rows", "chunks", "chunk_rows"):
                self._db.execute(f"DELETE FROM {table}")

    def delete(self, article_ids: Sequence[str]) -> None:
        """Remove every row of these articles."""
        with self._lock, self._db:
            self._delete(article_ids)

    def _delete(self, article_ids: Sequence[str]) -> None:
        params = [(a,) for a in dict.fromkeys(article_ids)]
        self._db.executemany(
            "DELETE FROM articles WHERE rowid = (SELECT rowid FROM article_rows WHERE article_id = ?)", params
        )
        self._db.executemany("DELETE FROM article_rows WHERE article_id = ?", params)
        self._db.executemany(
            "DELETE FROM chunks WHERE rowid IN (SELECT rowid FROM chunk_rows WHERE article_id = ?)", params
        )
        self._db.executemany("DELETE FROM chunk_rows WHERE article_id = ?", params)

    def search_articles(self, query: str, k: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        """Article ids with BM25 scores (higher is better), best first, within the filters."""
        match = _match(query)
        if not match:
            return []
        clauses, params = _filter_sql("r", filters)
        sql = (
            f"SELECT r.article_id, bm25(articles, {TITLE_WEIGHT}, 1.0) AS s FROM articles "
            "JOIN article_rows r ON r.rowid = articles.rowid WHERE articles MATCH ?"
            + "".join(f" AND {c}" for c in clauses)
            + " ORDER BY s LIMIT ?"
        )
        with self._lock:
            rows = self._db.execute(sql, (match, *params, k)).fetchall()
        return [(aid, -float(score)) for aid, score in rows]  # FTS5's bm25() is negative: lower is better

    def term_coverage(self, query: str, chunk_ids: Sequence[str]) -> dict[str, float]:
        """Share of the query's terms each chunk holds, each term weighted by its rarity among all chunks.

        Only the given chunks are read: BM25 over every chunk reads the postings of all the query's terms,
        which grows with the archive, while one question's candidates are a few hundred at most.
        """
        stems = list(dict.fromkeys(fts_stems(" ".join(query_terms(query)))))
        ids = list(dict.fromkeys(chunk_ids))
        if not stems or not ids:
            return {}
        with self._lock:
            marks = ",".join("?" * len(stems))
            df = dict(self._db.execute(f"SELECT term, doc FROM chunk_terms WHERE term IN ({marks})", stems))
            # max(rowid) stands in for the chunk count: a count(*) reads the whole table, and IDF is a log.
            n = max(1, int(self._db.execute("SELECT coalesce(max(rowid), 1) FROM chunk_rows").fetchone()[0]))
            texts: dict[str, str] = {}
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                sql = (
                    "SELECT r.chunk_id, c.body FROM chunk_rows r JOIN chunks c ON c.rowid = r.rowid "
                    f"WHERE r.chunk_id IN ({','.join('?' * len(part))})"
                )
                texts.update(self._db.execute(sql, part).fetchall())
        weights = {t: math.log(1 + n / df[t]) for t in stems if df.get(t)}  # a term no chunk has cannot help
        total = sum(weights.values())
        if not total:
            return dict.fromkeys(texts, 0.0)
        out = {}
        for cid, text in texts.items():
            held = set(fts_stems(text))
            out[cid] = sum(w for t, w in weights.items() if t in held) / total
        return out

    def chunk_refs(self, chunk_ids: Sequence[str]) -> dict[str, ChunkRef]:
        """The rows of these chunks, by id (unknown ids are left out)."""
        out: dict[str, ChunkRef] = {}
        ids = list(dict.fromkeys(chunk_ids))
        with self._lock:
            for i in range(0, len(ids), 500):
                part = ids[i : i + 500]
                marks = ",".join("?" * len(part))
                sql = f"SELECT {_REF_COLUMNS} FROM chunk_rows WHERE chunk_id IN ({marks})"
                for row in self._db.execute(sql, part):
                    out[row[0]] = _ref(row)
        return out

    def article_chunks(self, article_ids: Sequence[str]) -> list[ChunkRef]:
        """Every chunk row of these articles, in article order then position."""
        out: list[ChunkRef] = []
        with self._lock:
            for aid in dict.fromkeys(article_ids):
                rows = self._db.execute(
                    f"SELECT {_REF_COLUMNS} FROM chunk_rows WHERE article_id = ? ORDER BY ordinal", (aid,)
                ).fetchall()
                out.extend(_ref(r) for r in rows)
        return out

    def story_articles(self, stories: Sequence[str]) -> dict[str, list[str]]:
        """The article ids of each story (of the chunk rows), by story."""
        out: dict[str, list[str]] = {}
        wanted = list(dict.fromkeys(stories))
        with self._lock:
            for i in range(0, len(wanted), 500):
                part = wanted[i : i + 500]
                sql = (
                    "SELECT DISTINCT story, article_id FROM chunk_rows "
                    f"WHERE story IN ({','.join('?' * len(part))})"
                )
                for story, article_id in self._db.execute(sql, part):
                    out.setdefault(story, []).append(article_id)
        return out

    def chunk_ids(self, filters: Filters, limit: int) -> list[str] | None:
        """The ids of the chunks that pass the filters; None when more than `limit` do."""
        clauses, params = _filter_sql("r", filters)
        sql = "SELECT r.chunk_id FROM chunk_rows r" + "".join(
            f" {'WHERE' if i == 0 else 'AND'} {c}" for i, c in enumerate(clauses)
        )
        with self._lock:
            rows = self._db.execute(sql + " LIMIT ?", (*params, limit + 1)).fetchall()
        return None if len(rows) > limit else [chunk_id for (chunk_id,) in rows]

    def newest_articles(self, limit: int) -> list[str]:
        """The ids of the `limit` most recently published articles (by the index on their day)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT article_id FROM article_rows ORDER BY published_day DESC LIMIT ?", (limit,)
            )
            return [aid for (aid,) in rows]

    def sources(self) -> list[str]:
        """The distinct outlets of the indexed articles, sorted."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT source FROM article_rows WHERE source != '' ORDER BY 1")
            return [source for (source,) in rows]

    def count_chunks(self) -> int:
        """Chunk rows in the index."""
        with self._lock:
            return int(self._db.execute("SELECT count(*) FROM chunk_rows").fetchone()[0])

    def close(self) -> None:
        """Close the database."""
        self._db.close()


def _filter_sql(alias: str, filters: Filters) -> tuple[list[str], list[object]]:
    """SQL conditions on a table with published_day and source columns; undated rows pass date filters."""
    clauses: list[str] = []
    params: list[object] = []
    if filters.as_of is not None:
        clauses.append(f"{alias}.published_day <= ?")
        params.append(day_number(filters.as_of))
    if filters.since is not None:
        clauses.append(f"({alias}.published_day >= ? OR {alias}.published_day = {UNDATED})")
        params.append(day_number(filters.since))
    if filters.sources:
        clauses.append(f"{alias}.source IN ({','.join('?' * len(filters.sources))})")
        params.extend(filters.sources)
    return clauses, params
