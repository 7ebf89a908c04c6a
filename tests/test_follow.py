"""Followed feeds: subscriptions, conditional refreshes, failures backed off, and the commands (all local)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from index.fetching import Fetched, FetchError, fetch
from index.refresh import PoliteFetcher, refresh_feeds
from index.subscriptions import MAX_BACKOFF, Subscription, Subscriptions, format_every, parse_every
from qa.chat.refresher import NICENESS, FeedRefresher
from qa.cli import main
from qa.pipeline import NewsQA
from tests.cli_run import ROOT, run, shared_models
from tests.conftest import MakeQA

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
EVERY = 30 * 60


def _story(topic: str, twist: str = "") -> str:
    """About 500 characters of synthetic news: long enough that no entry page is fetched."""
    return (
        f"The Verrin district council met on Monday to discuss the {topic}. {twist}"
        f"Councillors said the {topic} had been delayed by the winter floods and by a shortage of stone. "
        f"A public meeting about the {topic} will be held in the town hall next month, the clerk said. "
        f"Residents asked whether the {topic} would be finished before the autumn fair, and were told "
        f"that the engineers expected so if the spring stayed dry. The {topic} is paid for by the district."
    )


@dataclass
class Site:
    """A news site on 127.0.0.1 whose feed changes between refreshes; it notes every request's headers."""

    base: str = ""
    items: list[tuple[str, str, str]] = field(default_factory=list)  # title, path ("" for none), text
    version: int = 1  # the feed's ETag and Last-Modified follow it
    gone: bool = False  # the feed answers 404
    delay: float = 0.0  # seconds /slow.xml waits before answering
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    @property
    def etag(self) -> str:
        return f'"feed-v{self.version}"'

    @property
    def last_modified(self) -> str:
        return f"Sat, {self.version:02d} Mar 2025 08:00:00 GMT"

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{title}</title>"
            + (f"<link>{self.base}{path}</link>" if path else "")
            + (f"<description>{text}</description>" if text else "")
            + "<pubDate>Sat, 01 Mar 2025 08:00:00 GMT</pubDate></item>"
            for title, path, text in self.items
        )
        return (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Verrin Courier (synthetic)</title><link>{self.base}/</link>{items}</channel></rss>"
        ).encode()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        site: Site = self.server.site  # type: ignore[attr-defined]
        site.seen.append((self.path, dict(self.headers.items())))
        if self.path == "/slow.xml":
            time.sleep(site.delay)
        if self.path in ("/feed.xml", "/slow.xml") and not site.gone:
            if self.headers.get("If-None-Match") == site.etag:
                self.send_response(304)
                self.send_header("ETag", site.etag)
                self.end_headers()
                return
            self._send(
                "application/rss+xml", site.rss(), ETag=site.etag, **{"Last-Modified": site.last_modified}
            )
        elif self.path == "/page.html":
            self._send("text/html", b"<html><body><p>Not a feed at all.</p></body></html>")
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _send(self, ctype: str, body: bytes, **headers: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def site() -> Iterator[Site]:
    """A fresh site with three good entries and two bad ones (no link and no text; a page that 404s)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    s = Site(base=f"http://127.0.0.1:{httpd.server_address[1]}")
    s.items = [
        ("Bridge repairs delayed", "/bridge", _story("bridge repairs")),
        ("Broken entry", "", ""),
        ("Ferry timetable", "/ferry", _story("ferry timetable")),
        ("Vanished story", "/vanished.html", ""),
        ("Library hours", "/library", _story("library hours")),
    ]
    httpd.site = s  # type: ignore[attr-defined]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield s
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def qa(make_qa: MakeQA) -> NewsQA:
    """NewsQA on fakes, with the feed settings a test wants: loopback allowed, no delay, a short timeout."""
    return make_qa(allow_private_urls=True, feed_host_delay=0.0, feed_timeout=0.5)


def _ingest(qa: NewsQA) -> Any:
    return lambda articles: qa.ingest_articles(articles, progress=False)


def test_refresh_adds_then_updates_then_costs_nothing(site: Site, qa: NewsQA) -> None:
    subs = Subscriptions(qa.settings.feeds_path)
    subs.follow(f"{site.base}/feed.xml", EVERY, now=T0)
    [first] = refresh_feeds(subs, _ingest(qa), qa.settings, now=T0)
    assert first.ok and (first.added, first.updated, first.skipped) == (3, 0, 0)
    assert qa.store.count_articles() == 3
    sub = first.subscription
    assert sub.etag == '"feed-v1"' and sub.last_new == T0 and sub.next_due == T0 + timedelta(seconds=EVERY)
    assert refresh_feeds(subs, _ingest(qa), qa.settings, now=T0 + timedelta(minutes=10)) == [], "not due yet"

    site.version = 2
    site.items[0] = ("Bridge repairs delayed", "/bridge", _story("bridge repairs", "The mayor objected. "))
    site.items.append(("Museum reopens", "/museum", _story("museum reopening")))
    later = T0 + timedelta(minutes=31)
    [second] = refresh_feeds(subs, _ingest(qa), qa.settings, now=later)
    assert (second.added, second.updated, second.skipped) == (1, 1, 2)
    assert qa.store.count_articles() == 4, "a re-refresh never duplicates"
    conditional = [h for path, h in site.seen if path == "/feed.xml"][1]
    assert conditional["If-None-Match"] == '"feed-v1"'
    assert conditional["If-Modified-Since"] == "Sat, 01 Mar 2025 08:00:00 GMT"

    chunks = qa.store.count_chunks()
    [third] = refresh_feeds(subs, _ingest(qa), qa.settings, everything=True, now=later + timedelta(minutes=1))
    assert third.ok and third.not_modified and "not modified" in third.line()
    assert (qa.store.count_articles(), qa.store.count_chunks()) == (4, chunks)
    stored = subs.get(f"{site.base}/feed.xml")
    assert stored is not None and stored.last_checked == later + timedelta(minutes=1)
    assert stored.last_new == later and stored.etag == '"feed-v2"'


def test_bad_entries_are_skipped_and_the_rest_stored(site: Site, qa: NewsQA) -> None:
    subs = Subscriptions(qa.settings.feeds_path)
    subs.follow(f"{site.base}/feed.xml", now=T0)
    [result] = refresh_feeds(subs, _ingest(qa), qa.settings, now=T0)
    assert result.ok and result.added == 3
    reasons = [str(e) for e in result.entry_errors]
    assert len(reasons) == 2 and all("no text in the entry" in r for r in reasons)
    assert "(Broken entry)" in reasons[0] and "(Vanished story)" in reasons[1] and "404" in reasons[1]
    assert "failed 2" in result.line()


def test_a_404_is_recorded_and_backs_off_without_touching_the_index(site: Site, qa: NewsQA) -> None:
    url = f"{site.base}/feed.xml"
    subs = Subscriptions(qa.settings.feeds_path)
    subs.follow(url, EVERY, now=T0)
    refresh_feeds(subs, _ingest(qa), qa.settings, now=T0)
    site.gone = True
    failed_at = T0 + timedelta(hours=1)
    [failed] = refresh_feeds(subs, _ingest(qa), qa.settings, now=failed_at)
    assert not failed.ok and "HTTP 404" in failed.error and "failure 1 in a row" in failed.line()
    sub = subs.get(url)
    assert sub is not None and sub.failures == 1 and sub.last_error is not None and "404" in sub.last_error
    assert sub.next_due == failed_at + timedelta(seconds=2 * EVERY) > failed_at + timedelta(seconds=EVERY)
    assert qa.store.count_articles() == 3, "a failure leaves what is indexed alone"

    [again] = refresh_feeds(subs, _ingest(qa), qa.settings, everything=True, now=failed_at)
    assert again.subscription.failures == 2
    assert again.subscription.next_due == failed_at + timedelta(seconds=4 * EVERY)
    many = Subscription(url, EVERY, failed_at, failures=30).failed(failed_at, "still 404")
    assert many.next_due == failed_at + timedelta(seconds=MAX_BACKOFF), "capped at a day"

    site.gone = False
    [back] = refresh_feeds(subs, _ingest(qa), qa.settings, everything=True, now=failed_at)
    assert back.ok and back.subscription.failures == 0 and back.subscription.last_error is None


def test_a_slow_feed_and_a_page_are_recorded_failures(site: Site, qa: NewsQA) -> None:
    subs = Subscriptions(qa.settings.feeds_path)
    site.delay = 1.5  # past the 0.5 s feed timeout
    subs.follow(f"{site.base}/slow.xml", now=T0)
    subs.follow(f"{site.base}/page.html", now=T0)
    started = time.monotonic()
    slow, page = refresh_feeds(subs, _ingest(qa), qa.settings, now=T0)
    assert time.monotonic() - started < 1.4
    assert "did not answer within 0.5 s" in slow.error and slow.subscription.failures == 1
    assert "is not an RSS or Atom feed (text/html)" in page.error and page.subscription.failures == 1
    assert qa.store.count_articles() == 0


def test_subscriptions_survive_reopening_and_unfollow_removes(tmp_path: Path) -> None:
    path = tmp_path / "home" / "feeds.sqlite"
    first = Subscriptions(path)
    sub, new = first.follow("https://news.example/a.xml", 7200, now=T0)
    assert new and sub.next_due == T0, "a new feed is due at once"
    first.follow("https://news.example/b.xml", now=T0)
    first.save(sub.failed(T0, "timed out"))
    _, new = first.follow("https://news.example/a.xml", 3600, now=T0)
    assert not new
    again = Subscriptions(path)
    [a, b] = again.all()
    assert (a.url, a.every, a.failures, a.last_error) == ("https://news.example/a.xml", 3600, 1, "timed out")
    assert b.every == 30 * 60 and again.due(T0) == [b]
    assert again.unfollow(a.url) and not again.unfollow(a.url)
    assert [s.url for s in Subscriptions(path).all()] == ["https://news.example/b.xml"]
    again.save(a)
    assert again.get(a.url) is None, "a check that ends after an unfollow does not bring the feed back"


def test_intervals_are_parsed_and_written_back() -> None:
    assert [parse_every(t) for t in ("30m", "2h", "1d", "90s", " 45M ")] == [1800, 7200, 86400, 90, 2700]
    assert [format_every(s) for s in (1800, 7200, 86400, 90, 5400)] == ["30m", "2h", "1d", "90s", "90m"]
    for bad in ("30", "m", "1w", "-5m", "10s"):
        with pytest.raises(ValueError):
            parse_every(bad)


def test_requests_to_one_host_are_spaced(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    slept: list[float] = []

    def fake_fetch(url: str, **kwargs: Any) -> Fetched:
        clock[0] += 0.25  # each request takes a quarter of a second
        if "down" in url:
            raise FetchError("down")
        return Fetched(url, "application/rss+xml", b"")

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += seconds

    monkeypatch.setattr("index.refresh.fetch", fake_fetch)
    fetcher = PoliteFetcher(5, False, 1.0, clock=lambda: clock[0], sleep=sleep)
    fetcher("https://a.example/feed")  # ends at 100.25
    fetcher("https://b.example/feed")
    with pytest.raises(FetchError):
        fetcher("https://down.example/feed")  # a failed request counts too; ends at 100.75
    assert slept == [], "another host need not wait"
    fetcher("https://a.example/story")  # at 100.75: waits until 101.25, ends at 101.5
    with pytest.raises(FetchError):
        fetcher("https://down.example/again")  # waits until 101.75
    assert slept == [pytest.approx(0.5), pytest.approx(0.25)], "the delay counts from the end of the last"


def test_fetch_returns_a_304_with_its_validators(site: Site) -> None:
    fetched = fetch(f"{site.base}/feed.xml", allow_private=True)
    assert (fetched.status, fetched.etag, fetched.last_modified) == (200, '"feed-v1"', site.last_modified)
    again = fetch(f"{site.base}/feed.xml", allow_private=True, headers={"If-None-Match": fetched.etag or ""})
    assert (again.status, again.body, again.etag) == (304, b"", '"feed-v1"')


def test_commands_in_process(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NEWSQA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("NEWSQA_ALLOW_PRIVATE_URLS", "true")
    monkeypatch.setenv("NEWSQA_FEED_HOST_DELAY", "0")
    missing = f"{site.base}/missing.xml"
    assert main(["follow", "ftp://files.example/feed.xml"]) == 2
    assert "Only http and https URLs" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["follow", missing, "--every", "5 weeks"])
    assert exc.value.code == 2 and "expected an interval like 90s" in capsys.readouterr().err
    assert main(["follow"]) == 2 and "give the URL" in capsys.readouterr().err
    assert main(["follow", "--list"]) == 0 and "No feeds followed" in capsys.readouterr().out
    assert main(["refresh"]) == 0 and "No feeds followed" in capsys.readouterr().out

    assert main(["follow", missing, "--every", "2h"]) == 0
    assert "checked every 2h" in capsys.readouterr().out
    assert main(["refresh"]) == 1
    out = capsys.readouterr().out
    assert f"failed  {missing}: {missing} answered HTTP 404" in out and "1 failed" in out
    assert main(["refresh"]) == 0 and "No feed is due" in capsys.readouterr().out
    assert main(["follow", "--list"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[:2] == ["URL", "EVERY"] and "LAST ERROR" in header
    assert row.startswith(missing) and " 2h " in row and "never" in row and "HTTP 404" in row
    assert main(["follow", "--list", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["url"] == missing and listed["every"] == 7200 and listed["failures"] == 1
    assert listed["last_new"] is None and listed["next_due"] > listed["last_checked"]

    assert main(["unfollow", missing]) == 0 and "Unfollowed" in capsys.readouterr().out
    assert main(["unfollow", missing]) == 2
    assert f"not following {missing}" in capsys.readouterr().err


@pytest.mark.slow  # new processes with the real embedder and Chroma
def test_the_newsqa_command_follows_and_refreshes(site: Site, tmp_path: Path) -> None:
    home, feed = tmp_path / "home", f"{site.base}/feed.xml"
    env = {"NEWSQA_ALLOW_PRIVATE_URLS": "true", "NEWSQA_FEED_HOST_DELAY": "0"}
    assert run(home, "follow", feed).returncode == 0
    first = run(home, "refresh", **env)
    assert first.returncode == 0, first.stderr
    assert f"ok      {feed}: added 3, updated 0, skipped 0 (unchanged), failed 2" in first.stdout
    assert first.stderr.count("failed: ") == 2 and "Traceback" not in first.stderr
    assert "No feed is due" in run(home, "refresh", **env).stdout
    again = run(home, "refresh", "--all", **env)
    assert again.returncode == 0 and f"ok      {feed}: not modified" in again.stdout
    assert json.loads(run(home, "stats", "--json").stdout)["articles"] == 3
    [listed] = json.loads(run(home, "follow", "--list", "--json").stdout)
    assert listed["etag"] == '"feed-v1"' and listed["failures"] == 0 and listed["last_new"]
    assert run(home, "unfollow", feed).returncode == 0
    gone = run(home, "unfollow", feed)
    assert gone.returncode == 2 and "not following" in gone.stderr


def test_a_stop_leaves_the_feeds_not_started_due(site: Site, qa: NewsQA) -> None:
    subs = Subscriptions(qa.settings.feeds_path)
    for path in ("/feed.xml", "/page.html"):
        subs.follow(f"{site.base}{path}", now=T0)
    stop = threading.Event()
    results = refresh_feeds(subs, _ingest(qa), qa.settings, now=T0, on_result=lambda _: stop.set(), stop=stop)
    assert [r.subscription.url for r in results] == [f"{site.base}/feed.xml"]
    assert [s.url for s in subs.due(T0)] == [f"{site.base}/page.html"], "the feed not started stays due"
    assert qa.store.count_articles() == 3


def test_a_store_failure_is_recorded_on_its_feed_and_the_next_feed_is_still_checked(
    site: Site, qa: NewsQA
) -> None:
    subs = Subscriptions(qa.settings.feeds_path)
    for path in ("/feed.xml", "/slow.xml"):  # two feeds with the same three stories
        subs.follow(f"{site.base}{path}", now=T0)
    calls = []

    def ingest(articles: Any) -> Any:
        calls.append(len(articles))
        if len(calls) == 1:
            raise OSError("disk full")
        return qa.ingest_articles(articles, progress=False)

    results = refresh_feeds(subs, ingest, qa.settings, now=T0)
    assert results[0].error == "indexing failed (OSError): disk full"
    assert results[1].error == "" and results[1].added == 3
    failed = next(s for s in subs.all() if s.url.endswith("/feed.xml"))
    assert failed.failures == 1 and "disk full" in (failed.last_error or "")
    assert qa.store.count_articles() == 3


def test_the_background_refresher_waits_for_the_index_then_checks_due_feeds(
    site: Site, make_qa: MakeQA
) -> None:
    # A long timeout: the refresher's thread runs at a low priority, and busy cores slow its fetch.
    qa = make_qa(allow_private_urls=True, feed_host_delay=0.0, feed_timeout=60.0)
    Subscriptions(qa.settings.feeds_path).follow(f"{site.base}/feed.xml")
    ready, seen = threading.Event(), []

    def note(result: Any) -> None:  # runs on the refresher's thread
        seen.append((result, os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))

    refresher = FeedRefresher(qa, poll=0.05, ready=ready, on_result=note)
    refresher.start()
    try:
        time.sleep(0.3)
        assert seen == [] and not site.seen, "nothing is fetched before the index is ready"
        ready.set()
        deadline = time.monotonic() + 10
        while not seen and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)  # several more polls: the feed is not due again for 30 minutes
    finally:
        refresher.stop(timeout=10)
    [(result, niceness)] = seen
    assert result.ok and result.added == 3 and qa.store.count_articles() == 3
    assert niceness >= NICENESS, "a refresh runs below the answers' priority"
    assert refresher.checked == 1 and [p for p, _ in site.seen].count("/feed.xml") == 1
    assert refresher._thread is not None and not refresher._thread.is_alive()


@pytest.mark.slow  # a new process with the real embedder and Chroma
def test_sigterm_stops_a_refresh_after_the_feed_in_hand(site: Site, tmp_path: Path) -> None:
    home = shared_models(tmp_path / "home")
    env = {
        **os.environ,
        "NEWSQA_HOME": str(home),
        "NEWSQA_LLM": "extractive",
        "NEWSQA_ALLOW_PRIVATE_URLS": "true",
        "NEWSQA_FEED_HOST_DELAY": "0",
        "NEWSQA_FEED_TIMEOUT": "30",
    }
    site.delay = 3.0
    for path in ("/slow.xml", "/feed.xml"):
        assert run(home, "follow", f"{site.base}{path}").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "refresh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not any(path == "/slow.xml" for path, _ in site.seen) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)  # while the slow feed is being fetched
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert "SIGTERM: stopping after the feed being checked" in err
    assert f"ok      {site.base}/slow.xml: added 3" in out and "Stopped after 1 feed(s); 1 still due" in out
    assert "/feed.xml" not in [path for path, _ in site.seen], "no feed is started after the signal"
    listed = {s["url"]: s for s in json.loads(run(home, "follow", "--list", "--json").stdout)}
    assert (
        listed[f"{site.base}/slow.xml"]["last_checked"]
        and not listed[f"{site.base}/feed.xml"]["last_checked"]
    )


@pytest.mark.slow  # the chat's process, with the real embedder and Chroma
def test_the_chat_refreshes_followed_feeds_in_the_background(site: Site, tmp_path: Path) -> None:
    from qa.llm.local import free_port
    from tests.app_process import clean_env, start, wait_http

    home, feed = shared_models(tmp_path / "home"), f"{site.base}/feed.xml"
    assert run(home, "follow", feed).returncode == 0
    port = free_port()
    env = clean_env() | {
        "NEWSQA_HOME": str(home),
        "NEWSQA_LLM": "extractive",
        "NEWSQA_PORT": str(port),
        "NEWSQA_ALLOW_PRIVATE_URLS": "true",
        "NEWSQA_FEED_HOST_DELAY": "0",
    }
    app = start("chat", [sys.executable, str(ROOT / "app.py")], env, tmp_path)
    try:
        wait_http(app, f"http://127.0.0.1:{port}/", time.monotonic() + 180)
        deadline = time.monotonic() + 180
        while f"ok      {feed}: added 3" not in app.tail() and time.monotonic() < deadline:
            assert app.popen.poll() is None, app.tail()
            time.sleep(0.5)
        assert f"ok      {feed}: added 3, updated 0, skipped 0" in app.tail()
        assert [path for path, _ in site.seen].count("/feed.xml") == 1, "checked once, then not due"
    finally:
        app.stop()
    [listed] = json.loads(run(home, "follow", "--list", "--json").stdout)
    assert listed["last_new"] and listed["failures"] == 0
    assert json.loads(run(home, "stats", "--json").stdout)["articles"] == 4, "the seed article and 3 new"
