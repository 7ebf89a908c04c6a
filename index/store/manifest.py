"""The per-article manifest: what is stored, with which content hash, and what a crash left half-written.

An article is written as: entry 'pending' -> old chunks deleted, new chunks added -> entry 'done' with the
content hash. Whatever a crash leaves 'pending' is removed by the next ingest, so a rerun completes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from index.models import StoredArticle
from index.store.codec import Metadata, stored_from_manifest

_PAGE = 5000  # one get() of 33k records fails in Chroma 1.5.9 ("too many SQL variables")
_DONE = {"status": "done"}


def get_all(collection: Any, where: Metadata | None, include: list[str]) -> Iterator[tuple[str, Any, Any]]:
    """(id, document, metadata) of every record of a Chroma collection matching `where`, a page at a time."""
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=_PAGE, offset=offset)
        ids = got["ids"]
        docs = got.get("documents") or [None] * len(ids)
        metas = got.get("metadatas") or [None] * len(ids)
        yield from zip(ids, docs, metas, strict=True)
        if len(ids) < _PAGE:
            return
        offset += len(ids)


class Manifest:
    """One entry per article in a Chroma collection of its own (placeholder vectors: it is read by id)."""

    def __init__(self, collection: Any) -> None:
        self._entries = collection

    def known(self, ids: Sequence[str]) -> list[str]:
        """Those of `ids` with an entry, finished or pending: only these can have chunks to replace."""
        return list(self._entries.get(ids=list(ids), include=[])["ids"])

    def mark_pending(self, ids: Sequence[str]) -> None:
        """Mark articles as being written."""
        self._entries.upsert(
            ids=list(ids), embeddings=[[1.0]] * len(ids), metadatas=[{"status": "pending"} for _ in ids]
        )

    def finish(self, entries: Sequence[tuple[str, Metadata]]) -> None:
        """Record finished articles (metadata from codec.manifest_metadata)."""
        self._entries.upsert(
            ids=[i for i, _ in entries], embeddings=[[1.0]] * len(entries), metadatas=[m for _, m in entries]
        )

    def pending(self) -> list[str]:
        """Articles whose write was interrupted."""
        return list(self._entries.get(where={"status": "pending"}, include=[])["ids"])

    def remove(self, ids: Sequence[str]) -> None:
        """Forget these articles."""
        if ids:
            self._entries.delete(ids=list(ids))

    def hashes(self, ids: Sequence[str]) -> dict[str, str]:
        """Content hash of each finished article among `ids`."""
        out: dict[str, str] = {}
        unique = list(dict.fromkeys(ids))
        for i in range(0, len(unique), 500):
            got = self._entries.get(ids=unique[i : i + 500], include=["metadatas"])
            for aid, meta in zip(got["ids"], got["metadatas"], strict=True):
                if meta and meta.get("status") == "done":
                    out[aid] = str(meta.get("hash", ""))
        return out

    def entries(self, where: Metadata | None = None) -> Iterator[tuple[str, Metadata]]:
        """(article id, metadata) of the finished entries matching `where`."""
        clause = _DONE if where is None else {"$and": [_DONE, where]}
        for aid, _, meta in get_all(self._entries, clause, ["metadatas"]):
            yield aid, dict(meta or {})

    def articles(self, where: Metadata | None = None) -> list[StoredArticle]:
        """The finished articles matching `where`."""
        return [stored_from_manifest(aid, m) for aid, m in self.entries(where)]

    def by_ids(self, ids: Sequence[str]) -> list[StoredArticle]:
        """The finished articles among `ids`, read by id (no scan of the other entries)."""
        out = []
        unique = list(dict.fromkeys(ids))
        for i in range(0, len(unique), 500):
            got = self._entries.get(ids=unique[i : i + 500], include=["metadatas"])
            for aid, meta in zip(got["ids"], got["metadatas"], strict=True):
                if meta and meta.get("status") == "done":
                    out.append(stored_from_manifest(aid, meta))
        return out

    def count(self) -> int:
        """Finished articles: every entry but the pending ones (listing every finished id grows with them)."""
        return int(self._entries.count()) - len(self.pending())
