"""Chroma storage of chunks (through llama-index's ChromaVectorStore) and of a per-article manifest."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import numpy as np

from index.dedup import DuplicateGroups
from index.keyword import KeywordIndex
from index.models import Article, ArticleInfo, Chunk

if TYPE_CHECKING:
    from index.settings import Settings

_EPOCH = date(1970, 1, 1)
_UNDATED = -1  # day number stored for articles without a date


class StoreError(RuntimeError):
    """The store cannot be opened or used as asked."""


class EmbedderMismatchError(StoreError):
    """The collection was built by another embedder than the one configured."""


def day_number(d: date | None) -> int:
    """Days since 1970-01-01, the form Chroma can compare with $lte/$gte."""
    return (d - _EPOCH).days if d else _UNDATED


def open_client(settings: Settings) -> Any:
    """A Chroma client: HTTP when NEWSQA_CHROMA_URL is set, else embedded on disk under NEWSQA_HOME."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreError(
                f"NEWSQA_CHROMA_URL must look like http://HOST:PORT, got {settings.chroma_url!r}"
            )
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            return chromadb.HttpClient(
                host=url.hostname, port=port, ssl=url.scheme == "https", settings=chroma_settings
            )
        except Exception as exc:
            raise StoreError(
                f"Cannot reach the Chroma server at {settings.chroma_url} ({exc}). Start it with "
                f"`chroma run --path DIR --host {url.hostname} --port {port}` or unset NEWSQA_CHROMA_URL."
            ) from None
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


