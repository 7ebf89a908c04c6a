"""index/fetching.py and index/feeds.py against a real http.server on 127.0.0.1 (all of it synthetic)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from index.feeds import articles_from_feed, html_to_text, load_url, looks_like_feed
from index.fetching import Fetched, FetchError, check_url, fetch
from qa.llm.local import free_port

LONG = (
    "The Marrow Valley council voted on Tuesday to rebuild the old stone footbridge over the Lenn river. "
    "The bridge closed last winter after flood damage; the repair is expected to cost 2.4 million crowns. "
    "Work starts in April and should finish before the autumn fair, the council's engineer said. "
) * 2

PAGE = f"""<!doctype html><html><head><title>Footbridge to be rebuilt (synthetic)</title>
<meta property="og:site_name" content="Marrow Gazette (synthetic)">
<meta property="article:published_time" content="2025-02-11T09:00:00Z">
</head><body><nav>Home | News</nav><article><h1>Footbridge to be rebuilt (synthetic)</h1>
<p>{LONG}</p><p>Residents welcomed the decision at a packed meeting in the town hall.</p></article>
<footer>© Marrow Gazette, an invented outlet for tests</footer></body></html>"""

ENTRY_PAGE = f"""<!doctype html><html><head><title>Ferry timetable changes (synthetic)</title></head>
<body><article><h1>Ferry timetable changes (synthetic)</h1><p>{LONG.replace("footbridge", "ferry pier")}</p>
<p>The winter timetable adds a late crossing on Fridays, the ferry company announced.</p>
</article></body></html>"""

RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<!-- synthetic feed written for the tests -->
<rss version="2.0"><channel><title>Marrow Gazette (synthetic)</title><link>/</link>
<item><title>Library extends opening hours</title><link>/library.html</link>
<pubDate>Mon, 03 Mar 2025 08:00:00 GMT</pubDate>
<description>&lt;p&gt;{LONG.replace("footbridge", "library")}&lt;/p&gt;
&lt;script&gt;bad()&lt;/script&gt;</description></item>
<item><title>Ferry timetable changes</title><link>/ferry.html</link>
<pubDate>Tue, 04 Mar 2025 08:00:00 GMT</pubDate><description>Short teaser.</description></item>
<item><title>Empty entry</title><link>/missing.html</link></item>
</channel></rss>"""

ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Notes (synthetic)</title>
<id>urn:syn:harbour</id><updated>2025-04-02T10:00:00Z</updated>
<entry><title>New harbour crane arrives</title><id>urn:syn:1</id>
<link href="https://harbour-notes.example/crane"/><updated>2025-04-01T10:00:00Z</updated>
<content type="html">&lt;p&gt;{LONG.replace("footbridge", "crane")}&lt;/p&gt;</content></entry>
</feed>"""


class _Handler(BaseHTTPRequestHandler):
    """Routes of the test server."""

    routes: ClassVar[dict[str, tuple[int, str, bytes]]] = {
        "/page.html": (200, "text/html; charset=utf-8", PAGE.encode()),
        "/ferry.html": (200, "text/html; charset=utf-8", ENTRY_PAGE.encode()),
        "/feed.rss": (200, "application/rss+xml", RSS.encode()),
        "/feed.atom": (200, "application/atom+xml", ATOM.encode()),
        "/feed-as-text": (200, "text/plain", RSS.encode()),
        "/latin1.html": (
            200,
            "text/html; charset=iso-8859-1",
            PAGE.replace("Residents", "Résidents").encode("latin-1"),
        ),
        "/empty.html": (
            200,
            "text/html",
            b"<html><head><title>x</title></head><body><script>var a = 1;</script></body></html>",
        ),
        "/notfeed.xml": (200, "application/xml", b"<?xml version='1.0'?><catalog><item>1</item></catalog>"),
    }

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_GET(self) -> None:
        path = self.path
        if path in self.routes:
            status, ctype, body = self.routes[path]
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(50 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b"<html>")  # the client must give up on the header alone
        elif path == "/big-undeclared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            try:
                for _ in range(64):
                    self.wfile.write(b"x" * 4096)
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True
        elif path == "/slow":
            time.sleep(3)
            self.send_response(200)
            self.end_headers()
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self.send_response(302)
            self.send_header("Location", f"/hop/{n + 1}" if n < 20 else "/page.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """A local HTTP server on 127.0.0.1 serving the synthetic pages and feeds."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_page_becomes_an_article(server: str) -> None:
    result = load_url(f"{server}/page.html", allow_private=True)
    assert result.errors == []
    [art] = result.articles
    assert art.title == "Footbridge to be rebuilt (synthetic)"
    assert "stone footbridge" in art.text and "Home | News" not in art.text
    assert art.url == f"{server}/page.html", "a page naming no URL gets the one it was fetched from"
    assert art.published == date(2025, 2, 11)
    assert art.source == "Marrow Gazette (synthetic)"


