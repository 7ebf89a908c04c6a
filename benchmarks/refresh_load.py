"""Answer latency while the chat's background feed refresh ingests a feed, against the same answers idle.

A NewsQA on a temporary home holds the seed articles and the first --base RealTime QA articles; a feed on
127.0.0.1 serves the next --feed articles (full text in each entry, so no page is fetched). Each configuration
answers the first --questions dev questions one after another (`as_of` = asked_on): `idle` with nothing else
running, `nice=N` while a FeedRefresher (the thread `newsqa serve` runs) at niceness N ingests a fresh slice
of the corpus. Only answers that both started and ended during the refresh count for a refresh row. One
table: answers, p50/p95, p50 and p95 against idle, the refresh's wall time and articles added.

    python benchmarks/refresh_load.py --base 300 --feed 150 --questions 20 --configs idle nice=10 nice=0
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ingest_retrieval_corpus import load_articles, load_question_set
from ingest_retrieval_measures import load1, median, pct, uptime

ROOT = Path(__file__).resolve().parent.parent


def rss(articles: Sequence[Any], base: str) -> bytes:
    """An RSS document with each article's whole text in its entry."""
    items = "".join(
        f"<item><title>{html.escape(a.title)}</title><link>{base}/a/{i}</link>"
        f"<description>{html.escape(a.text)}</description></item>"
        for i, a in enumerate(articles)
    )
    head = '<?xml version="1.0"?><rss version="2.0"><channel><title>bench</title>'
    return f"{head}{items}</channel></rss>".encode()


def serve_feeds(feeds: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    """A server on 127.0.0.1 answering /NAME.xml with feeds[NAME]."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            body = feeds.get(self.path.strip("/").removesuffix(".xml"))
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def answer_times(qa: Any, questions: Sequence[Any], until: threading.Event | None) -> list[float]:
    """Seconds per answer, cycling through the questions until `until` is set (once through without)."""
    times: list[float] = []
    i = 0
    while (until is None and i < len(questions)) or (until is not None and not until.is_set()):
        q = questions[i % len(questions)]
        start = time.perf_counter()
        qa.ask(q.question, as_of=q.asked_on)
        if until is None or not until.is_set():  # an answer that ended after the refresh is not counted
            times.append(time.perf_counter() - start)
        i += 1
    return times


def run_config(qa: Any, name: str, questions: Sequence[Any], feed_url: str) -> dict[str, Any]:
    """One row: idle answers, or answers while a refresher ingests feed_url."""
    from index.subscriptions import Subscriptions
    from qa.chat.refresher import FeedRefresher

    row: dict[str, Any] = {"config": name, "load_start": load1()}
    if name == "idle":
        row["times"] = answer_times(qa, questions, None)
        return row | {"load_end": load1()}
    Subscriptions(qa.settings.feeds_path).follow(feed_url)
    done, results = threading.Event(), []

    def finished(result: Any) -> None:
        results.append(result)
        done.set()

    refresher = FeedRefresher(qa, poll=3600, on_result=finished, niceness=int(name.split("=")[1]))
    started = time.perf_counter()
    refresher.start()
    row["times"] = answer_times(qa, questions, done)
    row["refresh_s"] = time.perf_counter() - started
    refresher.stop()
    row["added"] = results[0].added if results else 0
    row["error"] = results[0].error if results else "no result"
    return row | {"load_end": load1()}


def fmt(x: float | None, unit: str = " s") -> str:
    return "-" if x is None else f"{x:.2f}{unit}"


def table(rows: Sequence[dict[str, Any]]) -> str:
    """The result table, each row's p50 and p95 against the first row's."""
    head = "| config | answers | p50 | p95 | p50 vs first | p95 vs first | refresh | added | load 1m |"
    lines = [head, "|" + "---|" * 9]
    base50, base95 = median(rows[0]["times"]), pct(rows[0]["times"], 95)
    for r in rows:
        p50, p95 = median(r["times"]), pct(r["times"], 95)
        ratio50 = f"{p50 / base50:.2f}x" if p50 and base50 else "-"
        ratio95 = f"{p95 / base95:.2f}x" if p95 and base95 else "-"
        lines.append(
            f"| {r['config']} | {len(r['times'])} | {fmt(p50)} | {fmt(p95)} | {ratio50} | {ratio95} | "
            f"{fmt(r.get('refresh_s'))} | {r.get('added', '-')} | {r['load_start']}-{r['load_end']} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", type=int, default=300, help="articles indexed before the runs")
    parser.add_argument("--feed", type=int, default=150, help="articles in each refresh's feed")
    parser.add_argument("--questions", type=int, default=20, help="dev questions asked, in a loop")
    parser.add_argument("--llm", default="extractive", help="NEWSQA_LLM of the answers (default extractive)")
    parser.add_argument("--configs", nargs="+", default=["idle", "nice=10", "nice=0"])
    parser.add_argument("--home", type=Path, default=None, help="NEWSQA_HOME to use (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.configs[0] != "idle" or any(c != "idle" and not c.startswith("nice=") for c in args.configs):
        parser.error("configs: `idle` first, then idle or nice=N")

    from qa.pipeline import NewsQA
    from qa.settings import Settings

    home = args.home or Path(tempfile.mkdtemp(prefix="refresh-load-"))
    settings = Settings(home=home, llm=args.llm, allow_private_urls=True, feed_host_delay=0.0)
    qa = NewsQA(settings)
    slices = len(args.configs) - 1
    articles = load_articles(args.base + slices * args.feed)
    qa.ingest([ROOT / "seeds" / "articles"], progress=False)
    qa.ingest_articles(articles[: args.base], progress=False)
    feeds = {
        f"f{i}": rss(articles[args.base + i * args.feed : args.base + (i + 1) * args.feed], f"/f{i}")
        for i in range(slices)
    }
    httpd, url = serve_feeds(feeds)
    questions = load_question_set(args.questions)
    qa.ask(questions[0].question, as_of=questions[0].asked_on)  # warm-up: models loaded, caches filled
    print(f"# {uptime()}; home {home}; llm {args.llm}", flush=True)
    rows = []
    for i, name in enumerate(args.configs):
        rows.append(run_config(qa, name, questions, f"{url}/f{i - 1}.xml"))
        print(f"{name}: {len(rows[-1]['times'])} answers, p50 {fmt(median(rows[-1]['times']))}", flush=True)
    httpd.shutdown()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
