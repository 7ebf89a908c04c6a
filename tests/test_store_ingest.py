"""Real Chroma on a temp dir: idempotent re-ingest, updates, interrupted ingests, embedder checks, filters."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from index.ingest import ingest_articles
from index.loading import load_paths
from index.models import Article
from index.store.base import EmbedderMismatchError, WriteItem
from index.store.chroma import ChromaStore
from index.store.filters import Filters
from index.store.manifest import Manifest
from tests.conftest import FIXTURES, SEEDS, MakeQA
from tests.fakes import FakeEmbedder, FakeMiniLM


def _articles() -> list[Article]:
    return load_paths([FIXTURES / "synthetic", SEEDS]).articles


def _vectors_are_the_embedders(qa, atol: float) -> None:
    """Each stored chunk is its own nearest neighbour, at the cosine its embedder gives it (about 1)."""
    for chunk in qa.store.chunks():
        (top, score), *_ = qa.store.search(qa.embedder.embed([chunk.text])[0], 1)  # a ChunkRef
        assert top.id == chunk.id and score == pytest.approx(1.0, abs=atol)


def test_reingest_changes_nothing(make_qa: MakeQA) -> None:
    qa = make_qa(store="chroma")
    first = qa.ingest_articles(_articles(), progress=False)
    chunks = qa.store.count_chunks()
    assert len(first.added) == 7 and chunks > 7
    again = qa.ingest_articles(_articles(), progress=False)
    assert again.added == [] and again.updated == [] and len(again.skipped) == 7
    assert qa.store.count_chunks() == chunks
    assert qa.store.count_articles() == 7


def test_text_is_stored_in_nfc_and_the_other_form_is_the_same_article(make_qa: MakeQA) -> None:
    # Feeds and pages carry decomposed accents ("Beyonce" + U+0301); people type the composed "Beyoncé".
    qa = make_qa(store="chroma")
    decomposed = "Beyonce\u0301 course coming to Yale (synthetic)"
    text = f"{decomposed}. The Yale course on Beyonce\u0301 opens in the spring, the university said."
    article = Article("nfc-1", text, decomposed, source="Cafe\u0301 Daily")
    assert qa.ingest_articles([article], progress=False).added == ["nfc-1"]
    (chunk,) = qa.store.chunks("nfc-1")
    assert "Beyoncé course" in chunk.article.title and "on Beyoncé opens" in chunk.text
    assert "\u0301" not in chunk.text + chunk.article.title and chunk.article.source == "Café Daily"
    composed = Article(
        "nfc-1", unicodedata.normalize("NFC", text), "Beyoncé course coming to Yale (synthetic)"
    )
    again = qa.ingest_articles([replace(composed, source="Café Daily")], progress=False)
    assert again.skipped == ["nfc-1"] and again.updated == [] and qa.store.count_chunks() == 1


def test_changed_article_replaces_its_chunks(make_qa: MakeQA) -> None:
    qa = make_qa(store="chroma")
    arts = _articles()
    qa.ingest_articles(arts, progress=False)
    before = qa.store.count_chunks()
    bridge = next(a for a in arts if a.id == "syn-bridge-1")
    edited = replace(bridge, text="The Harbor Bridge vote was postponed to December.")
    report = qa.ingest_articles([edited], progress=False)
    assert report.updated == ["syn-bridge-1"]
    assert [c.text for c in qa.store.chunks("syn-bridge-1")] == [
        "The Harbor Bridge vote was postponed to December."
    ]
    assert qa.store.count_chunks() == before - 1 + 1  # bridge had one chunk, still one


class _Boom(RuntimeError):
    pass


def test_interrupted_ingest_is_consistent_and_a_rerun_completes(
    make_qa: MakeQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.ingest as ingest_mod

    qa = make_qa(store="chroma")
    arts = _articles()
    monkeypatch.setattr(ingest_mod, "_GROUP_CHUNKS", 1)  # one article per write
    real_finish = Manifest.finish
    calls = {"n": 0}

    def crashing_finish(self: Manifest, entries: Sequence[tuple[str, dict[str, object]]]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:  # the power goes after the chunks are written, before the article is done
            raise _Boom("power cut")
        real_finish(self, entries)

    monkeypatch.setattr(Manifest, "finish", crashing_finish)
    with pytest.raises(_Boom):
        ingest_articles(arts, qa.store, qa.embedder, progress=False)
    assert qa.store.count_articles() == 2
    monkeypatch.setattr(Manifest, "finish", real_finish)
    report = ingest_articles(arts, qa.store, qa.embedder, progress=False)
    assert len(report.recovered) == 1
    assert len(report.added) == 5 and len(report.skipped) == 2
    assert qa.store.count_articles() == 7
    ids = [c.id for c in qa.store.chunks()]
    assert len(ids) == len(set(ids))
    # No chunk belongs to an article the manifest does not list, and BM25 holds exactly the stored chunks.
    listed = {s.info.id for s in qa.store.articles()}
    assert {c.article_id for c in qa.store.chunks()} == listed
    assert isinstance(qa.store, ChromaStore) and qa.store.index.count_chunks() == qa.store.count_chunks()


def test_embedding_failure_keeps_earlier_groups_and_a_rerun_completes(
    make_qa: MakeQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Groups embed in the background while earlier ones are written: a failure loses only unwritten ones."""
    import index.ingest as ingest_mod

    qa = make_qa(store="chroma")
    arts = _articles()
    monkeypatch.setattr(ingest_mod, "_GROUP_CHUNKS", 1)  # one article per group

    class Failing(FakeEmbedder):
        def embed(self, texts: Sequence[str]) -> np.ndarray:
            # By content, not by call count: two groups embed at once, in either order.
            if all(t in arts[3].text for t in texts):
                raise _Boom("embedder died")
            return super().embed(texts)

    with pytest.raises(_Boom):
        ingest_articles(arts, qa.store, Failing(), progress=False)
    assert qa.store.count_articles() == 3
    report = ingest_articles(arts, qa.store, qa.embedder, progress=False)
    assert len(report.skipped) == 3 and len(report.added) == len(arts) - 3
    assert isinstance(qa.store, ChromaStore) and qa.store.index.count_chunks() == qa.store.count_chunks()


