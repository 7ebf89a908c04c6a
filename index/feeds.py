"""Pages and RSS/Atom feeds fetched over http(s), turned into Articles (entry pages fetched for teasers)."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import date
from html.parser import HTMLParser
from typing import Any, Literal

from index.fetching import MAX_BYTES, TIMEOUT, Fetched, FetchError, fetch, is_http
from index.loading import ArticleFormatError, LoadError, LoadResult, article_from_html, article_from_record
from index.models import Article

MAX_FEED_ENTRIES = 200
MAX_ENTRY_PAGES = 25  # entry pages fetched per feed, so a big feed of stubs cannot take hours
FEED_BUDGET = 90.0  # seconds for fetching a feed's entry pages; after that entries keep their feed text
SHORT_ENTRY_CHARS = 400  # an entry with less text than this is a teaser: its page is fetched

_FEED_TYPES = ("rss", "atom", "xml", "rdf")
_FEED_ROOTS = (b"<rss", b"<feed", b"<rdf:rdf")

Kind = Literal["auto", "page", "feed"]


def looks_like_feed(fetched: Fetched) -> bool:
    """True for RSS/Atom by content type or by the document's root element."""
    if any(t in fetched.content_type for t in _FEED_TYPES) and "html" not in fetched.content_type:
        return True
    head = fetched.body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :].lstrip()
        while head.startswith(b"<!--") or head.startswith(b"<?"):  # comments, stylesheets
            end = head.find(b"-->" if head.startswith(b"<!--") else b"?>")
            head = head[end + 3 :].lstrip() if end >= 0 else b""
    return head.startswith(_FEED_ROOTS)


def article_from_page(fetched: Fetched) -> Article:
    """The article of a fetched HTML page; its URL is the fetched one when the page names none."""
    article = article_from_html(fetched.text(), fetched.url)
    if article.url:
        return article
    return article_from_record(
        {
            "text": article.text,
            "title": article.title,
            "url": fetched.url,
            "source": article.source,
            "author": article.author,
            "published": article.published.isoformat() if article.published else None,
        },
        fetched.url,
    )


def articles_from_feed(
    fetched: Fetched,
    *,
    fetch_page: Callable[[str], Fetched] | None = None,
    short_chars: int = SHORT_ENTRY_CHARS,
    max_entries: int = MAX_FEED_ENTRIES,
    max_pages: int = MAX_ENTRY_PAGES,
    budget: float = FEED_BUDGET,
) -> LoadResult:
    """One article per feed entry; an entry with little text gets its page fetched (when fetch_page)."""
    import feedparser

    # A stream, never a string: feedparser fetches any string that looks like a URL.
    parsed = feedparser.parse(
        io.BytesIO(fetched.body),
        response_headers={"content-location": fetched.url, "content-type": fetched.content_type},
    )
    result = LoadResult()
    if not parsed.get("version"):  # feedparser names the format of anything it recognises as a feed
        reason = parsed.get("bozo_exception") or "no RSS or Atom document found"
        result.errors.append(LoadError(fetched.url, None, f"not a readable RSS/Atom feed: {reason}"))
        return result
    entries = list(parsed.entries)
    if len(entries) > max_entries:
        result.errors.append(
            LoadError(
                fetched.url,
                None,
                f"the feed has {len(entries)} entries; only the first {max_entries} were read",
            )
        )
        entries = entries[:max_entries]
    # The feed's own name is the outlet people know ("Verrin News"); a host name is the fallback.
    outlet = " ".join(str(parsed.feed.get("title", "") or "").split())
    pages_left, deadline = max_pages, time.monotonic() + budget
    for i, entry in enumerate(entries, start=1):
        title = " ".join(str(entry.get("title", "")).split())
        link = str(entry.get("link", "")).strip()
        where = f"{fetched.url} entry {i}" + (f" ({title})" if title else "")
        text = html_to_text(_entry_html(entry))
        page: Article | None = None
        page_error = ""
        if len(text) < short_chars and fetch_page and is_http(link):
            if pages_left > 0 and time.monotonic() < deadline:
                pages_left -= 1
                try:
                    page = article_from_page(fetch_page(link))
                except (FetchError, ArticleFormatError) as exc:
                    page_error = str(exc)
            else:
                page_error = "too many entry pages to fetch; the feed's own text was used"
        if page is not None and len(page.text) > len(text):
            text = page.text
        if not text.strip():
            reason = f"no text in the entry ({page_error})" if page_error else "no text in the entry"
            result.errors.append(LoadError(where, None, reason))
            continue
        published = _entry_date(entry) or (page.published if page else None)
        record: dict[str, Any] = {
            "text": text,
            "title": title or (page.title if page else ""),
            "url": link if is_http(link) else "",
            "source": outlet,
            "author": str(entry.get("author", "") or ""),
            "published": published.isoformat() if published else None,
        }
        try:
            result.articles.append(article_from_record(record, where))
        except ArticleFormatError as exc:
            result.errors.append(LoadError(where, None, str(exc)))
    return result


def load_url(
    url: str,
    *,
    kind: Kind = "auto",
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    fetch_entry_pages: bool = True,
    allow_private: bool = False,
) -> LoadResult:
    """Articles from a page or feed URL; every failure becomes a LoadError with its reason.

    Loopback and private addresses are refused unless allow_private (NEWSQA_ALLOW_PRIVATE_URLS), for the
    feed, its entry pages and every redirect (index/fetching.py).
    """
    try:
        fetched = fetch(url, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)
    except FetchError as exc:
        return LoadResult(errors=[LoadError((url or "").strip() or "(no URL)", None, str(exc))])
    if kind == "feed" or (kind == "auto" and looks_like_feed(fetched)):

        def page(link: str) -> Fetched:
            return fetch(link, timeout=timeout, max_bytes=max_bytes, allow_private=allow_private)

        return articles_from_feed(fetched, fetch_page=page if fetch_entry_pages else None)
    try:
        return LoadResult(articles=[article_from_page(fetched)])
    except ArticleFormatError as exc:
        return LoadResult(errors=[LoadError(fetched.url, None, str(exc))])


class _TextExtractor(HTMLParser):
    """Text of an HTML fragment: blocks become lines, scripts and styles are dropped."""

    _BLOCKS = frozenset(
        [
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "blockquote",
            "section",
            "article",
            "header",
            "footer",
            "pre",
        ]
    )
    _SKIP = frozenset({"script", "style", "noscript", "template", "head"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed summaries and contents), paragraphs on their own lines."""
    if "<" not in fragment and "&" not in fragment:
        return "\n".join(" ".join(line.split()) for line in fragment.splitlines() if line.strip())
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def _entry_html(entry: Any) -> str:
    """The fullest text an entry carries: its longest content, else its summary."""
    contents = [str(c.get("value", "")) for c in entry.get("content", []) or []]
    best = max(contents, key=len, default="")
    summary = str(entry.get("summary", "") or "")
    return best if len(best) >= len(summary) else summary


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        t = entry.get(key)
        if t:
            try:
                return date(t.tm_year, t.tm_mon, t.tm_mday)
            except (ValueError, AttributeError):
                continue
    return None
