"""Ingest files, folders and page or feed URLs one source at a time, with progress per source and overall."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from index.embedding.base import Embedder
from index.feeds import load_url
from index.ingest import IngestReport, ingest_articles
from index.loading import LoadResult, iter_files, load_file, missing_path_error
from index.settings import IndexSettings
from index.store.base import Store


@dataclass
class IngestProgress:
    """How far an ingest is: the source (file or URL) being written, and the whole run."""

    sources: int  # files and URLs in the run
    total_bytes: int  # the files' sizes (a URL counts as nothing)
    started: float = field(default_factory=time.monotonic)
    index: int = 0  # 1-based number of the current source
    name: str = ""  # its path or URL
    source_bytes: int = 0
    source_started: float = 0.0
    source_articles: int = 0  # articles of the source to write (unchanged ones are skipped at once)
    source_done: int = 0
    articles: int = 0  # written over the run
    chunks: int = 0  # written over the run
    bytes_done: int = 0  # sizes of the sources finished

    @property
    def fraction(self) -> float:
        """Share of the run done, by bytes of the files (by sources when there are no files)."""
        part = self.source_done / self.source_articles if self.source_articles else 0.0
        if self.total_bytes:
            return min(1.0, (self.bytes_done + part * self.source_bytes) / self.total_bytes)
        return min(1.0, (self.index - 1 + part) / max(1, self.sources))

    @property
    def rate(self) -> float:
        """Articles written per second over the run."""
        return self.articles / max(1e-6, time.monotonic() - self.started)

    def eta(self) -> float | None:
        """Seconds left for the whole run, from the pace so far (None before anything was written)."""
        done, spent = self.fraction, time.monotonic() - self.started
        return spent * (1 - done) / done if done > 0 and self.articles else None

    def source_eta(self) -> float | None:
        """Seconds left for the current source."""
        done, spent = self.source_done, time.monotonic() - self.source_started
        left = self.source_articles - done
        return spent * left / done if done else None

    def line(self, name: str | None = None) -> str:
        """One line: the source, its articles, then the run's articles, chunks, rate and time left."""
        shown = name or self.name
        source = f"{shown} ({self.index}/{self.sources}): {self.source_done:,}/{self.source_articles:,}"
        overall = (
            f"overall {self.fraction:.0%}: {self.articles:,} articles, {self.chunks:,} chunks, "
            f"{self.rate:.1f} articles/s, ETA {_duration(self.eta())}"
        )
        return f"{source} articles, ETA {_duration(self.source_eta())} · {overall}"


OnIngestProgress = Callable[[IngestProgress], None]


class ProgressDisplay:
    """Ingest progress on stderr: a bar on a terminal, else a line every `every` seconds (none if quicker)."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self._bar: tqdm[Any] | None = None
        self._last = time.monotonic()  # when the last line was written (a quick ingest writes none)
        if self.stream.isatty():
            self._bar = tqdm(total=1000, file=self.stream, bar_format="{percentage:3.0f}%|{bar:20}| {desc}")

    def __call__(self, p: IngestProgress) -> None:
        if self._bar is not None:
            self._bar.n = round(p.fraction * 1000)
            self._bar.set_description_str(p.line(), refresh=True)
            return
        now = time.monotonic()
        if now - self._last >= self.every:
            self._last = now
            print(f"progress: {p.line()}", file=self.stream, flush=True)

    def close(self) -> None:
        """End the bar (the final summary goes below it)."""
        if self._bar is not None:
            self._bar.close()


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = round(seconds)
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def expand(sources: Iterable[str | Path], report: IngestReport) -> list[str | Path]:
    """URLs as they are and the files under each path; a missing path becomes a failure in the report."""
    out: list[str | Path] = []
    for source in sources:
        if isinstance(source, str) and "://" in source:  # fetching says what is wrong with a bad URL
            out.append(source.strip())
        elif not Path(source).exists():
            report.failed.append(missing_path_error(source))
        else:
            out.extend(iter_files([source]))
    return out


def ingest_sources(
    sources: Iterable[str | Path],
    store: Store,
    embedder: Embedder,
    *,
    chunk_size: int = 200,
    chunk_overlap: int = 0,
    title_pieces: int = 0,
    max_bytes: int | None = None,
    allow_private: bool = False,
    on_progress: OnIngestProgress | None = None,
    stop: threading.Event | None = None,
) -> tuple[LoadResult, IngestReport]:
    """Load and store each source in turn (a failed one is reported, the rest go on); stop ends it cleanly.

    The report's failed list has every load error too; the LoadResult has the articles and skipped files.
    """
    report = IngestReport()
    todo = expand(sources, report)
    sizes = [0 if isinstance(s, str) else _size(s) for s in todo]
    state = IngestProgress(sources=len(todo), total_bytes=sum(sizes))
    loaded = LoadResult()
    # One bulk() around every source: embedding worker processes start once, not once per file.
    with embedder.bulk():
        for i, (source, size) in enumerate(zip(todo, sizes, strict=True), start=1):
            if stop is not None and stop.is_set():
                report.interrupted = True
                report.left.extend(str(s) for s in todo[i - 1 :])
                break
            state.index, state.name, state.source_bytes = i, str(source), size
            state.source_started, state.source_done, state.source_articles = time.monotonic(), 0, 0
            if on_progress:
                on_progress(state)
            one = (
                load_url(source, allow_private=allow_private)
                if isinstance(source, str)
                else load_file(source, max_bytes)
            )
            loaded.extend(one)
            report.failed.extend(one.errors)
            before = state.articles, state.chunks

            def step(done: int, total: int, chunks: int, before: tuple[int, int] = before) -> None:
                state.source_done, state.source_articles = done, total
                state.articles, state.chunks = before[0] + done, before[1] + chunks
                if on_progress:
                    on_progress(state)

            part = ingest_articles(
                one.articles,
                store,
                embedder,
                chunk_size=chunk_size,
                chunk_overlap=chunk_overlap,
                progress=False,
                on_progress=step,
                title_pieces=title_pieces,
                stop=stop,
            )
            report.merge(part)
            state.bytes_done += size
    return loaded, report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # loading it says what is wrong


def ingest_configured(
    sources: Iterable[str | Path],
    store: Store,
    embedder: Embedder,
    settings: IndexSettings,
    progress: bool | None = None,
    *,
    on_progress: OnIngestProgress | None = None,
    stop: threading.Event | None = None,
) -> tuple[LoadResult, IngestReport]:
    """ingest_sources with the settings' chunking, file size limit (NEWSQA_MAX_FILE_MB) and fetch guard.

    Progress goes to on_progress, else to stderr unless progress=False (None: only on a terminal).
    """
    wanted = progress or (progress is None and sys.stderr.isatty())
    shown = ProgressDisplay() if on_progress is None and wanted else None
    try:
        return ingest_sources(
            sources,
            store,
            embedder,
            chunk_size=settings.chunk_size,
            chunk_overlap=settings.chunk_overlap,
            title_pieces=settings.title_pieces,
            max_bytes=settings.max_file_bytes,
            allow_private=settings.allow_private_urls,
            on_progress=on_progress or shown,
            stop=stop,
        )
    finally:
        if shown is not None:
            shown.close()