def test_other_embedder_on_same_collection_is_a_clear_error(make_qa: MakeQA) -> None:
    qa = make_qa(store="chroma")
    qa.ingest_articles(_articles()[:1], progress=False)
    with pytest.raises(EmbedderMismatchError, match="built with embedder"):
        ChromaStore.open(qa.settings, "some-other-model", qa.embedder.dim)
    with pytest.raises(EmbedderMismatchError, match="768 dims"):
        ChromaStore.open(qa.settings, qa.embedder.name, 768)


def test_metadata_survives_and_filters_apply(make_qa: MakeQA) -> None:
    qa = make_qa(store="chroma")
    qa.ingest_articles(_articles(), progress=False)
    vec = qa.embedder.embed(["Ferry service to Gull Island suspended after the storm"])[0]
    ref, _ = qa.store.search(vec, 1)[0]
    (top,) = qa.store.fetch([ref.id])
    assert top.article.title == "Ferry service to Gull Island suspended"
    assert top.article.published == ref.published == date(2024, 11, 20)
    hits = qa.store.search(vec, 10, Filters(as_of=date(2024, 10, 31)))
    assert hits and all(r.published is None or r.published <= date(2024, 10, 31) for r, _ in hits)
    assert all(r.article_id != top.article_id for r, _ in hits)
    only = qa.store.search(vec, 10, Filters(sources=("Riverton Daily (synthetic)",)))
    assert only and {c.article.source for c in qa.store.fetch([r.id for r, _ in only])} == {
        "Riverton Daily (synthetic)"
    }
    assert "Lakeside Herald (synthetic)" in qa.store.sources()
    reopened = ChromaStore.open(qa.settings, qa.embedder.name, qa.embedder.dim)
    assert {c.article for c in reopened.chunks(top.article_id)} == {top.article}


