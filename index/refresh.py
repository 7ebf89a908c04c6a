"""Refresh followed feeds: a conditional GET each, new and changed entries ingested, failures backed off."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlparse

from index.feeds import articles_from_feed, looks_like_feed
from index.fetching import Fetched, FetchError, fetch
from index.ingest import IngestReport
from index.loading import LoadError
from index.models import Article
from index.settings import IndexSettings
from index.subscriptions import Subscription, Subscriptions, format_moment, utc_now

log = logging.getLogger(__name__)

# Stores articles (new and changed ones; unchanged ones are skipped): NewsQA.ingest_articles, say.
Ingest = Callable[[Sequence[Article]], IngestReport]


class PoliteFetcher:
    """fetch() with the feed settings, one request at a time, at least `delay` seconds apart per host."""

    def __init__(
        self,
        timeout: float,
        allow_private: bool,
        delay: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout, self.allow_private, self.delay = timeout, allow_private, delay
        self.clock, self.sleep = clock, sleep
        self._last: dict[str, float] = {}  # host -> when its last request ended

    @classmethod
    def for_settings(cls, settings: IndexSettings) -> PoliteFetcher:
        """A fetcher with the feed settings: the feed timeout, the private-address guard, the host delay."""
        return cls(settings.feed_timeout, settings.allow_private_urls, settings.feed_host_delay)

    def __call__(self, url: str, headers: Mapping[str, str] | None = None) -> Fetched:
        host = (urlparse(url).hostname or "").lower()
        last = self._last.get(host)
        if last is not None and (left := last + self.delay - self.clock()) > 0:
            self.sleep(left)
        try:
            return fetch(url, timeout=self.timeout, allow_private=self.allow_private, headers=headers)
        finally:
            self._last[host] = self.clock()


@dataclass(frozen=True)
class FeedRefresh:
    """What one check of one feed did, and the subscription as it stands after it."""

    subscription: Subscription
    not_modified: bool = False  # the server answered 304
    added: int = 0
    updated: int = 0
    skipped: int = 0  # unchanged articles
    entry_errors: list[LoadError] = field(default_factory=list)  # entries left out (no text, say)
    error: str = ""  # why the feed itself failed (nothing was ingested then)

    @property
    def ok(self) -> bool:
        """Whether the feed was read (its entries may still have errors)."""
        return not self.error

    def line(self) -> str:
        """One line for the command line."""
        url = self.subscription.url
        if self.error:
            sub = self.subscription
            when = format_moment(sub.next_due)
            return f"failed  {url}: {self.error} (failure {sub.failures} in a row; next try {when} UTC)"
        if self.not_modified:
            return f"ok      {url}: not modified"
        return (
            f"ok      {url}: added {self.added}, updated {self.updated}, skipped {self.skipped} "
            f"(unchanged), failed {len(self.entry_errors)}"
        )


def refresh_feed(
    sub: Subscription, ingest: Ingest, fetcher: PoliteFetcher, now: datetime | None = None
) -> FeedRefresh:
    """Check one feed: a 304 costs nothing; a failure is recorded with its reason and backs off."""
    now = now or utc_now()
    headers = {}
    if sub.etag:
        headers["If-None-Match"] = sub.etag
    if sub.last_modified:
        headers["If-Modified-Since"] = sub.last_modified
    try:
        fetched = fetcher(sub.url, headers)
        if fetched.status == 304:
            return FeedRefresh(sub.checked(now), not_modified=True)
        if not looks_like_feed(fetched):
            shown = fetched.content_type or "no content type"
            raise FetchError(f"{fetched.url} is not an RSS or Atom feed ({shown})")
        loaded = articles_from_feed(fetched, fetch_page=fetcher)
    except FetchError as exc:
        return FeedRefresh(sub.failed(now, str(exc)), error=str(exc))
    # An error on the feed's own URL, rather than on one of its entries, means the document was unreadable.
    unreadable = [e.reason for e in loaded.errors if e.path == fetched.url]
    if unreadable and not loaded.articles:
        return FeedRefresh(sub.failed(now, unreadable[0]), error=unreadable[0])
    try:
        report = ingest(loaded.articles) if loaded.articles else IngestReport()
    except Exception as exc:  # the store or the embedder failed: recorded like a failed fetch, the next
        # feed is still checked, and the feed backs off (ingest is idempotent: a retry stores nothing twice)
        log.exception("indexing the articles of %s failed", sub.url)
        reason = f"indexing failed ({type(exc).__name__}): {exc}"
        return FeedRefresh(sub.failed(now, reason), error=reason)
    return FeedRefresh(
        sub.checked(
            now, etag=fetched.etag, last_modified=fetched.last_modified, found_new=bool(report.added)
        ),
        added=len(report.added),
        updated=len(report.updated),
        skipped=len(report.skipped),
        entry_errors=[*loaded.errors, *report.failed],
    )


def refresh_feeds(
    subscriptions: Subscriptions,
    ingest: Ingest,
    settings: IndexSettings,
    *,
    everything: bool = False,
    now: datetime | None = None,
    on_result: Callable[[FeedRefresh], None] | None = None,
    stop: threading.Event | None = None,
) -> list[FeedRefresh]:
    """Check every due feed (every feed when `everything`) once, in turn, and record each outcome.

    `stop` set: no further feed is started; the one being checked finishes and is recorded, so the
    index and the subscriptions agree and the feeds left are still due for the next run.
    """
    fetcher = PoliteFetcher.for_settings(settings)
    todo = subscriptions.all() if everything else subscriptions.due(now)
    results = []
    for sub in todo:
        if stop is not None and stop.is_set():
            break
        result = refresh_feed(sub, ingest, fetcher, now)
        subscriptions.save(result.subscription)
        results.append(result)
        if on_result:
            on_result(result)
    return results
