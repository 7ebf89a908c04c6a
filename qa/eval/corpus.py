"""Evaluation corpora: indexed once into a collection of their own, reused while the files are unchanged."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index.ingest import INGEST_FORMAT
from index.loading import iter_files
from qa.eval.dataset import EvalError
from qa.pipeline.newsqa import NewsQA
from qa.settings import Settings

Log = Callable[[str], None]


def log_line(message: str) -> None:
    """A progress or status line on stderr (stdout is for --json)."""
    print(message, file=sys.stderr, flush=True)


def corpus_fingerprint(settings: Settings, paths: Sequence[str | Path]) -> str:
    """Hash of the corpus files' contents and of the settings that shape its index.

    Contents, not modification times: a corpus copied or re-created with the same bytes (a fresh checkout, a
    shared data folder set up again) keeps its index, which takes minutes to build.
    """
    files = sorted(p.resolve() for p in iter_files(paths))
    stats = [(p.name, _file_digest(p)) for p in files]
    shape = {
        "embedder": settings.embedder,
        "openai_embedding_model": settings.openai_embedding_model if settings.embedder == "openai" else "",
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
    }
    if settings.title_pieces:  # only when set, so indexes built before the setting existed are still reused
        shape["title_pieces"] = settings.title_pieces
    blob = json.dumps({"files": stats, "index": shape}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@dataclass(frozen=True)
class CorpusIndex:
    """The collection an evaluation corpus lives in, and whether this run had to build it."""

    collection: str
    fingerprint: str
    reused: bool
    articles: int
    chunks: int
    ingest_s: float | None  # seconds spent loading and ingesting in this run; None when reused
    load_errors: int = 0


def open_corpus(
    settings: Settings,
    paths: Sequence[str | Path],
    *,
    llm: Any = "auto",
    embedder: Any = None,
    progress: bool = True,
    log: Log = log_line,
) -> tuple[NewsQA, CorpusIndex]:
    """A NewsQA on the corpus's own collection, ingested unless a marker says that is already done."""
    fingerprint = corpus_fingerprint(settings, paths)
    name = f"eval_{fingerprint[:12]}"
    qa = NewsQA(settings.model_copy(update={"collection": name}), llm=llm, embedder=embedder)
    marker = settings.home / "eval-corpora" / f"{name}.json"
    done: dict[str, Any] = {}
    if marker.exists():
        try:
            done = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            done = {}  # an unreadable marker means: build again (ingest skips what is stored anyway)
    chunks = qa.store.count_chunks()
    # The chunk count guards against a collection deleted or emptied since the marker was written.
    # A marker of an older ingest format: ingest runs again and rewrites what it now stores otherwise.
    current = done.get("ingest_format", 1) == INGEST_FORMAT
    if done.get("fingerprint") == fingerprint and done.get("chunks") == chunks and chunks > 0 and current:
        log(
            f"Using the indexed corpus in collection {name} "
            f"({done.get('articles')} articles, {chunks} chunks)."
        )
        return qa, CorpusIndex(name, fingerprint, True, int(done.get("articles", 0)), chunks, None)
    log(f"Indexing the corpus into collection {name} (reused by later runs while the files are unchanged)...")
    started = time.perf_counter()
    loaded, report = qa.ingest(paths, progress=progress)
    ingest_s = time.perf_counter() - started
    if loaded.errors:
        log(
            f"{len(loaded.errors)} corpus records could not be loaded and were skipped; "
            f"first: {loaded.errors[0]}"
        )
    if not loaded.articles:
        raise EvalError(f"the corpus {', '.join(map(str, paths))} holds no loadable articles")
    articles, chunks = qa.store.count_articles(), qa.store.count_chunks()
    log(f"Indexed in {ingest_s:.1f} s: {report.summary()}; the collection holds {articles} articles.")
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(
        json.dumps(
            {
                "fingerprint": fingerprint,
                "ingest_format": INGEST_FORMAT,
                "corpus": [str(p) for p in paths],
                "articles": articles,
                "chunks": chunks,
                "ingest_s": round(ingest_s, 1),
                "completed": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return qa, CorpusIndex(name, fingerprint, False, articles, chunks, ingest_s, len(loaded.errors))


def seed_articles_for(questions_path: Path) -> Path | None:
    """The seed articles folder when the questions file is the seed set (seeds/questions.jsonl)."""
    path = questions_path.resolve()
    articles = path.parent / "articles"
    if path.name == "questions.jsonl" and path.parent.name == "seeds" and articles.is_dir():
        return articles
    return None
