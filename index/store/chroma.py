"""The store on Chroma (embedded on disk, or a Chroma server), with a BM25 index and a manifest beside it.

Chunks are written and read with Chroma's own client through one codec (index/store/codec.py). An earlier
version wrote them through llama-index's ChromaVectorStore, which stores a JSON copy of every node beside
its metadata ("_node_content"): 16% of the time of a Chroma add, for data nothing reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import httpx
import numpy as np

from index.models import ArticleInfo, Chunk, StoredArticle
from index.store.base import EmbedderMismatchError, Hit, StoreError, WriteItem
from index.store.codec import chunk_from_record, chunk_metadata, manifest_metadata, where
from index.store.filters import Filters
from index.store.keyword import KeywordIndex
from index.store.manifest import Manifest, get_all
from index.store.stories import Stories

if TYPE_CHECKING:
    from index.settings import IndexSettings

# A filtered HNSW query is slow in Chroma (0.2 s at 33k chunks against 10 ms unfiltered): an unfiltered
# query this many times deeper is tried first and filtered here; only when too few pass does Chroma filter.
_OVERFETCH = 4


@contextmanager
def reaching(server: str | None) -> Iterator[None]:
    """Inside, a lost connection to the Chroma server is a StoreError naming it (embedded mode: no change)."""
    try:
        yield
    except (httpx.TransportError, ConnectionError) as exc:
        if server is None:
            raise
        raise StoreError(
            f"The Chroma server at {server} is unreachable ({type(exc).__name__}: {exc}). Start it again "
            "(`chroma run --path DIR --host HOST --port PORT`); NewsQA reconnects on the next request."
        ) from None


class _Collection:
    """A Chroma collection whose every call goes through reaching(): the one place server faults are named."""

    def __init__(self, collection: Any, server: str | None) -> None:
        self._collection = collection
        self._server = server

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            with reaching(self._server):
                return attr(*args, **kwargs)

        return call


def open_client(settings: IndexSettings) -> Any:
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


class ChromaStore:
    """Chunks and vectors in one Chroma collection, the manifest in a second, BM25 in SQLite beside them."""

    def __init__(
        self,
        client: Any,
        collection: str,
        embedder_name: str,
        dim: int,
        keyword_path: Path | None = None,
        duplicate_threshold: float = 0.0,
        server: str | None = None,
    ) -> None:
        self.collection_name = collection
        self.embedder_name = embedder_name
        self.dim = dim
        self._client = client
        self._server = server  # the Chroma server's URL, in client/server mode
        self._chunks = self._open(
            collection, metadata={"hnsw:space": "cosine", "embedder": embedder_name, "dim": dim}
        )
        meta = self._chunks.metadata or {}
        built_by = meta.get("embedder")
        if built_by != embedder_name or int(meta.get("dim", dim)) != dim:
            raise EmbedderMismatchError(
                f"Collection {collection!r} was built with embedder {built_by!r} ({meta.get('dim')} dims) "
                f"but the configured embedder is {embedder_name!r} ({dim} dims). Set NEWSQA_EMBEDDER back, "
                f"or use another NEWSQA_COLLECTION (or NEWSQA_HOME) for the new embedder and re-ingest."
            )
        self.manifest = Manifest(self._open(f"{collection}__articles"))
        self.stories = Stories(self.manifest, duplicate_threshold)
        self.keyword = KeywordIndex(keyword_path) if keyword_path else None
        if self.keyword is not None and self.keyword.count() != self.count_chunks():
            # Missing or out of step (made elsewhere, or by an older version): Chroma has every chunk's text.
            chunks = self.chunks()
            self.keyword.replace(sorted({c.article_id for c in chunks}), chunks)

    @classmethod
    def open(cls, settings: IndexSettings, embedder_name: str, dim: int) -> ChromaStore:
        """Open (or create) the configured collection for this embedder."""
        return cls(
            open_client(settings),
            settings.collection,
            embedder_name,
            dim,
            settings.keyword_path,
            duplicate_threshold=settings.duplicate_threshold,
            server=settings.chroma_url,
        )

    def _open(self, name: str, **kwargs: Any) -> Any:
        with reaching(self._server):
            return _Collection(self._client.get_or_create_collection(name, **kwargs), self._server)

    @property
    def location(self) -> str:
        settings = getattr(self._client, "get_settings", None)
        path = settings().persist_directory if settings else ""
        host = getattr(settings(), "chroma_server_host", None) if settings else None
        return f"chroma://{host}/{self.collection_name}" if host else f"chroma:{path}/{self.collection_name}"

    # -- writing -----------------------------------------------------------------------------------
    def recover(self) -> list[str]:
        pending = self.manifest.pending()
        self._delete_chunks(pending)
        self.manifest.remove(pending)
        self.stories.forget(pending)
        return pending

    def stored_hashes(self, article_ids: Sequence[str]) -> dict[str, str]:
        return self.manifest.hashes(article_ids)

    def write(self, items: Sequence[WriteItem]) -> None:
        if not items:
            return
        ids = [a.id for a, _, _ in items]
        known = self.manifest.known(ids)
        self.manifest.mark_pending(ids)
        self._delete_chunks(known, keyword=False)
        grouping = {a.id: self.stories.assign(a) for a, _, _ in items}
        chunks: list[Chunk] = []
        vectors: list[np.ndarray] = []
        for article, article_chunks, article_vectors in items:
            group = grouping[article.id][0]
            chunks.extend(replace(c, article=replace(c.article, group=group)) for c in article_chunks)
            vectors.extend(article_vectors)
        if chunks:
            self._chunks.add(
                ids=[c.id for c in chunks],
                embeddings=np.asarray(vectors, dtype=np.float32),
                documents=[c.text for c in chunks],
                metadatas=[chunk_metadata(c) for c in chunks],
            )
        if self.keyword is not None:
            self.keyword.replace(known, chunks)
        self.manifest.finish([(a.id, manifest_metadata(a, *grouping[a.id], len(c))) for a, c, _ in items])

    def delete_article(self, article_id: str) -> bool:
        known = self.manifest.known([article_id])
        self._delete_chunks([article_id])
        self.manifest.remove([article_id])
        self.stories.forget([article_id])
        return bool(known)

    def _delete_chunks(self, article_ids: Sequence[str], keyword: bool = True) -> None:
        for aid in article_ids:
            self._chunks.delete(where={"article_id": aid})
        if keyword and self.keyword is not None and article_ids:
            self.keyword.delete(article_ids)

    # -- reading -----------------------------------------------------------------------------------
    def articles(self) -> list[StoredArticle]:
        found = self.manifest.articles()
        found.sort(key=lambda s: (s.info.published or date.min, s.info.title), reverse=True)
        return found

    def count_articles(self) -> int:
        return self.manifest.count()

    def count_chunks(self) -> int:
        return int(self._chunks.count())

    def sources(self) -> list[str]:
        return sorted({s.info.source for s in self.manifest.articles() if s.info.source})

    def chunks(self, article_id: str | None = None) -> list[Chunk]:
        clause = {"article_id": article_id} if article_id is not None else None
        return [
            chunk_from_record(cid, doc, meta)
            for cid, doc, meta in get_all(self._chunks, clause, ["documents", "metadatas"])
        ]

    def search(self, vector: np.ndarray, k: int, filters: Filters = Filters()) -> list[Hit]:
        n = self.count_chunks()
        if n == 0:
            return []
        if not filters:
            return self._nearest(vector, min(k, n), None)
        near = self._nearest(vector, min(k * _OVERFETCH, n), None)
        kept = [(c, s) for c, s in near if filters.admits(c.article)]
        if len(kept) >= k or len(near) == n:
            return kept[:k]
        return self._nearest(vector, min(k, n), where(filters))

    def _nearest(self, vector: np.ndarray, k: int, clause: dict[str, Any] | None) -> list[Hit]:
        res = self._chunks.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=k,
            where=clause,
            include=["documents", "metadatas", "distances"],
        )
        return [
            (chunk_from_record(cid, doc, meta), 1.0 - float(dist))
            for cid, doc, meta, dist in zip(
                res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True
            )
        ]

    def keyword_search(self, query: str, k: int, filters: Filters = Filters()) -> list[Hit]:
        if self.keyword is None:
            return []
        # Filters live in Chroma's metadata: over-fetch by keyword, then keep the chunks that pass them.
        hits = self.keyword.search(query, k * _OVERFETCH if filters else k)
        if not hits:
            return []
        # Fetch by id and filter here: Chroma's get(ids=..., where=...) scans the collection (0.6 s at 33k).
        got = self._chunks.get(ids=[cid for cid, _ in hits], include=["documents", "metadatas"])
        found = {
            cid: chunk_from_record(cid, doc, meta)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }
        kept = [
            (found[cid], score) for cid, score in hits if cid in found and filters.admits(found[cid].article)
        ]
        return kept[:k]

    def story_members(self, groups: Sequence[str]) -> dict[str, list[ArticleInfo]]:
        return self.stories.members(groups)
