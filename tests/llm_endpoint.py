"""A fake OpenAI-compatible endpoint on 127.0.0.1 (http.server) that replies well or badly, by path.

Base URL http://127.0.0.1:PORT/<mode>/v1, where mode is one of REPLIES (the bytes sent back for any POST
to /chat/completions, with their content type) or "slow" (a good reply streamed word by word over 12 s).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _event(content: str) -> bytes:
    chunk = {
        "id": "c1",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "fake",
        "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": None}],
    }
    return b"data: " + json.dumps(chunk).encode() + b"\n\n"


GOOD = (
    "Answer: Kapan\nExplanation: Preparations are underway to open a Russian Consulate General in Kapan [1]."
)
SSE = "text/event-stream"
SLOW_SECONDS = 12.0
REPLIES: dict[str, tuple[str, bytes]] = {
    "good": (SSE, _event(GOOD[:20]) + _event(GOOD[20:]) + b"data: [DONE]\n\n"),
    # Bytes that are no UTF-8 at all, inside an otherwise well-formed event line.
    "not-utf8": (
        SSE,
        _event("Answer: ") + b'data: {"choices": [{"delta": {"content": "\xff\xfe\xfa"}}]}\n\n',
    ),
    "bad-json": (SSE, _event("Answer: ") + b"data: {not json\n\n"),
    "plain-text": ("text/plain; charset=utf-8", b"Service temporarily replaced by a maintenance page.\n"),
    "html": ("text/html", b"<html><body><h1>502 Bad Gateway</h1></body></html>"),
    "no-events": (SSE, b": keep-alive comment only\n\n"),
    # A server that ignores stream=True and sends the whole completion as JSON: still an answer.
    "whole-json": (
        "application/json",
        json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": GOOD}}]}).encode(),
    ),
    "error-event": (SSE, b'data: {"error": {"message": "model overloaded", "type": "server_error"}}\n\n'),
}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0") or 0))
        mode = self.path.strip("/").split("/", 1)[0]
        if mode == "slow":  # a good reply, streamed over about SLOW_SECONDS: an answer still being written
            self.send_response(200)
            self.send_header("Content-Type", SSE)
            self.send_header("Connection", "close")
            self.end_headers()
            words = GOOD.split(" ")
            for i, word in enumerate(words):
                self.wfile.write(_event(word + (" " if i < len(words) - 1 else "")))
                self.wfile.flush()
                time.sleep(SLOW_SECONDS / len(words))
            self.wfile.write(b"data: [DONE]\n\n")
            self.close_connection = True
            return
        kind, body = REPLIES.get(mode, ("text/plain", b"unknown mode"))
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def fake_llm_endpoint() -> Iterator[str]:
    """Serve the fake endpoint; yields http://127.0.0.1:PORT (append /<mode>/v1 for a base URL)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
