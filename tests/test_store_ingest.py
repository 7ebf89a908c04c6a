"""Real Chroma on a temp dir: idempotent re-ingest, updates, interrupted ingests, embedder checks, filters."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from index.ingest import ingest_articles
from index.loading import load_paths
from index.store import ArticleStore, EmbedderMismatchError
from tests.conftest import FIXTURES, SEEDS


def _articles():  # type: ignore[no-untyped-def]
    return load_paths([FIXTURES / "synthetic", SEEDS]).articles


def test_reingest_changes_nothing(make_qa) -> None:  # type: ignore[no-untyped-def]
    qa = make_qa()
    first = qa.ingest_articles(_articles(), progress=False)
    chunks = qa.store.count_chunks()
    assert len(first.added) == 7 and chunks > 7
    again = qa.ingest_articles(_articles(), progress=False)
    assert again.added == [] and again.updated == [] and len(again.skipped) == 7
    assert qa.store.count_chunks() == chunks
    assert qa.store.count_articles() == 7


def test_changed_article_replaces_its_chunks(make_qa) -> None:  # type: ignore[no-untyped-def]
    qa = make_qa()
    arts = _articles()
    qa.ingest_articles(arts, progress=False)
    before = qa.store.count_chunks()
    bridge = next(a for a in arts if a.id == "syn-bridge-1")
    edited = replace(bridge, text="The Harbor Bridge vote was postponed to December.")
    report = qa.ingest_articles([edited], progress=False)
    assert report.updated == ["syn-bridge-1"]
    texts = [c.text for c in qa.store.get_chunks({"article_id": "syn-bridge-1"})]
    assert texts == ["The Harbor Bridge vote was postponed to December."]
    assert qa.store.count_chunks() == before - 1 + 1  # bridge had one chunk, still one


class _Boom(RuntimeError):
    pass


def test_interrupted_ingest_is_consistent_and_a_rerun_completes(make_qa, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import index.ingest as ingest_mod

    qa = make_qa()
    arts = _articles()
    monkeypatch.setattr(ingest_mod, "_GROUP_CHUNKS", 1)  # one article per write
    real_write = ArticleStore.write
    calls = {"n": 0}

    def crashing_write(self, items):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            # Crash after marking pending and adding chunks, before the manifest says done.
            self._manifest.upsert(
                ids=[a.id for a, _, _ in items],
                embeddings=[[1.0]] * len(items),
                metadatas=[{"status": "pending"}] * len(items),
            )
            from index.store import _to_node

            self.vector_store.add(
                [_to_node(c, v) for _, cs, vs in items for c, v in zip(cs, vs, strict=True)]
            )
            raise _Boom("power cut")
        return real_write(self, items)

    monkeypatch.setattr(ArticleStore, "write", crashing_write)
    with pytest.raises(_Boom):
        ingest_articles(arts, qa.store, embedder, progress=False)
    assert qa.store.count_articles() == 2
    monkeypatch.setattr(ArticleStore, "write", real_write)
    report = ingest_articles(arts, qa.store, embedder, progress=False)
    assert len(report.recovered) == 1
    assert len(report.added) == 5 and len(report.skipped) == 2
    assert qa.store.count_articles() == 7
    ids = [c.id for c in qa.store.get_chunks()]
    assert len(ids) == len(set(ids))
    # No chunk belongs to an article the manifest does not list.
    listed = {a.id for a in qa.store.articles()}
    assert {c.article_id for c in qa.store.get_chunks()} == listed


def test_embedding_failure_keeps_earlier_groups_and_a_rerun_completes(make_qa, embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Groups embed in the background while earlier ones are written: a failure loses only unwritten ones."""
    import index.ingest as ingest_mod

    qa = make_qa()
    arts = _articles()
    monkeypatch.setattr(ingest_mod, "_GROUP_CHUNKS", 1)  # one article per group

    class Failing:
        name, dim = embedder.name, embedder.dim

        def embed(self, texts):  # type: ignore[no-untyped-def]
            # By content, not by call count: two groups embed at once, in either order.
            if all(t in arts[3].text for t in texts):
                raise _Boom("embedder died")
            return embedder.embed(texts)

    with pytest.raises(_Boom):
        ingest_articles(arts, qa.store, Failing(), progress=False)
    assert qa.store.count_articles() == 3
    report = ingest_articles(arts, qa.store, embedder, progress=False)
    assert len(report.skipped) == 3 and len(report.added) == len(arts) - 3
    assert qa.store.keyword is not None and qa.store.keyword.count() == qa.store.count_chunks()


def test_other_embedder_on_same_collection_is_a_clear_error(make_qa) -> None:  # type: ignore[no-untyped-def]
    qa = make_qa()
    qa.ingest_articles(_articles()[:1], progress=False)
    with pytest.raises(EmbedderMismatchError, match="built with embedder"):
        ArticleStore.open(qa.settings, "some-other-model", 384)
    with pytest.raises(EmbedderMismatchError, match="768 dims"):
        ArticleStore.open(qa.settings, qa.embedder.name, 768)