def test_page_charset_is_respected(server: str) -> None:
    [art] = load_url(f"{server}/latin1.html", allow_private=True).articles
    assert "Résidents welcomed" in art.text


def test_rss_entries_become_articles_and_teasers_fetch_their_page(server: str) -> None:
    result = load_url(f"{server}/feed.rss", allow_private=True)
    by_title = {a.title: a for a in result.articles}
    assert set(by_title) == {"Library extends opening hours", "Ferry timetable changes"}
    library = by_title["Library extends opening hours"]
    assert library.url == f"{server}/library.html", "relative links resolve against the feed URL"
    assert library.published == date(2025, 3, 3) and library.source == "Marrow Gazette (synthetic)"
    assert "stone library" in library.text and "bad()" not in library.text
    ferry = by_title["Ferry timetable changes"]
    assert "late crossing on Fridays" in ferry.text, "a short entry is replaced by its page's text"
    assert ferry.published == date(2025, 3, 4)
    [err] = result.errors
    assert "Empty entry" in err.path and "no text in the entry" in err.reason and "404" in err.reason


def test_atom_feed(server: str) -> None:
    result = load_url(f"{server}/feed.atom", allow_private=True)
    [art] = result.articles
    assert art.title == "New harbour crane arrives" and art.url == "https://harbour-notes.example/crane"
    assert art.source == "Harbour Notes (synthetic)", "the feed's title names the outlet"
    assert art.published == date(2025, 4, 1)
    assert "stone crane" in art.text


def test_feed_is_recognised_by_its_content_not_only_its_type(server: str) -> None:
    fetched = fetch(f"{server}/feed-as-text", allow_private=True)
    assert fetched.content_type == "text/plain" and looks_like_feed(fetched)
    assert len(load_url(f"{server}/feed-as-text", allow_private=True).articles) == 2
    assert not looks_like_feed(fetch(f"{server}/page.html", allow_private=True))


def test_feed_without_entry_page_fetching_keeps_the_teaser() -> None:
    fetched = Fetched("https://x.example/feed", "application/rss+xml", RSS.encode())
    result = articles_from_feed(fetched, fetch_page=None)
    ferry = next(a for a in result.articles if a.title == "Ferry timetable changes")
    assert ferry.text == "Short teaser."


def test_not_a_feed_or_no_text_is_an_error(server: str) -> None:
    [err] = load_url(f"{server}/notfeed.xml", allow_private=True, kind="feed").errors
    assert "not a readable RSS/Atom feed" in err.reason
    [err] = load_url(f"{server}/empty.html", allow_private=True).errors
    assert "no article text" in err.reason


def test_too_large_bodies_are_refused(server: str) -> None:
    with pytest.raises(FetchError, match=r"50\.0 MB; the limit is 5\.0 MB"):
        fetch(f"{server}/big-declared", allow_private=True)
    with pytest.raises(FetchError, match="larger than the limit"):
        fetch(f"{server}/big-undeclared", allow_private=True, max_bytes=100_000)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://127.0.0.1/feed.xml",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,hi",
        "127.0.0.1/x",
    ],
)
def test_only_http_and_https_are_fetched(url: str) -> None:
    with pytest.raises(FetchError, match="Only http and https"):
        check_url(url)
    [err] = load_url(url).errors
    assert "Only http and https" in err.reason


def test_redirects_are_limited_and_must_stay_http(server: str) -> None:
    assert fetch(f"{server}/hop/18", allow_private=True).url == f"{server}/page.html"  # 3 redirects: fine
    with pytest.raises(FetchError, match="redirects more than 5 times"):
        fetch(f"{server}/hop/0", allow_private=True)
    with pytest.raises(FetchError, match="not http or https"):
        fetch(f"{server}/to-file", allow_private=True)


def test_timeout(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"did not answer within 0\.5 s"):
        fetch(f"{server}/slow", allow_private=True, timeout=0.5)
    assert time.monotonic() - started < 2.5


def test_http_errors_and_unreachable_hosts(server: str) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(f"{server}/nothing-here", allow_private=True)
    closed = f"http://127.0.0.1:{free_port()}/"  # nothing listens there
    [err] = load_url(closed, timeout=2, allow_private=True).errors
    assert err.reason.startswith(("Cannot fetch", f"{closed} did not answer"))


def test_html_to_text() -> None:
    text = html_to_text("<p>One &amp; two</p><script>x()</script><ul><li>a</li><li>b</li></ul>tail")
    assert text == "One & two\na\nb\ntail"
    assert html_to_text("plain  text\n\n more") == "plain text\nmore"
