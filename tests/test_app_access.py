"""Access control of the chat's write actions, through the official gradio_client against real app processes.

Two apps on 127.0.0.1 (extractive, seeded): one read-only, one with a login. And the start-up refusal of a
non-loopback host without either (refused before anything binds).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from index.loading import load_paths
from qa.llm.local import free_port
from tests.app_process import Proc, clean_env, start, wait_http
from tests.cli_run import run, shared_models
from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.slow

PASSWORD = "synthetic-test-password"
QUESTION = "Where will Russia open a consulate general?"
START_TIMEOUT = 240.0
ARTICLE = (
    "---\ntitle: Crane arrives in Portvale (synthetic)\nsource: Portvale Post\npublished: 2025-04-01\n---\n"
    "The new harbour crane arrived in Portvale on Tuesday, the port authority said.\n"
)


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A read-only app and an app with a login, started together; yields their URLs."""
    work = tmp_path_factory.mktemp("access")
    newsqa = shutil.which("newsqa", path=str(Path(sys.executable).parent)) or "newsqa"
    ports = {"read-only": free_port(), "login": free_port()}
    extra = {
        "read-only": {"NEWSQA_READ_ONLY": "true"},
        "login": {"NEWSQA_AUTH_USER": "editor", "NEWSQA_AUTH_PASSWORD": PASSWORD},
    }
    # The apps share one models folder: export the model once first (two exports at once collide).
    assert run(work / "warm", "stats").returncode == 0
    procs: dict[str, Proc] = {}
    for name, port in ports.items():
        env = clean_env() | extra[name]
        env |= {"NEWSQA_HOME": str(shared_models(work / name)), "NEWSQA_PORT": str(port)}
        env |= {"NEWSQA_LLM": "extractive", "NEWSQA_THREADS": "1"}
        procs[name] = start(f"app-{name}", [newsqa, "serve"], env, work)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        wait_http(procs["read-only"], urls["read-only"] + "/", deadline)
        wait_http(procs["login"], urls["login"] + "/", deadline)  # the login page
        yield urls
    finally:
        for proc in procs.values():
            proc.stop()


def _client(url: str, **kw: Any) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, **kw)


def _ask(client: Any) -> str:
    """Ask through the API as the page does: submit, then the answer's last update (the chat's HTML)."""
    client.predict(QUESTION, api_name="/submit")
    messages, _panel = client.predict(None, None, [], api_name="/answer")
    return str(messages[-1]["content"])


def _wait_ready(client: Any) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while "nq-ready" not in str(client.predict(api_name="/on_load")[-1]):  # the status is the last output
        assert time.monotonic() < deadline, "the app did not finish seeding"
        time.sleep(1)


def test_read_only_mode_refuses_upload_fetch_and_delete_through_the_api(
    apps: dict[str, str], tmp_path: Path
) -> None:
    from gradio_client import handle_file

    client = _client(apps["read-only"])
    _wait_ready(client)
    before = str(client.predict(api_name="/on_load")[0])  # the articles table
    assert "Kapan" in before or "Armenia" in before or "Russia" in before, "the seed article is listed"
    [seed] = load_paths([SEEDS]).articles
    report, articles, *_ = client.predict([seed.id], api_name="/on_delete")
    assert "read-only" in report and "nq-bad" in report
    assert articles == before, "nothing was deleted"
    path = tmp_path / "crane.md"
    path.write_text(ARTICLE, encoding="utf-8")
    _files, report, *_ = client.predict([handle_file(str(path))], api_name="/on_files")
    assert "read-only" in report
    report, *_ = client.predict("https://news.example/feed.xml", api_name="/on_url")
    assert "read-only" in report
    report, *_ = client.predict("https://news.example/feed.xml", "30m", api_name="/on_follow")
    assert "read-only" in report
    report, *_ = client.predict(None, api_name="/on_unfollow")
    assert "read-only" in report
    assert str(client.predict(api_name="/on_load")[0]) == before and "Crane" not in before
    assert "Kapan" in _ask(client), "reading still works"
    # The page shows the library controls disabled.
    config = httpx.get(apps["read-only"] + "/config", timeout=10).json()
    props = {c["props"].get("elem_id"): c["props"] for c in config["components"]}
    editing = ("nq-files", "nq-add-files", "nq-url", "nq-add-url", "nq-delete", "nq-delete-pick", "nq-follow")
    for elem in (*editing, "nq-unfollow", "nq-unfollow-pick"):
        assert props[elem]["interactive"] is False, elem


def test_login_mode_refuses_strangers_and_serves_the_user(apps: dict[str, str], tmp_path: Path) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AuthenticationError

    url = apps["login"]
    with pytest.raises(AuthenticationError, match="credentials were not provided"):
        _client(url)
    with pytest.raises(ValueError, match="Could not login"):
        _client(url, auth=("editor", "wrong-password"))
    for route in ("/config", "/gradio_api/info"):
        assert httpx.get(url + route, timeout=10).status_code == 401, route
    for route in ("/gradio_api/queue/join", "/gradio_api/run/on_delete", "/gradio_api/run/on_files"):
        assert httpx.post(url + route, json={"data": [["x"]]}, timeout=10).status_code == 401, route
    client = _client(url, auth=("editor", PASSWORD))
    _wait_ready(client)
    assert "Kapan" in _ask(client)
    path = tmp_path / "crane.md"
    path.write_text(ARTICLE, encoding="utf-8")
    _files, report, articles, *_ = client.predict([handle_file(str(path))], api_name="/on_files")
    assert "Added 1 article" in report and "Crane arrives in Portvale" in articles


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"NEWSQA_HOST": "0.0.0.0"}, "Refusing to serve the chat on 0.0.0.0"),
        ({"NEWSQA_HOST": "0.0.0.0", "NEWSQA_AUTH_USER": "editor"}, "go together"),
    ],
)
def test_a_non_loopback_host_without_login_or_read_only_mode_does_not_start(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    port = free_port()
    environ = clean_env() | env | {"NEWSQA_HOME": str(tmp_path), "NEWSQA_PORT": str(port)}
    for cmd in ([sys.executable, "-m", "qa.cli", "serve"], [sys.executable, str(ROOT / "app.py")]):
        result = subprocess.run(cmd, env=environ, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2, result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("newsqa: error: ") and expected in lines[0], lines
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "chroma").exists(), "refused before opening anything"
