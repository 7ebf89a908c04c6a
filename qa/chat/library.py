"""The chat's Library tab without Gradio: upload files, fetch a page or feed, list and delete articles."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from index.fetching import FetchError, check_url
from index.ingest import IngestReport
from index.loading import SUPPORTED_SUFFIXES, LoadError
from index.sources import IngestProgress
from qa.chat.access import READ_ONLY_MESSAGE
from qa.chat.render import articles_table, message_html, report_html
from qa.chat.turns import error_message
from qa.pipeline.newsqa import NewsQA

log = logging.getLogger("newsqa.chat")

# Articles listed in the Library tab and its delete picker, newest first: reading and rendering every one took
# 7.5 s per page load at 94,000 articles (benchmarks/scale.py).
LISTED = 500

# on_progress(fraction of the ingest done, a line saying how far: file, articles, chunks, rate, ETA)
Progress = Callable[[float, str], None]


def _where(err: LoadError, names: dict[str, str] | None = None) -> str:
    where = (names or {}).get(err.path, err.path)
    return where + (f", line {err.line}" if err.line is not None else "")


def ingest_report_html(
    report: IngestReport | None, errors: Sequence[LoadError], names: dict[str, str] | None = None
) -> str:
    """What an ingest did, with every failure and its reason."""
    errors = list(dict.fromkeys(errors))
    summary = None
    if report is not None:
        summary = {
            "added": len(report.added),
            "updated": len(report.updated),
            "skipped": len(report.skipped),
            "chunks": report.chunks,
        }
    ok = report is not None and (report.added or report.updated or report.skipped)
    kind = "bad" if not ok else "warn" if errors else "ok"
    return report_html(summary, [(_where(e, names), e.reason) for e in errors], kind)


def _ingest_and_report(
    qa: NewsQA,
    sources: Sequence[str | Path],
    on_progress: Progress | None,
    errors: Sequence[LoadError] = (),
    names: dict[str, str] | None = None,
) -> str:
    def step(p: IngestProgress) -> None:
        if on_progress:
            on_progress(p.fraction, p.line(names.get(p.name) if names else None))

    report = None
    try:
        if sources:
            _, report = qa.ingest(sources, on_progress=step)
    except Exception as exc:
        log.exception("ingesting %s failed", ", ".join(map(str, sources)))
        return message_html("bad", f"Indexing failed: {error_message(exc)}")
    return ingest_report_html(report, [*errors, *(report.failed if report else [])], names)


def ingest_files(
    qa: NewsQA, paths: Sequence[str | Path], on_progress: Progress | None = None, *, read_only: bool = False
) -> str:
    """Load uploaded files and index their articles; the status HTML names every failure."""
    if read_only:
        return message_html("bad", READ_ONLY_MESSAGE)
    if not paths:
        return message_html("bad", "Choose one or more files first.")
    errors: list[LoadError] = []
    good: list[str | Path] = []
    names: dict[str, str] = {}
    for p in paths:
        path = Path(p)
        names[str(path)] = path.name  # uploads sit in temp folders: show the name the user knows
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            errors.append(LoadError(str(path), None, f"unsupported file type; expected one of {kinds}"))
        else:
            good.append(path)
    return _ingest_and_report(qa, good, on_progress, errors, names)


def ingest_url(qa: NewsQA, url: str, on_progress: Progress | None = None, *, read_only: bool = False) -> str:
    """Fetch a page or RSS/Atom feed and index its articles; the status HTML names every failure.

    Loopback and private addresses are refused unless NEWSQA_ALLOW_PRIVATE_URLS (index/fetching.py).
    """
    if read_only:
        return message_html("bad", READ_ONLY_MESSAGE)
    try:
        url = check_url(url)  # before ingesting: a string that is not a URL would be read as a path
    except FetchError as exc:
        return message_html("bad", str(exc))
    return _ingest_and_report(qa, [url], on_progress)


def articles_html(qa: NewsQA) -> str:
    """The table of the newest LISTED articles, and how many there are in all."""
    try:
        stored, total = qa.store.articles(limit=LISTED), qa.store.count_articles()
    except Exception as exc:
        return message_html("bad", error_message(exc))
    return articles_table([(s.info, s.chunks) for s in stored], total)


def article_choices(qa: NewsQA) -> list[tuple[str, str]]:
    """(label, article id) pairs for the delete picker (the newest LISTED articles)."""
    try:
        stored = qa.store.articles(limit=LISTED)
    except Exception:
        return []
    out = []
    for s in stored:
        a = s.info
        meta = " · ".join(x for x in (a.source, a.published.isoformat() if a.published else "") if x)
        title = a.title if len(a.title) <= 90 else a.title[:89] + "…"
        out.append((f"{title or 'Untitled'}" + (f" ({meta})" if meta else ""), a.id))
    return out


def outlet_choices(qa: NewsQA) -> list[str]:
    """Outlets of the indexed articles, for the filter."""
    try:
        return qa.store.sources()
    except Exception:
        return []


def delete_articles(qa: NewsQA, ids: Sequence[str] | None, *, read_only: bool = False) -> str:
    """Remove the chosen articles; the status HTML says how many."""
    if read_only:
        return message_html("bad", READ_ONLY_MESSAGE)
    ids = [i for i in (ids or []) if i]
    if not ids:
        return message_html("bad", "Pick the articles to delete first.")
    try:
        gone = sum(1 for i in ids if qa.store.delete_article(i))
    except Exception as exc:
        log.exception("delete failed")
        return message_html("bad", f"Delete failed: {error_message(exc)}")
    return message_html("ok", f"Deleted {gone} article{'s' if gone != 1 else ''}.")
