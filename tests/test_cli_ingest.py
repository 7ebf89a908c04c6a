"""`newsqa ingest` as a user runs it: missing paths, URLs, the size limit, progress, SIGTERM mid-ingest."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

from index.chunking import chunk_article
from index.loading import load_file
from tests.cli_run import run, shared_models
from tests.conftest import ROOT, SEEDS
from tests.fakes import FakeMiniLM
from tests.test_fetching import _Handler

pytestmark = pytest.mark.slow  # each command is a new process with the real embedder


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    """The fetch tests' synthetic pages and feeds, served on 127.0.0.1."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_missing_paths_are_failures_and_the_rest_loads(tmp_path: Path) -> None:
    result = run(tmp_path, "ingest", str(tmp_path / "missing"), str(SEEDS), str(tmp_path / "gone.jsonl"))
    assert result.returncode == 1, result.stderr
    assert "added 1," in result.stdout and "failed 2" in result.stdout
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed:")]
    assert failed == [
        f"failed: {tmp_path / 'missing'}: No such file or folder",
        f"failed: {tmp_path / 'gone.jsonl'}: No such file or folder",
    ]
    assert "Traceback" not in result.stderr


def test_page_and_feed_urls_are_ingested_with_the_library_tab_s_guard(tmp_path: Path, site: str) -> None:
    refused = run(tmp_path, "ingest", f"{site}/page.html")
    assert refused.returncode == 1 and "added 0," in refused.stdout
    assert "a loopback address" in refused.stderr and "NEWSQA_ALLOW_PRIVATE_URLS" in refused.stderr
    result = run(
        tmp_path, "ingest", f"{site}/page.html", f"{site}/feed.atom", NEWSQA_ALLOW_PRIVATE_URLS="true"
    )
    assert result.returncode == 0, result.stderr
    assert "added 2, updated 0, skipped 0 (unchanged), failed 0" in result.stdout
    stats = json.loads(run(tmp_path, "stats", "--json").stdout)
    assert stats["articles"] == 2
    bad = run(tmp_path, "ingest", "ftp://files.example/feed.xml")
    assert "failed: ftp://files.example/feed.xml: Only http and https URLs" in bad.stderr


def test_help_says_urls_are_accepted() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ingest", "--help"], capture_output=True, text=True, cwd=ROOT
    )
    text = " ".join(result.stdout.split())
    assert "page and RSS/Atom feed URLs" in text and "NEWSQA_ALLOW_PRIVATE_URLS" in text
    assert "SIGTERM" in text and "NEWSQA_MAX_FILE_MB" in text


def test_a_file_over_the_size_limit_is_named(tmp_path: Path) -> None:
    big = tmp_path / "big.jsonl"
    big.write_text(
        json.dumps({"text": "A synthetic sentence about ferries. " * 3000}) + "\n", encoding="utf-8"
    )
    result = run(tmp_path / "home", "ingest", str(big), str(SEEDS), NEWSQA_MAX_FILE_MB="0.05")
    assert result.returncode == 1
    assert f"failed: {big}: the file is 0.103 MB; the limit is 0.05 MB (NEWSQA_MAX_FILE_MB)" in result.stderr
    assert "added 1," in result.stdout


def _corpus(path: Path, n: int) -> None:
    """n synthetic one-chunk articles of about 450 characters, all different."""
    words = [
        "harbour",
        "ferry",
        "council",
        "bridge",
        "market",
        "festival",
        "museum",
        "library",
        "tram",
        "orchard",
        "river",
        "quarry",
    ]
    rng = random.Random(14)
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = " ".join(
                f"The {rng.choice(words)} committee of Verrin district {i} met on day {j} to discuss "
                f"{rng.choice(words)} repairs costing {rng.randint(1, 999)} crowns."
                for j in range(5)
            )
            out.write(json.dumps({"id": f"syn-{i}", "title": f"Synthetic report {i}", "text": text}) + "\n")


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def test_sigterm_stops_cleanly_and_a_rerun_completes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, 1100)  # two groups of 512 chunks (big enough for worker processes) and a small one
    expected = sum(len(chunk_article(a, FakeMiniLM(), 200, 0)) for a in load_file(corpus).articles)
    home = shared_models(tmp_path / "home")
    env = {**os.environ, "NEWSQA_HOME": str(home), "NEWSQA_LLM": "extractive"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "ingest", str(corpus), "--progress-every", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert proc.stderr is not None
    lines: list[str] = []
    workers: set[int] = set()
    deadline = time.monotonic() + 240
    for line in proc.stderr:  # progress lines, one per written group
        lines.append(line)
        workers.update(_children(proc.pid))
        if " 0 articles" not in line and "overall" in line and ", 0 chunks" not in line:
            break
        assert time.monotonic() < deadline, "".join(lines)
    else:
        pytest.fail("the ingest ended before it could be stopped:\n" + "".join(lines))
    workers.update(_children(proc.pid))
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=120)
    err = "".join(lines) + err
    assert proc.returncode == 143, err
    assert "SIGTERM: stopping after the articles being written" in err
    assert "stopped before" in out and "run the same command again" in out
    assert "leaked semaphore" not in err and "Traceback" not in err, err
    assert workers, "embedding worker processes were running"
    left = {w: _cmdline(w) for w in workers}
    until = time.monotonic() + 15
    while (left := {w: c for w, c in left.items() if _cmdline(w) == c and c}) and time.monotonic() < until:
        time.sleep(0.5)
    assert left == {}, "every worker process ended"
    written = json.loads(run(home, "stats", "--json").stdout)
    assert 0 < written["articles"] < 1100, "stopped part way, with whole articles stored"
    rerun = run(home, "ingest", str(corpus))
    assert rerun.returncode == 0, rerun.stderr
    assert f"skipped {written['articles']} (unchanged)" in rerun.stdout
    assert f"added {1100 - written['articles']}," in rerun.stdout
    stats = json.loads(run(home, "stats", "--json").stdout)
    assert stats == {**stats, "articles": 1100, "chunks": expected}, "no chunk lost or duplicated"
