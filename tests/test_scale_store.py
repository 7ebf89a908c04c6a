"""Store reads that must not grow with the archive: story members, outlets, counts, filtered searches."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from index.models import Article
from index.store.chroma import ChromaStore
from index.store.codec import where
from index.store.filters import Filters
from qa.settings import Settings
from tests.fakes import FakeEmbedder


def _store(settings: Settings, articles: list[Article]) -> ChromaStore:
    from index.ingest import ingest_articles

    emb = FakeEmbedder()
    store = ChromaStore.open(settings, emb.name, emb.dim)
    ingest_articles(articles, store, emb, progress=False)
    return store


def _article(i: int, source: str, text: str = "") -> Article:
    return Article(
        id=f"a{i:03d}",
        text=text or f"Report number {i} on the harbour works, item {i} of the council's list {i * 7}.",
        title=f"Report {i}",
        source=source,
        published=date(2024, 10, 1 + i % 28),
    )


def _no_manifest_scan(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Make every manifest read that is not by id fail the test; returns the sizes of the reads by id."""
    entries = store.manifest._entries
    sizes: list[int] = []
    get = entries.get

    def by_id_only(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("ids") is None and kwargs.get("where") != {"status": "pending"}:
            raise AssertionError(f"a manifest scan: {kwargs}")
        got = get(*args, **kwargs)
        sizes.append(len(got["ids"]))
        return got

    monkeypatch.setattr(entries, "get", by_id_only)
    return sizes


def test_story_members_outlets_and_counts_read_no_whole_manifest(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire = "The harbour authority approved the new breakwater on Tuesday after a long and bitter debate. " * 3
    articles = [_article(i, "Daily A" if i % 2 else "Daily B") for i in range(12)]
    articles += [_article(90, "Wire", wire), _article(91, "Daily A", wire)]  # a copy: one story
    store = _store(settings.model_copy(update={"duplicate_threshold": 0.6}), articles)
    sizes = _no_manifest_scan(store, monkeypatch)

    members = store.story_members(["a090"])
    assert [m.id for m in members["a090"]] == ["a090", "a091"]
    assert [m.id for m in store.story_members(["a005"])["a005"]] == ["a005"]
    assert store.sources() == ["Daily A", "Daily B", "Wire"]
    assert store.count_articles() == 14
    assert max(sizes, default=0) <= 2  # by id: only the members asked for


def test_count_leaves_out_pending_articles(settings: Settings) -> None:
    store = _store(settings, [_article(i, "Daily A") for i in range(3)])
    store.manifest.mark_pending(["a001", "zzz"])
    assert store.count_articles() == 2  # a000 and a002; not a001 (pending again) nor zzz


def _fail(*args: Any) -> Any:
    raise AssertionError("not to be called by a search")


def _spy(store: ChromaStore, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple[Any, Any]], Any]:
    """Record (where clause, ids) of every Chroma query of the store's dense search."""
    calls: list[tuple[Any, Any]] = []
    nearest = store._nearest

    def spy(vector: np.ndarray, k: int, clause: Any, ids: list[str] | None = None) -> Any:
        calls.append((clause, ids))
        return nearest(vector, k, clause, ids)

    monkeypatch.setattr(store, "_nearest", spy)
    return calls, nearest


def test_a_filtered_search_goes_deeper_before_any_filtered_query(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 60 one-chunk articles, 6 from the outlet asked for: the first unfiltered 10 hold about one of them.
    store = _store(settings, [_article(i, "Rare" if i % 10 == 0 else "Common") for i in range(60)])
    calls, nearest = _spy(store, monkeypatch)
    monkeypatch.setattr(store, "count_chunks", _fail)  # Chroma's count() reads the whole collection
    vector = FakeEmbedder().embed(["harbour works council list"])[0]
    hits = store.search(vector, 5, Filters(sources=("Rare",)))
    assert calls == [(None, None), (None, None)]  # deeper, unfiltered; neither ids nor Chroma's filter
    exact = nearest(vector, 5, {"source": {"$in": ["Rare"]}})
    assert [r.id for r, _ in hits] == [r.id for r, _ in exact]
    assert all(r.source == "Rare" for r, _ in hits)


def test_a_filter_too_rare_for_any_depth_searches_the_admitted_ids(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.store.dense as dense

    articles = [_article(i, "Rare" if i in (7, 21, 33) else "Common") for i in range(40)]
    store = _store(settings, articles)
    monkeypatch.setattr(dense, "_MAX_DEPTH", 5)
    monkeypatch.setattr(dense, "_ID_BATCH", 2)  # the ids go to Chroma in batches, merged by score
    calls, nearest = _spy(store, monkeypatch)
    vector = FakeEmbedder().embed(["council"])[0]
    filters = Filters(as_of=date(2024, 10, 28), sources=("Rare",))
    hits = store.search(vector, 2, filters)
    exact = nearest(vector, 2, where(filters))  # Chroma's own filter, exact
    batches = [ids for _, ids in calls if ids]
    assert sorted(i for ids in batches for i in ids) == ["a007:0", "a021:0", "a033:0"]
    assert [len(ids) for ids in batches] == [2, 1]
    assert all(clause is None for clause, _ in calls)
    assert [r.id for r, _ in hits] == [r.id for r, _ in exact]


def test_a_filter_admitting_too_many_ids_is_left_to_chroma(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.store.dense as dense

    store = _store(settings, [_article(i, "Rare" if i == 7 else "Common") for i in range(40)])
    monkeypatch.setattr(dense, "_MAX_DEPTH", 20)
    monkeypatch.setattr(dense, "_MAX_IDS", 0)
    calls, _ = _spy(store, monkeypatch)
    hits = store.search(FakeEmbedder().embed(["harbour"])[0], 3, Filters(sources=("Rare",)))
    assert [r.article_id for r, _ in hits] == ["a007"]
    assert calls[-1] == ({"source": {"$in": ["Rare"]}}, None)


def test_the_library_lists_the_newest_articles_without_reading_the_whole_manifest(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qa.chat import library
    from qa.pipeline import NewsQA

    articles = [_article(i, "Daily A") for i in range(12)]  # published 2024-10-01 .. 2024-10-12
    store = _store(settings, articles)
    assert len(store.articles()) == 12
    sizes = _no_manifest_scan(store, monkeypatch)
    newest = store.articles(limit=3)
    assert [s.info.published for s in newest] == [date(2024, 10, 12), date(2024, 10, 11), date(2024, 10, 10)]
    assert sizes == [3], "read by id, only the three"
    monkeypatch.setattr(library, "LISTED", 3)
    html = library.articles_html(NewsQA(settings, llm=None, embedder=FakeEmbedder(), store=store))
    assert "12 articles indexed; the newest 3 are listed" in html
    assert html.count("<tr>") == 4  # the header and three articles
