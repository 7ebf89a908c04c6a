"""The one mapping between NewsQA's records and Chroma: chunk and manifest metadata, and filter clauses.

Chunks are written with this codec and read back with it; nothing else knows the metadata keys. Indexes
written by earlier versions (through llama-index's ChromaVectorStore) carry the same keys plus its own,
which are ignored here.
"""

from __future__ import annotations

from typing import Any

from index.dates import UNDATED, day_number, parse_day
from index.models import Article, ArticleInfo, Chunk, StoredArticle
from index.store.filters import Filters

Metadata = dict[str, Any]


def info_metadata(info: ArticleInfo) -> Metadata:
    """An article's metadata as flat Chroma values (the group defaults to the article itself)."""
    return {
        "article_id": info.id,
        "title": info.title,
        "source": info.source,
        "url": info.url,
        "author": info.author,
        "published": info.published.isoformat() if info.published else "",
        "published_day": day_number(info.published),
        "group": info.story,
    }


def info_from_metadata(article_id: str, meta: Metadata | None) -> ArticleInfo:
    """The ArticleInfo `info_metadata` wrote."""
    m = meta or {}
    return ArticleInfo(
        id=article_id,
        title=str(m.get("title", "")),
        source=str(m.get("source", "")),
        url=str(m.get("url", "")),
        author=str(m.get("author", "")),
        published=parse_day(m.get("published")),
        group=str(m.get("group") or article_id),
    )


def chunk_metadata(chunk: Chunk) -> Metadata:
    """A chunk's Chroma metadata: its article's, plus its span in the article's text."""
    return {**info_metadata(chunk.article), "start": chunk.start, "end": chunk.end}


def chunk_from_record(chunk_id: str, text: str | None, meta: Metadata | None) -> Chunk:
    """Rebuild a Chunk from what Chroma returns for it."""
    m = meta or {}
    info = info_from_metadata(str(m.get("article_id", "")), m)
    return Chunk(chunk_id, info, text or "", int(m.get("start", 0)), int(m.get("end", 0)))


def manifest_metadata(article: Article, group: str, minhash: str, chunks: int) -> Metadata:
    """The manifest entry of a finished article."""
    return {
        **info_metadata(article.info),
        "group": group or article.id,
        "minhash": minhash,
        "status": "done",
        "hash": article.content_hash,
        "chunks": chunks,
    }


def stored_from_manifest(article_id: str, meta: Metadata | None) -> StoredArticle:
    """The StoredArticle of a manifest entry."""
    m = meta or {}
    return StoredArticle(info_from_metadata(article_id, m), int(m.get("chunks", 0)), str(m.get("hash", "")))


def where(filters: Filters) -> Metadata | None:
    """The Chroma `where` clause of some filters; undated articles pass date filters."""
    clauses: list[Metadata] = []
    if filters.as_of is not None:
        clauses.append({"published_day": {"$lte": day_number(filters.as_of)}})
    if filters.since is not None:
        clauses.append(
            {"$or": [{"published_day": {"$gte": day_number(filters.since)}}, {"published_day": UNDATED}]}
        )
    if filters.sources:
        clauses.append({"source": {"$in": list(filters.sources)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
