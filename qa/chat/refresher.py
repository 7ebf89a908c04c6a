"""Followed feeds checked in the background while the chat runs (`newsqa serve`), below answers in CPU."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence

from index.ingest import IngestReport
from index.models import Article
from index.refresh import FeedRefresh, refresh_feeds
from index.subscriptions import Subscriptions
from qa.pipeline.newsqa import NewsQA

log = logging.getLogger("newsqa.feeds")

POLL_SECONDS = 30.0  # how often the due times are looked at; a feed is checked at most once a minute anyway
NICENESS = 10  # a refresh's embedding yields the cores to answers being written (see FeedRefresher.run)


class FeedRefresher:
    """A daemon thread checking due feeds every POLL_SECONDS; stop() ends it after the feed in hand."""

    def __init__(
        self,
        qa: NewsQA,
        *,
        poll: float = POLL_SECONDS,
        ready: threading.Event | None = None,
        on_result: Callable[[FeedRefresh], None] | None = None,
        niceness: int = NICENESS,
    ) -> None:
        self.qa = qa
        self.poll = poll
        self.niceness = niceness
        self.ready = ready  # set once the index is open and seeded: a refresh waits for it
        self.on_result = on_result
        self.subscriptions = Subscriptions(qa.settings.feeds_path)
        self.checked = 0  # feeds checked since start, for the status line and the tests
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin in a background thread."""
        self._thread = threading.Thread(target=self.run, name="newsqa-feeds", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Ask the thread to end and wait for it (a feed being ingested is finished first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self) -> None:
        """Check the due feeds now and then every `poll` seconds until stopped."""
        # On Linux a thread's niceness is its own, and the threads and embedding processes it starts
        # inherit it: an ingest started here then takes the cores only when answers leave them idle.
        try:
            if self.niceness:
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.niceness)
        except (AttributeError, OSError):  # not Linux, or not permitted: refreshes run at normal priority
            pass
        if self.ready is not None:
            while not self.ready.wait(1.0):
                if self._stop.is_set():
                    return
        while not self._stop.is_set():
            self.run_once()
            self._stop.wait(self.poll)

    def run_once(self) -> list[FeedRefresh]:
        """Check every due feed once; a failure is recorded on its feed and never ends the thread."""

        def ingest(articles: Sequence[Article]) -> IngestReport:
            return self.qa.ingest_articles(articles, progress=False)

        try:
            results = refresh_feeds(
                self.subscriptions, ingest, self.qa.settings, on_result=self._report, stop=self._stop
            )
        except Exception:  # the store or the feeds file failed: logged, and tried again at the next poll
            log.exception("refreshing the followed feeds failed")
            return []
        self.checked += len(results)
        return results

    def _report(self, result: FeedRefresh) -> None:
        log.info("feed %s", result.line())
        if self.on_result is not None:
            self.on_result(result)
