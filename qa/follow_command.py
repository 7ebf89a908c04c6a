"""`newsqa follow`, `unfollow` and `refresh`: feeds checked for new articles, listed under NEWSQA_HOME."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from index.fetching import FetchError, check_url
from index.ingest import IngestReport
from index.models import Article
from index.refresh import FeedRefresh, refresh_feeds
from index.subscriptions import (
    DEFAULT_EVERY,
    Subscription,
    Subscriptions,
    format_every,
    format_moment,
    parse_every,
)
from qa.exit_statuses import UsageError
from qa.ingest_command import stop_on_signals
from qa.settings import load_settings

FOLLOW_HELP = "follow an RSS/Atom feed, so that `newsqa refresh` adds its new articles; --list shows them"
FOLLOW_EPILOG = (
    "The feeds followed are kept in NEWSQA_HOME/feeds.sqlite. Following a URL again changes its interval. "
    "Nothing is fetched until `newsqa refresh` (run it from cron or a timer)."
)
REFRESH_HELP = "check the feeds that are due once each, and ingest their new and changed articles"
REFRESH_EPILOG = (
    "Each feed is fetched with a conditional GET (ETag, Last-Modified): an unchanged feed costs one short "
    "answer. Feeds are fetched one at a time, NEWSQA_FEED_HOST_DELAY seconds apart per host, within "
    "NEWSQA_FEED_TIMEOUT. A feed that fails is recorded with its reason and tried again later, twice as "
    "late after each failure in a row (at most a day). Exit 0 when every feed was read, 1 when any failed. "
    "SIGTERM or Ctrl-C stops after the feed being checked (exit 143 or 130); the rest stay due."
)


def _every(text: str) -> int:
    try:
        return parse_every(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _table(subs: Sequence[Subscription]) -> str:
    rows = [("URL", "EVERY", "LAST CHECK (UTC)", "LAST NEW (UTC)", "FAILURES", "LAST ERROR")]
    for s in subs:
        error = s.last_error or ""
        rows.append(
            (
                s.url,
                format_every(s.every),
                format_moment(s.last_checked),
                format_moment(s.last_new),
                str(s.failures),
                error,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join([*(cell.ljust(w) for cell, w in zip(row, widths, strict=False)), row[-1]]).rstrip()
        for row in rows
    )


def cmd_follow(args: argparse.Namespace) -> int:
    subs = Subscriptions(load_settings().feeds_path)
    if args.list:
        if args.url or args.every is not None:
            raise UsageError("--list takes no URL and no --every")
        followed = subs.all()
        if args.json:
            print(json.dumps([s.to_json() for s in followed], indent=2, ensure_ascii=False))
        elif followed:
            print(_table(followed))
        else:
            print("No feeds followed; add one with `newsqa follow URL`.")
        return 0
    if not args.url:
        raise UsageError("give the URL of an RSS or Atom feed to follow, or --list to see those followed")
    try:
        url = check_url(args.url)
    except FetchError as exc:
        raise UsageError(str(exc)) from None
    every = DEFAULT_EVERY if args.every is None else args.every
    sub, new = subs.follow(url, every)
    if args.json:
        print(json.dumps(sub.to_json(), indent=2, ensure_ascii=False))
    elif new:
        print(f"Following {url}, checked every {format_every(every)}; `newsqa refresh` checks it now.")
    else:
        print(f"Already following {url}; now checked every {format_every(every)}.")
    return 0


def cmd_unfollow(args: argparse.Namespace) -> int:
    url = args.url.strip()
    if not Subscriptions(load_settings().feeds_path).unfollow(url):
        raise UsageError(f"not following {url} (see `newsqa follow --list`)")
    print(f"Unfollowed {url}; its articles stay in the index.")
    return 0


def cmd_refresh(args: argparse.Namespace) -> int:
    from qa.pipeline import NewsQA

    settings = load_settings()
    subs = Subscriptions(settings.feeds_path)
    qa = NewsQA(settings, llm=None)  # the embedder and store load only once a feed has articles to store

    def ingest(articles: Sequence[Article]) -> IngestReport:
        return qa.ingest_articles(articles, progress=False)  # a line per feed says what was stored

    def show(result: FeedRefresh) -> None:
        print(result.line(), flush=True)
        for err in result.entry_errors:
            print(f"failed: {err}", file=sys.stderr)

    with stop_on_signals("the feed being checked") as (stop, seen):
        results = refresh_feeds(subs, ingest, settings, everything=args.all, on_result=show, stop=stop)
    if seen:
        left = len(subs.all() if args.all else subs.due())
        print(f"Stopped after {len(results)} feed(s); {left} still due: run `newsqa refresh` again.")
        return 128 + seen[0]
    if not results:
        followed = subs.all()
        if not followed:
            print("No feeds followed; add one with `newsqa follow URL`.")
        else:
            due = format_moment(min(s.next_due for s in followed))
            print(f"No feed is due ({len(followed)} followed; the next at {due} UTC). --all checks all.")
        return 0
    failed = sum(not r.ok for r in results)
    feeds = "feed" if len(results) == 1 else "feeds"
    print(f"Checked {len(results)} {feeds}: {len(results) - failed} ok, {failed} failed.")
    return 1 if failed else 0


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `follow`, `unfollow` and `refresh` subcommands."""
    s = sub.add_parser("follow", help=FOLLOW_HELP, description=FOLLOW_HELP + ".", epilog=FOLLOW_EPILOG)
    s.add_argument("url", nargs="?", metavar="URL", help="http(s) URL of an RSS or Atom feed")
    s.add_argument(
        "--every",
        type=_every,
        default=None,
        metavar="INTERVAL",
        help="how often to check it: 90s, 30m, 2h, 1d (default 30m)",
    )
    s.add_argument(
        "--list", action="store_true", help="list the feeds followed, their last checks and errors"
    )
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_follow)

    s = sub.add_parser("unfollow", help="stop following a feed (its articles stay in the index)")
    s.add_argument("url", metavar="URL")
    s.set_defaults(func=cmd_unfollow)

    s = sub.add_parser("refresh", help=REFRESH_HELP, description=REFRESH_HELP + ".", epilog=REFRESH_EPILOG)
    s.add_argument("--all", action="store_true", help="check every feed followed, due or not")
    s.set_defaults(func=cmd_refresh)
