"""The fetch guard (index/fetching.py): internal addresses are refused before connecting, on every hop.

A real http.server on 127.0.0.1 plays the internal service. No test ever connects anywhere but loopback:
socket.create_connection is wrapped to fail the test if the guard let a connection to another address out.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest

from index.feeds import load_url
from index.fetching import AddressGuard, FetchError, fetch
from qa import chat
from tests.fakes import FakeEmbedder, MemoryStore

SECRET = (
    "<html><head><title>Internal admin (synthetic)</title></head><body><article><p>"
    + ("The internal token is swordfish-42 and the admin password is hunter2, the wiki says. " * 6)
    + "</p></article></body></html>"
)


class _Internal(BaseHTTPRequestHandler):
    """An 'internal' service: a secret page, redirects to anywhere, and the Host header it was sent."""

    hits: ClassVar[list[str]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.path.startswith("/to?"):
            self.send_response(302)
            self.send_header("Location", self.path.split("?", 1)[1])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = (self.headers.get("Host", "") if self.path == "/host" else SECRET).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def internal() -> Iterator[int]:
    """The internal service on 127.0.0.1; yields its port."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Internal)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every connection attempt, checked to be to loopback (a guard bug must fail here, not go out)."""
    real = socket.create_connection
    made: list[Any] = []

    def connect(address: Any, *args: Any, **kwargs: Any) -> socket.socket:
        made.append(address)
        host = address[0]
        assert host in ("127.0.0.1", "::1"), f"the guard let a connection to {host} through"
        return real(address, *args, **kwargs)

    monkeypatch.setattr(socket, "create_connection", connect)
    _Internal.hits.clear()
    return made


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("http://127.0.0.1:{port}/secret", "loopback"),
        ("http://127.8.9.10:{port}/secret", "loopback"),
        ("http://[::1]:{port}/secret", "loopback"),
        ("http://localhost:{port}/secret", "loopback"),  # a name that resolves to loopback
        ("http://[::ffff:127.0.0.1]:{port}/secret", "loopback"),  # IPv4-mapped IPv6
        ("http://10.1.2.3/", "private"),
        ("http://192.168.0.1/", "private"),
        ("http://[fd00::1]/", "private"),
    ],
)
def test_loopback_and_private_addresses_are_refused_by_default(
    internal: int, loopback_only: list[Any], url: str, kind: str
) -> None:
    with pytest.raises(FetchError, match=rf"a {kind} address.*NEWSQA_ALLOW_PRIVATE_URLS"):
        fetch(url.format(port=internal))
    assert loopback_only == [] and _Internal.hits == [], "refused before connecting"


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("[fe80::1]", "link-local"),
        ("[::ffff:169.254.169.254]", "link-local"),
        ("224.0.0.1", "multicast"),
        ("[ff02::1]", "multicast"),
        ("240.0.0.1", "reserved"),
        ("0.0.0.0", "unspecified"),
        ("[::]", "unspecified"),
    ],
)
def test_link_local_multicast_reserved_and_unspecified_are_refused_even_when_private_is_allowed(
    loopback_only: list[Any], host: str, kind: str
) -> None:
    for allow in (False, True):
        with pytest.raises(FetchError, match=f"a {kind} address, not a public one") as caught:
            fetch(f"http://{host}/latest/meta-data/", allow_private=allow)
        assert "NEWSQA_ALLOW_PRIVATE_URLS" not in str(caught.value), "the setting would not help"
    assert loopback_only == []


def test_each_redirect_hop_is_checked(internal: int, loopback_only: list[Any]) -> None:
    # The first hop is let through by name (as a public server would be); where it redirects is not.
    first_only = AddressGuard(allowed={"127.0.0.1"})
    with pytest.raises(FetchError, match=r"127\.0\.0\.2: a loopback address"):
        fetch(f"http://127.0.0.1:{internal}/to?http://127.0.0.2:{internal}/secret", guard=first_only)
    with pytest.raises(FetchError, match=r"::1: a loopback address"):
        fetch(f"http://127.0.0.1:{internal}/to?http://[::1]:{internal}/secret", guard=first_only)
    # A redirect to the metadata address is refused even when loopback and private ones are allowed.
    with pytest.raises(FetchError, match=r"169\.254\.169\.254: a link-local address"):
        fetch(f"http://127.0.0.1:{internal}/to?http://169.254.169.254/latest/", allow_private=True)
    assert all(hit.startswith("/to?") for hit in _Internal.hits), "no refused hop was requested"
    assert {a[0] for a in loopback_only} == {"127.0.0.1"}


def test_allowing_private_urls_reaches_the_local_server_and_follows_redirects(internal: int) -> None:
    page = fetch(f"http://127.0.0.1:{internal}/to?/secret", allow_private=True)
    assert page.url == f"http://127.0.0.1:{internal}/secret" and b"swordfish-42" in page.body


def test_the_checked_address_is_the_one_connected_to(
    internal: int, loopback_only: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DNS rebind: the name resolves to the allowed address when checked, then to another one."""
    real = socket.getaddrinfo
    answers = iter(["127.0.0.1", "127.0.0.2", "127.0.0.2"])
    asked: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            asked.append(host)
            return real(next(answers), port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    page = fetch(f"http://rebind.test:{internal}/host", allow_private=True)
    assert asked == ["rebind.test"], "resolved once, by the guard"
    assert [a[0] for a in loopback_only] == ["127.0.0.1"], "connected to the checked address"
    assert page.body == f"rebind.test:{internal}".encode(), "the Host header keeps the name"
    assert page.url == f"http://rebind.test:{internal}/host"


def test_unknown_host_is_a_clear_error() -> None:
    with pytest.raises(FetchError, match=r"Cannot resolve the host name 'no-such-host\.invalid'"):
        fetch("http://no-such-host.invalid/feed.xml")


def test_the_library_tab_refuses_loopback_unless_the_setting_allows_it(make_qa: Any, internal: int) -> None:
    url = f"http://127.0.0.1:{internal}/secret"
    [err] = load_url(url).errors
    assert "a loopback address" in err.reason
    qa = make_qa()
    assert qa.settings.allow_private_urls is False, "the default"
    out = chat.ingest_url(qa, url)
    assert "nq-bad" in out and "loopback address" in out
    assert qa.store.count_articles() == 0 and _Internal.hits == []
    local = make_qa(allow_private_urls=True)
    assert "Added 1 article" in chat.ingest_url(local, url)
    assert isinstance(local.store, MemoryStore) and isinstance(local.embedder, FakeEmbedder)
