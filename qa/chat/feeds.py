"""The Library tab's followed feeds without Gradio: follow (and check at once), unfollow, their status."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from index.fetching import FetchError, check_url
from index.ingest import IngestReport
from index.models import Article
from index.refresh import FeedRefresh, PoliteFetcher, refresh_feed
from index.subscriptions import Subscription, Subscriptions, format_every, format_moment, parse_every
from qa.chat.access import READ_ONLY_MESSAGE
from qa.chat.render import feeds_table, message_html, safe_href
from qa.chat.turns import error_message
from qa.pipeline.newsqa import NewsQA

log = logging.getLogger("newsqa.chat")

# (label, interval) for the interval picker; the interval is written as `newsqa follow --every` takes it.
EVERY_CHOICES = [
    ("every 15 minutes", "15m"),
    ("every 30 minutes", "30m"),
    ("every hour", "1h"),
    ("every 6 hours", "6h"),
    ("every day", "1d"),
]
DEFAULT_CHOICE = "30m"


def subscriptions(qa: NewsQA) -> Subscriptions:
    """The followed feeds of the index's home (the same file `newsqa follow` uses)."""
    return Subscriptions(qa.settings.feeds_path)


def _checked_line(result: FeedRefresh) -> str:
    if result.error:
        sub = result.subscription
        return f"The first check failed: {result.error}. Next try {format_moment(sub.next_due)} UTC."
    if result.not_modified:
        return "Checked: not modified since the last check."
    failed = f", {len(result.entry_errors)} entries left out" if result.entry_errors else ""
    plural = "" if result.added == 1 else "s"
    return (
        f"Checked now: added {result.added} article{plural}, updated {result.updated}, "
        f"unchanged {result.skipped}{failed}."
    )


def check_now(qa: NewsQA, sub: Subscription, subs: Subscriptions) -> FeedRefresh:
    """Check one feed once, its articles ingested, and record the outcome (as `newsqa refresh` does)."""
    fetcher = PoliteFetcher.for_settings(qa.settings)

    def ingest(articles: Sequence[Article]) -> IngestReport:
        return qa.ingest_articles(articles, progress=False)

    result = refresh_feed(sub, ingest, fetcher)  # a failure of the store is recorded on the feed there
    subs.save(result.subscription)
    return result


def follow_feed(qa: NewsQA, url: str, every: str | None = None, *, read_only: bool = False) -> str:
    """Follow a feed (or change its interval) and check it once now; the HTML says what happened."""
    if read_only:
        return message_html("bad", READ_ONLY_MESSAGE)
    try:
        url = check_url(url)
        seconds = parse_every(every or DEFAULT_CHOICE)
    except (FetchError, ValueError) as exc:
        return message_html("bad", str(exc))
    subs = subscriptions(qa)
    sub, new = subs.follow(url, seconds)
    result = check_now(qa, sub, subs)
    said = "Following" if new else "Already following"
    line = f"{said} {url}, checked every {format_every(seconds)}. {_checked_line(result)}"
    return message_html("warn" if result.error or result.entry_errors else "ok", line)


def unfollow_feed(qa: NewsQA, url: str | None, *, read_only: bool = False) -> str:
    """Stop following a feed; its articles stay in the index."""
    if read_only:
        return message_html("bad", READ_ONLY_MESSAGE)
    if not url or not url.strip():
        return message_html("bad", "Pick the feed to unfollow first.")
    if not subscriptions(qa).unfollow(url.strip()):
        return message_html("bad", f"Not following {url.strip()}.")
    return message_html("ok", f"Unfollowed {url.strip()}; its articles stay in the index.")


def _status(sub: Subscription) -> tuple[str, str]:
    """(kind, words): never checked yet, OK, or the last failure with its reason."""
    if sub.last_error:
        times = "once" if sub.failures == 1 else f"{sub.failures} times in a row"
        return "bad", f"Failed {times}: {sub.last_error}"
    return ("ok", "OK") if sub.last_checked else ("wait", "Not checked yet")


def feeds_html(qa: NewsQA) -> str:
    """The table of followed feeds: interval, last check, last new article, next check, status."""
    try:
        followed = subscriptions(qa).all()
    except Exception as exc:
        return message_html("bad", f"The list of followed feeds cannot be read: {error_message(exc)}")
    rows = [
        (
            safe_href(s.url),
            s.url,
            format_every(s.every),
            format_moment(s.last_checked),
            format_moment(s.last_new),
            format_moment(s.next_due),
            *_status(s),
        )
        for s in followed
    ]
    return feeds_table(rows)


def feed_choices(qa: NewsQA) -> list[str]:
    """The followed feeds' URLs, for the unfollow picker."""
    try:
        return [s.url for s in subscriptions(qa).all()]
    except Exception:
        return []
