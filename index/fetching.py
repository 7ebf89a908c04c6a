"""Fetch a URL over http(s) within limits of time, size and redirects, refusing internal addresses."""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlparse

import httpx

MAX_BYTES = 5 * 1024 * 1024  # a news page or feed is far smaller; more is a mistake or an attack
TIMEOUT = 15.0  # seconds for a whole fetch, connect to last byte
MAX_REDIRECTS = 5
USER_AGENT = "NewsQA/0.1 (+https://github.com/newsqa; article fetcher)"
_REDIRECTS = (301, 302, 303, 307, 308)
# Classes NEWSQA_ALLOW_PRIVATE_URLS lets through; link-local (cloud metadata at 169.254.169.254), multicast,
# reserved and unspecified addresses are never fetched.
LOCAL_CLASSES = frozenset({"loopback", "private"})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(RuntimeError):
    """A URL could not be fetched; the message says why in words a user can act on."""


@dataclass(frozen=True)
class Fetched:
    """A fetched response body and what is known about it."""

    url: str  # final URL, after redirects
    content_type: str
    body: bytes
    encoding: str | None = None
    status: int = 200  # 304 (not modified, empty body) answers a conditional GET
    etag: str | None = None
    last_modified: str | None = None

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


def address_class(ip: IPAddress) -> str | None:
    """The class of a non-public address (loopback, private, link-local, ...); None for a public one."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped  # ::ffff:127.0.0.1 reaches 127.0.0.1
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip.is_reserved:
        return "reserved"
    if ip.is_private or not ip.is_global:  # RFC 1918, unique-local fc00::/7, shared 100.64/10, ...
        return "private"
    return None


class AddressGuard:
    """Resolves a host once and says which address to connect to, refusing non-public ones."""

    def __init__(self, allow_private: bool = False, allowed: Collection[str] = ()) -> None:
        self.allow_private = allow_private
        # Addresses let through whatever their class: a test server's, say, while its redirects are checked.
        self.allowed = frozenset(allowed)

    def resolve(self, host: str, port: int) -> str:
        """The address to connect to for host:port; FetchError names the class of a refused one."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            raise FetchError(f"Cannot resolve the host name {host!r}: {exc}") from None
        addresses = list(dict.fromkeys(str(info[4][0]).split("%")[0] for info in infos))
        if not addresses:
            raise FetchError(f"The host name {host!r} has no address")
        # Every address is checked, not just the first: a name with one public and one internal address
        # could otherwise be steered to the internal one.
        for address in addresses:
            kind = address_class(ipaddress.ip_address(address))
            if kind is None or address in self.allowed or (self.allow_private and kind in LOCAL_CLASSES):
                continue
            shown = host if host == address else f"{host} ({address})"
            hint = (
                " Set NEWSQA_ALLOW_PRIVATE_URLS=true to fetch from loopback and private addresses."
                if kind in LOCAL_CLASSES
                else ""
            )
            raise FetchError(f"Refused to fetch from {shown}: a {kind} address, not a public one.{hint}")
        return addresses[0]


class _PinnedTransport(httpx.HTTPTransport):
    """Connects to the address the guard checked, so that a second DNS answer (a rebind) cannot swap it.

    The request keeps its host name for the Host header and, over https, for SNI and certificate checks.
    """

    def __init__(self, guard: AddressGuard, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.guard = guard

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        address = self.guard.resolve(host, port)
        pinned = httpx.Request(
            request.method,
            request.url.copy_with(host=address),
            headers=request.headers,  # the Host header was set from the URL's name when it was built
            stream=request.stream,
            extensions={**request.extensions, "sni_hostname": host},
        )
        return super().handle_request(pinned)


def fetch(
    url: str,
    *,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    max_redirects: int = MAX_REDIRECTS,
    allow_private: bool = False,
    guard: AddressGuard | None = None,
    headers: Mapping[str, str] | None = None,
) -> Fetched:
    """GET an http(s) URL within time, size and redirect limits; every hop's address is checked.

    Loopback and private addresses are refused unless allow_private (NEWSQA_ALLOW_PRIVATE_URLS);
    link-local, multicast, reserved and unspecified ones always are. A guard given replaces allow_private.
    headers are added to every hop's request (If-None-Match, say); a 304 comes back with its status.
    """
    url = first = check_url(url)
    started = time.monotonic()
    transport = _PinnedTransport(guard or AddressGuard(allow_private))
    try:
        with httpx.Client(
            transport=transport,
            follow_redirects=False,  # followed here, so that each hop's address is checked
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "*/*"},
        ) as client:
            for _ in range(max_redirects + 1):
                with client.stream("GET", url, headers=headers) as response:
                    location = response.headers.get("location")
                    if response.status_code in _REDIRECTS and location:
                        url = _next_hop(url, location)
                        continue
                    return _read(response, url, started, timeout, max_bytes)
            raise FetchError(f"{first} redirects more than {max_redirects} times")
    except httpx.TimeoutException:
        raise FetchError(f"{url} did not answer within {timeout:g} s") from None
    except httpx.InvalidURL as exc:
        raise FetchError(f"Invalid URL {url}: {exc}") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"Cannot fetch {url}: {exc or type(exc).__name__}") from None


def _next_hop(url: str, location: str) -> str:
    target = urljoin(url, location.strip()).split("#", 1)[0]
    if urlparse(target).scheme.lower() not in ("http", "https"):
        raise FetchError(f"{url} redirects to a URL that is not http or https")
    return check_url(target)


def _read(response: httpx.Response, url: str, started: float, timeout: float, max_bytes: int) -> Fetched:
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
        url=url,
        content_type=response.headers.get("content-type", "").split(";")[0].strip().lower(),
        body=bytes(body),
        encoding=response.charset_encoding,
        status=response.status_code,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


def is_http(url: str) -> bool:
    """Whether a URL is http(s) with a host."""
    return urlparse(url).scheme.lower() in ("http", "https") and bool(urlparse(url).hostname)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
