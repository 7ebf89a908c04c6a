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

from index.models import ArticleInfo, Chunk, ChunkRef, StoredArticle
from index.store.base import EmbedderMismatchError, Hit, StoreError, WriteItem
from index.store.codec import chunk_from_record, chunk_metadata, manifest_metadata
from index.store.dense import cosines, filtered_search
from index.store.filters import Filters
from index.store.manifest import Manifest, get_all
from index.store.search_index import SearchIndex
from index.store.stories import Stories

if TYPE_CHECKING:
    from index.settings import IndexSettings


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
    """Chunks and vectors in a Chroma collection, the manifest in a second, BM25 and chunk rows in SQLite."""

    def __init__(
        self,
        client: Any,
        collection: str,
        embedder_name: str,
        dim: int,
        index_path: Path | None = None,
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
        # In client/server mode the SQLite file lives on the machine that answers; None keeps it in memory.
        self.index = SearchIndex(index_path or Path(":memory:"))
        self.stories = Stories(self.manifest, duplicate_threshold, self.index.story_articles)
        if self.index.count_chunks() != self.count_chunks():
            self._rebuild_index()

    def _rebuild_index(self) -> None:
        # Missing or out of step (made elsewhere, or by an older version): Chroma has every chunk's text, and
        # an article's text is its chunks' texts in order.
        articles: dict[str, list[Chunk]] = {}
        for chunk in self.chunks():
            articles.setdefault(chunk.article_id, []).append(chunk)
        rows = [(chunks[0].article, sorted(chunks, key=lambda c: c.start)) for chunks in articles.values()]
        self.index.clear()
        self.index.replace([], rows)

    @classmethod
    def open(cls, settings: IndexSettings, embedder_name: str, dim: int) -> ChromaStore:
        """Open (or create) the configured collection for this embedder."""
        return cls(
            open_client(settings),
            settings.collection,
            embedder_name,
            dim,
            settings.index_path,
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
        self._delete_chunks(known, index=False)  # the index is replaced below, in one transaction
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
        stored = [(replace(a.info, group=grouping[a.id][0]), c) for a, c, _ in items]
        self.index.replace(known, stored)
        self.manifest.finish([(a.id, manifest_metadata(a, *grouping[a.id], len(c))) for a, c, _ in items])

    def delete_article(self, article_id: str) -> bool:
        known = self.manifest.known([article_id])
        self._delete_chunks([article_id])
        self.manifest.remove([article_id])
        self.stories.forget([article_id])
        return bool(known)

    def _delete_chunks(self, article_ids: Sequence[str], index: bool = True) -> None:
        for aid in article_ids:
            self._chunks.delete(where={"article_id": aid})
        if index and article_ids:
            self.index.delete(article_ids)

    # -- reading -----------------------------------------------------------------------------------
    def articles(self, limit: int | None = None) -> list[StoredArticle]:
        # With a limit, only the newest are read, by id: the whole manifest takes seconds at 100k articles.
        found = (
            self.manifest.articles()
            if limit is None
            else self.manifest.by_ids(self.index.newest_articles(limit))
        )
        found.sort(key=lambda s: (s.info.published or date.min, s.info.title), reverse=True)
        return found

    def count_articles(self) -> int:
        return self.manifest.count()

    def count_chunks(self) -> int:
        return int(self._chunks.count())

    def sources(self) -> list[str]:
        return self.index.sources()  # not from the manifest: that reads every entry

    def chunks(self, article_id: str | None = None) -> list[Chunk]:
        clause = {"article_id": article_id} if article_id is not None else None
        return [
            chunk_from_record(cid, doc, meta)
            for cid, doc, meta in get_all(self._chunks, clause, ["documents", "metadatas"])
        ]

    def search(self, vector: np.ndarray, k: int, filters: Filters = Filters()) -> list[Hit]:
        return filtered_search(self._nearest, self.index.chunk_ids, vector, k, filters)

    def _nearest(
        self, vector: np.ndarray, k: int, clause: dict[str, Any] | None, ids: list[str] | None = None
    ) -> list[Hit]:
        # Ids and distances only: the chunk rows beside the vectors say the rest, for far less time.
        res = self._chunks.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=k,
            where=clause,
            ids=ids,
            include=["distances"],
        )
        ids, distances = res["ids"][0], res["distances"][0]
        refs = self.index.chunk_refs(ids)
        return [(refs[cid], 1.0 - float(d)) for cid, d in zip(ids, distances, strict=True) if cid in refs]

    def similarities(self, vector: np.ndarray, chunk_ids: Sequence[str]) -> dict[str, float]:
        if not chunk_ids:
            return {}
        got = self._chunks.get(ids=list(chunk_ids), include=["embeddings"])
        stored = np.asarray(got["embeddings"], dtype=np.float32).reshape(len(got["ids"]), -1)
        return dict(zip(got["ids"], cosines(stored, vector).tolist(), strict=True))

    def article_search(self, query: str, k: int, filters: Filters = Filters()) -> list[tuple[str, float]]:
        return self.index.search_articles(query, k, filters)

    def article_chunks(self, article_ids: Sequence[str]) -> list[ChunkRef]:
        return self.index.article_chunks(article_ids)

    def term_coverage(self, query: str, chunk_ids: Sequence[str]) -> dict[str, float]:
        return self.index.term_coverage(query, chunk_ids)

    def fetch(self, chunk_ids: Sequence[str]) -> list[Chunk]:
        if not chunk_ids:
            return []
        got = self._chunks.get(ids=list(chunk_ids), include=["documents", "metadatas"])
        found = {
            cid: chunk_from_record(cid, doc, meta)
            for cid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }
        return [found[cid] for cid in chunk_ids if cid in found]

    def story_members(self, groups: Sequence[str]) -> dict[str, list[ArticleInfo]]:
        return self.stories.members(groups)