class ArticleStore:
    """Chunks with their vectors and article metadata, plus a manifest that makes ingest resumable.

    An article is written as: manifest entry 'pending' -> old chunks deleted, new chunks added ->
    manifest entry 'done' with the content hash. `recover()` removes whatever a crash left pending.
    """

    def __init__(
        self,
        client: Any,
        collection: str,
        embedder_name: str,
        dim: int,
        keyword_path: Path | None = None,
        duplicate_threshold: float = 0.0,
    ) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.collection_name = collection
        self.embedder_name = embedder_name
        self.dim = dim
        self._client = client
        self._chunks = client.get_or_create_collection(
            collection,
            metadata={"hnsw:space": "cosine", "embedder": embedder_name, "dim": dim},
        )
        meta = self._chunks.metadata or {}
        built_by = meta.get("embedder")
        if built_by != embedder_name or int(meta.get("dim", dim)) != dim:
            raise EmbedderMismatchError(
                f"Collection {collection!r} was built with embedder {built_by!r} ({meta.get('dim')} dims) "
                f"but the configured embedder is {embedder_name!r} ({dim} dims). Set NEWSQA_EMBEDDER back, "
                f"or use another NEWSQA_COLLECTION (or NEWSQA_HOME) for the new embedder and re-ingest."
            )
        # Manifest vectors are placeholders: Chroma needs one, the manifest is only read by id.
        self._manifest = client.get_or_create_collection(f"{collection}__articles")
        self.vector_store = ChromaVectorStore(chroma_collection=self._chunks)
        self.keyword = KeywordIndex(keyword_path) if keyword_path else None
        self.duplicate_threshold = duplicate_threshold
        self._groups: DuplicateGroups | None = None  # loaded from the manifest at the first write
        if self.keyword is not None and self.keyword.count() != self.count_chunks():
            self._rebuild_keyword_index()

    @classmethod
    def open(cls, settings: Settings, embedder_name: str, dim: int) -> ArticleStore:
        """Open (or create) the configured collection for this embedder."""
        keyword_path = settings.home / "keyword" / f"{settings.collection}.sqlite"
        return cls(
            open_client(settings),
            settings.collection,
            embedder_name,
            dim,
            keyword_path,
            duplicate_threshold=settings.duplicate_threshold,
        )

    def _rebuild_keyword_index(self) -> None:
        # A keyword index that is missing or out of step (made elsewhere, or by an older version) is rebuilt
        # from Chroma, which holds every chunk's text.
        assert self.keyword is not None
        chunks = self.get_chunks()
        self.keyword.replace(sorted({c.article_id for c in chunks}), chunks)

    @property
    def location(self) -> str:
        """Where the data lives, for messages and stats."""
        settings = getattr(self._client, "get_settings", None)
        path = settings().persist_directory if settings else ""
        host = getattr(settings(), "chroma_server_host", None) if settings else None
        return f"chroma://{host}/{self.collection_name}" if host else f"chroma:{path}/{self.collection_name}"

    # -- manifest -------------------------------------------------------------------------------
    def stored_hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        """Content hash of each finished article among `article_ids`."""
        out: dict[str, str] = {}
        ids = list(dict.fromkeys(article_ids))
        for i in range(0, len(ids), 500):
            got = self._manifest.get(ids=ids[i : i + 500], include=["metadatas"])
            for aid, meta in zip(got["ids"], got["metadatas"], strict=True):
                if meta and meta.get("status") == "done":
                    out[aid] = str(meta.get("hash", ""))
        return out

    def recover(self) -> list[str]:
        """Remove chunks of articles whose write was interrupted; return their ids."""
        got = self._manifest.get(where={"status": "pending"}, include=[])
        pending = list(got["ids"])
        for aid in pending:
            self._chunks.delete(where={"article_id": aid})
        if pending:
            if self.keyword is not None:
                self.keyword.delete(pending)
            self._manifest.delete(ids=pending)
            if self._groups is not None:
                for aid in pending:
                    self._groups.remove(aid)
        return pending

    def _duplicate_groups(self) -> DuplicateGroups | None:
        """The near-duplicate index of stored articles (None when grouping is off)."""
        if self.duplicate_threshold <= 0:
            return None
        if self._groups is None:
            groups = DuplicateGroups(self.duplicate_threshold)
            groups.load(
                (aid, str(m.get("group", "")), str(m["minhash"]))
                for aid, m in self._manifest_records(where={"status": "done"})
                if m.get("minhash")
            )
            self._groups = groups
        return self._groups

    def _manifest_records(self, where: dict[str, Any] | None = None) -> list[tuple[str, dict[str, Any]]]:
        """(article id, metadata) of manifest entries."""
        return [(aid, dict(m or {})) for aid, _, m in _get_all(self._manifest, where, ["metadatas"])]

    def write(self, items: Sequence[tuple[Article, Sequence[Chunk], np.ndarray]]) -> None:
        """Replace the chunks of each article by the given ones, resumably."""
        if not items:
            return
        ids = [a.id for a, _, _ in items]
        # Only an article the manifest knows (stored before, or left pending) can have chunks to replace.
        known = self._manifest.get(ids=ids, include=[])["ids"]
        self._manifest.upsert(
            ids=ids, embeddings=[[1.0]] * len(items), metadatas=[{"status": "pending"} for _ in items]
        )
        for article_id in known:
            self._chunks.delete(where={"article_id": article_id})
        dups = self._duplicate_groups()
        grouping = {a.id: dups.assign(a.id, a.text) if dups is not None else (a.id, "") for a, _, _ in items}
        nodes = [
            _to_node(replace(chunk, group=grouping[article.id][0]), vec)
            for article, chunks, vectors in items
            for chunk, vec in zip(chunks, vectors, strict=True)
        ]
        if nodes:
            self.vector_store.add(nodes)
        if self.keyword is not None:
            self.keyword.replace(known, [c for _, chunks, _ in items for c in chunks])
        self._manifest.upsert(
            ids=ids,
            embeddings=[[1.0]] * len(items),
            metadatas=[_manifest_meta(a, len(c), *grouping[a.id]) for a, c, _ in items],
        )

    def delete_article(self, article_id: str) -> bool:
        """Remove an article and its chunks; False if it was not there."""
        got = self._manifest.get(ids=[article_id], include=[])
        self._chunks.delete(where={"article_id": article_id})
        if self.keyword is not None:
            self.keyword.delete([article_id])
        self._manifest.delete(ids=[article_id])
        if self._groups is not None:
            self._groups.remove(article_id)
        return bool(got["ids"])

    def articles(self) -> list[ArticleInfo]:
        """Every finished article, newest first."""
        infos = [_article_info(aid, m) for aid, m in self._manifest_records(where={"status": "done"})]
        infos.sort(key=lambda i: (i.published or date.min, i.title), reverse=True)
        return infos

    def story_groups(self, groups: Sequence[str]) -> dict[str, list[ArticleInfo]]:
        """The finished articles of each story group, oldest first."""
        wanted = sorted(set(groups))
        if not wanted:
            return {}
        got = self._manifest.get(
            where={"$and": [{"status": "done"}, {"group": {"$in": wanted}}]}, include=["metadatas"]
        )
        out: dict[str, list[ArticleInfo]] = {g: [] for g in wanted}
        for aid, m in zip(got["ids"], got["metadatas"], strict=True):
            info = _article_info(aid, m or {})
            out.setdefault(info.group, []).append(info)
        for members in out.values():
            members.sort(key=lambda i: (i.published or date.max, i.source, i.id))
        return out

    def count_articles(self) -> int:
        """Finished articles."""
        return len(self._manifest.get(where={"status": "done"}, include=[])["ids"])

    def count_chunks(self) -> int:
        """Stored chunks."""
        return int(self._chunks.count())

    def sources(self) -> list[str]:
        """Distinct outlets of the stored articles."""
        return sorted({a.source for a in self.articles() if a.source})

    # -- reading --------------------------------------------------------------------------------
    def query(
        self,
        vector: np.ndarray,
        k: int,
        *,
        as_of: date | None = None,
        since: date | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Top-k chunks by cosine similarity, newest-allowed date `as_of`, oldest `since`."""
        n = self.count_chunks()
        if n == 0:
            return []
        where = chunk_filter(as_of=as_of, since=since, sources=sources)
        if where is None:
            return self._nearest(vector, min(k, n), None)
        # A filtered HNSW query is slow in Chroma (0.2 s at 33k chunks against 10 ms unfiltered): try an
        # unfiltered over-fetch first and filter here; only when too few pass, ask Chroma to filter.
        near = self._nearest(vector, min(k * 4, n), None)
        kept = [(c, s) for c, s in near if passes(c, as_of=as_of, since=since, sources=sources)]
        if len(kept) >= k or len(near) == n:
            return kept[:k]
        return self._nearest(vector, min(k, n), where)

    def _nearest(self, vector: np.ndarray, k: int, where: dict[str, Any] | None) -> list[tuple[Chunk, float]]:
        res = self._chunks.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=k,
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (chunk_from_record(cid, doc, meta), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
            )
        ]

    def keyword_query(
        self,
        query: str,
        k: int,
        *,
        as_of: date | None = None,
        since: date | None = None,
        sources: Sequence[str] | None = None,
    ) -> list[tuple[Chunk, float]]:
        """Top-k chunks by BM25 within the same filters as `query`; empty without a keyword index."""
        if self.keyword is None:
            return []
        filtered = as_of is not None or since is not None or bool(sources)
        # Filters live in Chroma's metadata: over-fetch by keyword, then keep the chunks that pass them.
        hits = self.keyword.search(query, k * 4 if filtered else k)
        if not hits:
            return []
        # Fetch by id and filter here: Chroma's get(ids=..., where=...) scans the collection (0.6 s at 33k).
        got = self._chunks.get(ids=[cid for cid, _ in hits], include=["documents", "metadatas"])
        found = {
            cid: chunk_from_record(cid, doc, meta)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }
        kept = [
            (found[cid], score)
            for cid, score in hits
            if cid in found and passes(found[cid], as_of=as_of, since=since, sources=sources)
        ]
        return kept[:k]

    def get_chunks(self, where: dict[str, Any] | None = None) -> list[Chunk]:
        """All chunks matching a Chroma `where` filter (all chunks when None)."""
        return [
            chunk_from_record(cid, doc, meta)
            for cid, doc, meta in _get_all(self._chunks, where, ["documents", "metadatas"])
        ]


def _get_all(
    collection: Any, where: dict[str, Any] | None, include: list[str]
) -> list[tuple[str, Any, dict[str, Any] | None]]:
    """(id, document, metadata) of every record matching `where`, fetched a page at a time."""
    out: list[tuple[str, Any, dict[str, Any] | None]] = []
    page = 5000  # one get() of 33k records fails in Chroma 1.5.9 ("too many SQL variables")
    while True:
        got = collection.get(where=where, include=include, limit=page, offset=len(out))
        ids = got["ids"]
        docs = got.get("documents") or [None] * len(ids)
        metas = got.get("metadatas") or [None] * len(ids)
        out.extend(zip(ids, docs, metas, strict=True))
        if len(ids) < page:
            return out


def chunk_filter(
    *, as_of: date | None = None, since: date | None = None, sources: Sequence[str] | None = None
) -> dict[str, Any] | None:
    """Chroma `where` clause for a date window and a set of outlets. Undated articles pass date filters."""
    clauses: list[dict[str, Any]] = []
    if as_of is not None:
        clauses.append({"published_day": {"$lte": day_number(as_of)}})
    if since is not None:
        clauses.append({"$or": [{"published_day": {"$gte": day_number(since)}}, {"published_day": _UNDATED}]})
    if sources:
        clauses.append({"source": {"$in": list(sources)}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def passes(
    chunk: Chunk,
    *,
    as_of: date | None = None,
    since: date | None = None,
    sources: Sequence[str] | None = None,
) -> bool:
    """The filter of `chunk_filter`, applied to a chunk in hand (undated chunks pass date filters)."""
    in_window = within_dates(chunk.published, as_of=as_of, since=since)
    return in_window and (not sources or chunk.source in sources)


def within_dates(published: date | None, *, as_of: date | None = None, since: date | None = None) -> bool:
    """Whether a publication date lies in the window [since, as_of]; an undated article always does."""
    if published is None:
        return True
    return (as_of is None or published <= as_of) and (since is None or published >= since)


def _to_node(chunk: Chunk, vector: np.ndarray) -> Any:
    from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

    return TextNode(
        id_=chunk.id,
        text=chunk.text,
        embedding=np.asarray(vector, dtype=np.float32).tolist(),
        start_char_idx=chunk.start,
        end_char_idx=chunk.end,
        metadata={
            "article_id": chunk.article_id,
            "title": chunk.title,
            "source": chunk.source,
            "url": chunk.url,
            "author": chunk.author,
            "published": chunk.published.isoformat() if chunk.published else "",
            "published_day": day_number(chunk.published),
            "start": chunk.start,
            "end": chunk.end,
            "group": chunk.group or chunk.article_id,
        },
        # ref_doc_id (llama-index's document_id) lets ChromaVectorStore.delete(article_id) work too.
        relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.article_id)},
    )


def chunk_from_record(chunk_id: str, text: str | None, meta: dict[str, Any] | None) -> Chunk:
    """Rebuild a Chunk from what Chroma returns."""
    m = meta or {}
    published = str(m.get("published") or "")
    return Chunk(
        id=chunk_id,
        article_id=str(m.get("article_id", "")),
        text=text or "",
        start=int(m.get("start", 0)),
        end=int(m.get("end", 0)),
        title=str(m.get("title", "")),
        url=str(m.get("url", "")),
        source=str(m.get("source", "")),
        author=str(m.get("author", "")),
        published=date.fromisoformat(published) if published else None,
        group=str(m.get("group") or m.get("article_id", "")),
    )


def _article_info(article_id: str, m: dict[str, Any]) -> ArticleInfo:
    return ArticleInfo(
        id=article_id,
        title=str(m.get("title", "")),
        source=str(m.get("source", "")),
        url=str(m.get("url", "")),
        published=date.fromisoformat(str(m["published"])) if m.get("published") else None,
        chunks=int(m.get("chunks", 0)),
        group=str(m.get("group") or article_id),
    )


def _manifest_meta(article: Article, n_chunks: int, group: str = "", minhash: str = "") -> dict[str, Any]:
    return {
        "group": group or article.id,
        "minhash": minhash,
        "status": "done",
        "hash": article.content_hash,
        "title": article.title,
        "source": article.source,
        "url": article.url,
        "published": article.published.isoformat() if article.published else "",
        "chunks": n_chunks,
    }