def test_metadata_survives_and_as_of_filters(make_qa) -> None:  # type: ignore[no-untyped-def]
    qa = make_qa()
    qa.ingest_articles(_articles(), progress=False)
    vec = qa.embedder.embed(["ferry to Gull Island suspended after storm"])[0]
    top, _ = qa.store.query(vec, 1)[0]
    assert top.title == "Ferry service to Gull Island suspended"
    assert top.published == date(2024, 11, 20)
    hits = qa.store.query(vec, 10, as_of=date(2024, 10, 31))
    assert hits and all(c.published is None or c.published <= date(2024, 10, 31) for c, _ in hits)
    assert all(c.article_id != top.article_id for c, _ in hits)
    only = qa.store.query(vec, 10, sources=["Riverton Daily (synthetic)"])
    assert only and {c.source for c, _ in only} == {"Riverton Daily (synthetic)"}
    assert "Lakeside Herald (synthetic)" in qa.store.sources()


def test_delete_article(make_qa) -> None:  # type: ignore[no-untyped-def]
    qa = make_qa()
    qa.ingest_articles(_articles(), progress=False)
    assert qa.store.delete_article("syn-bridge-1")
    assert not qa.store.get_chunks({"article_id": "syn-bridge-1"})
    assert qa.store.count_articles() == 6
    assert not qa.store.delete_article("syn-bridge-1")


def test_vectors_stored_are_the_embedder_s(make_qa) -> None:  # type: ignore[no-untyped-def]
    qa = make_qa()
    qa.ingest_articles(_articles()[:1], progress=False)
    got = qa.store._chunks.get(include=["embeddings", "documents"])
    vecs = qa.embedder.embed(got["documents"])
    assert np.allclose(np.asarray(got["embeddings"]), vecs, atol=1e-4)


class _Recorder:
    """Wraps the real embedder and keeps what it was asked to embed."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner, self.name, self.dim, self.seen = inner, inner.name, inner.dim, []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.seen.extend(texts)
        return self.inner.embed(texts)


@pytest.mark.parametrize(("chunk_size", "titled"), [(200, True), (254, False)])
def test_titles_go_above_chunks_only_where_the_window_has_room(
    settings, embedder, chunk_size, titled
) -> None:  # type: ignore[no-untyped-def]
    from index.embedding import MINILM_MAX_TOKENS, count_word_pieces

    store = ArticleStore.open(settings, embedder.name, embedder.dim)
    recorder = _Recorder(embedder)
    arts = _articles()
    ingest_articles(arts, store, recorder, chunk_size=chunk_size, chunk_overlap=0, title_pieces=32)
    stored = {c.text for c in store.get_chunks()}
    assert len(recorder.seen) == len(stored)
    for text in recorder.seen:
        head, _, body = text.partition("\n")
        assert (body in stored and count_word_pieces(head) <= 32) if titled else text in stored
        assert count_word_pieces(text) <= MINILM_MAX_TOKENS - 2  # nothing cut off by the model's window


def test_clip_to_pieces_cuts_at_a_piece_boundary() -> None:
    from index.embedding import clip_to_pieces, count_word_pieces

    title = "Marrow Valley earthquake: hospital officials count the injured after Sunday's tremor"
    assert clip_to_pieces(title, 100) == title
    short = clip_to_pieces(title, 5)
    assert title.startswith(short) and count_word_pieces(short) == 5
    assert clip_to_pieces(title, 0) == ""


def test_large_ingest_embeds_in_worker_processes_then_stops_them(make_qa, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from index import onnx_embedding
    from index.onnx_embedding import OnnxMiniLMEmbedder

    qa = make_qa()
    assert isinstance(qa.embedder, OnnxMiniLMEmbedder)
    monkeypatch.setattr(onnx_embedding, "_PROCESS_MIN_CHARS", 1)  # the fixtures are small
    handed = []
    real = OnnxMiniLMEmbedder._embed_in_processes

    def spy(self, texts, out):  # type: ignore[no-untyped-def]
        handed.append(len(texts))
        return real(self, texts, out)

    monkeypatch.setattr(OnnxMiniLMEmbedder, "_embed_in_processes", spy)
    report = qa.ingest_articles(_articles(), progress=False)
    assert sum(handed) == report.chunks > 0
    assert qa.embedder._processes is None  # stopped after the ingest
    stored = qa.store._chunks.get(include=["documents", "embeddings"])
    monkeypatch.setattr(onnx_embedding, "_PROCESS_MIN_CHARS", 10**12)
    # Chroma's round trip changes the last bits only.
    np.testing.assert_allclose(
        np.asarray(stored["embeddings"]), qa.embedder.embed(stored["documents"]), atol=1e-6
    )


def test_failed_ingest_leaves_no_worker_processes(make_qa, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import index.ingest as ingest_mod
    from index import onnx_embedding

    qa = make_qa()
    monkeypatch.setattr(onnx_embedding, "_PROCESS_MIN_CHARS", 1)
    monkeypatch.setattr(ingest_mod, "_GROUP_CHUNKS", 2)  # small groups, but of 2 texts or more
    real_write = ArticleStore.write
    writes = []

    def failing_write(self, items):  # type: ignore[no-untyped-def]
        writes.append(qa.embedder._processes)
        if len(writes) == 2:  # the third group is embedding in the workers by now
            raise _Boom("disk full")
        return real_write(self, items)

    monkeypatch.setattr(ArticleStore, "write", failing_write)
    with pytest.raises(_Boom):
        qa.ingest_articles(_articles(), progress=False)
    assert writes[0]  # the workers were up during the ingest
    assert qa.embedder._processes is None
