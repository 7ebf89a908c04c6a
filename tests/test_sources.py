"""index/sources.py: sources ingested one by one, progress per source and overall, a clean stop."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest

from index.sources import IngestProgress, ProgressDisplay, ingest_sources
from tests.conftest import SEEDS
from tests.fakes import FakeEmbedder, MemoryStore


def _jsonl(path: Path, n: int, words: int = 120) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = " ".join(
                f"{path.stem}{i}x{j} sentence." if j % 12 == 11 else f"{path.stem}{i}x{j}"
                for j in range(words)
            )
            out.write(json.dumps({"id": f"{path.stem}{i}", "title": f"Article {i}", "text": text}) + "\n")
    return path


def test_each_source_is_reported_and_progress_covers_files_and_the_run(tmp_path: Path) -> None:
    one, two = _jsonl(tmp_path / "one.jsonl", 9), _jsonl(tmp_path / "two.jsonl", 3)
    seen: list[tuple[int, int, int, int, int, float]] = []

    def record(p: IngestProgress) -> None:
        seen.append((p.index, p.source_done, p.source_articles, p.articles, p.chunks, p.fraction))

    store = MemoryStore()
    _, report = ingest_sources([one, tmp_path / "nope", two], store, FakeEmbedder(), on_progress=record)
    assert len(report.added) == 12 and store.count_articles() == 12
    assert [str(e) for e in report.failed] == [f"{tmp_path / 'nope'}: No such file or folder"]
    assert {s[0] for s in seen} == {1, 2}, "the missing path is not a source"
    fractions = [s[5] for s in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    last = seen[-1]
    assert last[1:4] == (3, 3, 12) and last[4] == report.chunks == store.count_chunks()


def test_progress_line_names_the_file_and_the_run() -> None:
    p = IngestProgress(sources=2, total_bytes=1000, index=2, name="feed.jsonl", source_bytes=600)
    p.bytes_done, p.source_articles, p.source_done, p.articles, p.chunks = 400, 100, 50, 150, 600
    p.started -= 10
    p.source_started = p.started + 5
    line = p.line()
    assert line.startswith("feed.jsonl (2/2): 50/100 articles, ETA 5s · overall 70%: 150 articles")
    assert "600 chunks, 15.0 articles/s, ETA 4s" in line
    out = io.StringIO()
    display = ProgressDisplay(out, every=0)
    display(p)
    assert out.getvalue() == f"progress: {line}\n", "not a terminal: plain lines"


def test_stop_ends_after_a_whole_group_and_a_rerun_completes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.ingest as ingest_mod

    monkeypatch.setattr(ingest_mod, "_GROUP_CHUNKS", 4)  # a few articles per write
    corpus = _jsonl(tmp_path / "big.jsonl", 24)
    store, stop = MemoryStore(), threading.Event()

    def stop_after_first_group(p: IngestProgress) -> None:
        if p.source_done:
            stop.set()

    _, report = ingest_sources(
        [corpus, SEEDS], store, FakeEmbedder(), on_progress=stop_after_first_group, stop=stop
    )
    assert report.interrupted and 0 < len(report.added) < 24
    assert store.count_articles() == len(report.added), "only whole articles are stored"
    assert len(report.left) == 24 - len(report.added) + 1, "the unwritten articles and the unread folder"
    assert str(SEEDS / "000_ec9d1e3fc129980f.txt") in report.left
    assert "stopped before" in report.summary() and "run the same command again" in report.summary()
    _, again = ingest_sources([corpus, SEEDS], store, FakeEmbedder())
    assert not again.interrupted and len(again.skipped) == len(report.added)
    assert store.count_articles() == 25
    full = MemoryStore()
    ingest_sources([corpus, SEEDS], full, FakeEmbedder())
    assert sorted(c.id for c in store.chunks()) == sorted(c.id for c in full.chunks())


def test_a_url_source_goes_through_the_fetch_guard(tmp_path: Path) -> None:
    _, report = ingest_sources(["http://127.0.0.1:9/feed.xml"], MemoryStore(), FakeEmbedder())
    [err] = report.failed
    assert "a loopback address" in err.reason
    _, report = ingest_sources(["ftp://x.example/f"], MemoryStore(), FakeEmbedder())
    assert "Only http and https" in report.failed[0].reason


def test_the_size_limit_applies_per_file(tmp_path: Path) -> None:
    big = _jsonl(tmp_path / "big.jsonl", 20)
    assert big.stat().st_size > 12_000 > (SEEDS / "000_ec9d1e3fc129980f.txt").stat().st_size
    _, report = ingest_sources([big, SEEDS], MemoryStore(), FakeEmbedder(), max_bytes=12_000)
    assert len(report.added) == 1 and "NEWSQA_MAX_FILE_MB" in report.failed[0].reason
