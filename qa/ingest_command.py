"""`newsqa ingest`: files, folders and page or feed URLs, with progress and a clean stop on a signal."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from index.sources import ProgressDisplay
from qa.settings import load_settings

HELP = "load articles from files, folders, or page and RSS/Atom feed URLs into the index"
SOURCES_HELP = (
    "JSONL, JSON, Markdown, text or HTML files, folders of them, or http(s) URLs of news pages and "
    "RSS/Atom feeds (fetched as the chat's Library tab fetches them: loopback and private addresses are "
    "refused unless NEWSQA_ALLOW_PRIVATE_URLS=true)"
)
EPILOG = (
    "Each source is loaded and stored in turn; a missing path, a file over NEWSQA_MAX_FILE_MB or a URL that "
    "cannot be fetched is reported as failed and the rest still load (exit 1). SIGTERM or Ctrl-C stops after "
    "the group of articles being written, leaving the index consistent (exit 143 or 130); running the same "
    "command again finishes the ingest. Ctrl-C twice stops at once."
)


@contextmanager
def stop_on_signals(
    after: str = "the articles being written",
) -> Iterator[tuple[threading.Event, list[int]]]:
    """An event set by the first SIGTERM or SIGINT (a second one interrupts at once), and the signals seen."""
    stop = threading.Event()
    seen: list[int] = []

    def on_signal(signum: int, frame: FrameType | None) -> None:
        seen.append(signum)
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print(
            f"newsqa: {signal.Signals(signum).name}: stopping after {after} (send it again to stop at once)",
            file=sys.stderr,
            flush=True,
        )

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stop, seen
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def cmd_ingest(args: argparse.Namespace) -> int:
    from qa.pipeline import NewsQA

    qa = NewsQA(load_settings(), llm=None)
    display = ProgressDisplay(every=args.progress_every)
    with stop_on_signals() as (stop, seen):
        try:
            loaded, report = qa.ingest(args.sources, on_progress=display, stop=stop)
        finally:
            display.close()
    for note in loaded.skipped:
        print(f"skipped: {note}", file=sys.stderr)
    for err in report.failed:
        print(f"failed: {err}", file=sys.stderr)
    print(report.summary())
    if report.interrupted:
        return 128 + (seen[0] if seen else signal.SIGTERM)
    return 1 if report.failed else 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `ingest` subcommand."""
    s = sub.add_parser("ingest", help=HELP, description=HELP + ".", epilog=EPILOG)
    s.add_argument("sources", nargs="+", metavar="SOURCE", help=SOURCES_HELP)
    s.add_argument(
        "--progress-every",
        type=float,
        default=5.0,
        metavar="SECONDS",
        help="seconds between progress lines (source, articles, chunks, rate, ETA) when stderr is not a "
        "terminal (default 5; a terminal gets a bar)",
    )
    s.set_defaults(func=cmd_ingest)
