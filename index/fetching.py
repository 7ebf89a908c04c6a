"""Fetch a URL over http(s) within limits of time, size and redirects."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlparse

import httpx

MAX_BYTES = 5 * 1024 * 1024  # a news page or feed is far smaller; more is a mistake or an attack
TIMEOUT = 15.0  # seconds for a whole fetch, connect to last byte
MAX_REDIRECTS = 5
USER_AGENT = "NewsQA/0.1 (+https://github.com/newsqa; article fetcher)"


class FetchError(RuntimeError):
    """A URL could not be fetched; the message says why in words a user can act on."""


@dataclass(frozen=True)
class Fetched:
    """A fetched response body and what is known about it."""

    url: str  # final URL, after redirects
    content_type: str
    body: bytes
    encoding: str | None = None

    def text(self) -> str:
        """The body decoded with its declared charset, else UTF-8 (undecodable bytes replaced)."""
        for enc in (self.encoding, "utf-8"):
            if enc:
                try:
                    return self.body.decode(enc)
                except (LookupError, UnicodeDecodeError):
                    continue
        return self.body.decode("utf-8", errors="replace")


def check_url(url: str) -> str:
    """The URL stripped, or FetchError when it is not an http(s) URL with a host."""
    url = (url or "").strip()
    if not url:
        raise FetchError("Enter the URL of a page or of an RSS/Atom feed.")
    parsed = urlparse(url)
    if parsed.scheme.lower() not in ("http", "https"):
        shown = parsed.scheme or "none"
        raise FetchError(f"Only http and https URLs can be fetched (scheme {shown!r}): {url}")
    if not parsed.hostname:
        raise FetchError(f"The URL has no host name: {url}")
    return url


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
) -> Fetched:
    """GET an http(s) URL with a total time limit, a size limit and a redirect limit."""
    url = check_url(url)
    started = time.monotonic()
    try:
        with (
            httpx.Client(
                follow_redirects=True,
                max_redirects=max_redirects,
                timeout=httpx.Timeout(timeout),
                headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
            ) as client,
            client.stream("GET", url) as response,
        ):
            if response.status_code >= 400:
                reason = response.reason_phrase or ""
                raise FetchError(f"{url} answered HTTP {response.status_code} {reason}".rstrip())
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"{url} is {_mb(int(declared))}; the limit is {_mb(max_bytes)}")
            body = bytearray()
            for block in response.iter_bytes():
                body.extend(block)
                if len(body) > max_bytes:
                    raise FetchError(f"{url} is larger than the limit of {_mb(max_bytes)}")
                # httpx's timeout is per read: a server that trickles bytes must still stop here.
                if time.monotonic() - started > timeout:
                    raise FetchError(f"{url} did not finish within {timeout:g} s")
            return Fetched(
                url=str(response.url),
                content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                body=bytes(body),
                encoding=response.charset_encoding,
            )
    except httpx.TooManyRedirects:
        raise FetchError(f"{url} redirects more than {max_redirects} times") from None
    except httpx.TimeoutException:
        raise FetchError(f"{url} did not answer within {timeout:g} s") from None
    except httpx.UnsupportedProtocol:
        raise FetchError(f"{url} redirects to a URL that is not http or https") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"Invalid URL {url}: {exc}") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"Cannot fetch {url}: {exc or type(exc).__name__}") from None


def is_http(url: str) -> bool:
    """Whether a URL is http(s) with a host."""
    return urlparse(url).scheme.lower() in ("http", "https") and bool(urlparse(url).hostname)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