def test_delete_article(make_qa: MakeQA) -> None:
    qa = make_qa(store="chroma")
    qa.ingest_articles(_articles(), progress=False)
    assert qa.store.delete_article("syn-bridge-1")
    assert not qa.store.chunks("syn-bridge-1")
    assert qa.store.count_articles() == 6
    assert not qa.store.delete_article("syn-bridge-1")


def test_vectors_stored_are_the_embedder_s(make_qa: MakeQA) -> None:
    qa = make_qa(store="chroma")
    qa.ingest_articles(_articles()[:2], progress=False)
    _vectors_are_the_embedders(qa, atol=1e-4)


class _Recorder(FakeMiniLM):
    """MiniLM's tokenizer and window; keeps what it was asked to embed."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.seen.extend(texts)
        return super().embed(texts)


@pytest.mark.parametrize(("chunk_size", "titled"), [(200, True), (254, False)])
def test_titles_go_above_chunks_only_where_the_window_has_room(settings, chunk_size, titled) -> None:
    recorder = _Recorder()
    store = ChromaStore.open(settings, recorder.name, recorder.dim)
    ingest_articles(_articles(), store, recorder, chunk_size=chunk_size, chunk_overlap=0, title_pieces=32)
    stored = {c.text for c in store.chunks()}
    assert len(recorder.seen) == len(stored)
    for text in recorder.seen:
        head, _, body = text.partition("\n")
        assert (body in stored and recorder.count_tokens(head) <= 32) if titled else text in stored
        assert recorder.count_tokens(text) <= recorder.max_tokens  # nothing cut off by the model's window


def test_clip_cuts_at_a_token_boundary() -> None:
    minilm = FakeMiniLM()
    title = "Marrow Valley earthquake: hospital officials count the injured after Sunday's tremor"
    assert minilm.clip(title, 100) == title
    short = minilm.clip(title, 5)
    assert title.startswith(short) and minilm.count_tokens(short) == 5
    assert minilm.clip(title, 0) == ""


@pytest.mark.slow
def test_large_ingest_embeds_in_worker_processes_then_stops_them(
    make_qa: MakeQA, monkeypatch: pytest.MonkeyPatch
) -> None:
    from index.embedding.onnx import OnnxMiniLMEmbedder

    qa = make_qa(store="chroma", embedder="real")
    embedder = qa.embedder
    assert isinstance(embedder, OnnxMiniLMEmbedder)
    monkeypatch.setattr(embedder, "process_min_chars", 1)  # the fixtures are small
    running: list[bool] = []

    def written(done: int, total: int, chunks: int) -> None:
        if done:  # after each group's write (the first call, before any, says how many there are)
            running.append(embedder.workers_running)

    qa.ingest_articles(_articles(), progress=False, on_progress=written)
    assert running and all(running)  # the workers embedded every group
    assert not embedder.workers_running  # stopped after the ingest
    _vectors_are_the_embedders(qa, atol=1e-5)  # the same vectors as in-process, to Chroma's rounding


@pytest.mark.slow
def test_failed_ingest_leaves_no_worker_processes(make_qa: MakeQA, monkeypatch: pytest.MonkeyPatch) -> None:
    import index.ingest as ingest_mod
    from index.embedding.onnx import OnnxMiniLMEmbedder

    qa = make_qa(store="chroma", embedder="real")
    embedder = qa.embedder
    assert isinstance(embedder, OnnxMiniLMEmbedder)
    monkeypatch.setattr(embedder, "process_min_chars", 1)
    monkeypatch.setattr(ingest_mod, "_GROUP_CHUNKS", 2)  # small groups, but of 2 texts or more
    real_write = ChromaStore.write
    running: list[bool] = []

    def failing_write(self: ChromaStore, items: Sequence[WriteItem]) -> None:
        running.append(embedder.workers_running)
        if len(running) == 2:  # the third group is embedding in the workers by now
            raise _Boom("disk full")
        real_write(self, items)

    monkeypatch.setattr(ChromaStore, "write", failing_write)
    with pytest.raises(_Boom):
        qa.ingest_articles(_articles(), progress=False)
    assert running[0]  # the workers were up during the ingest
    assert not embedder.workers_running
