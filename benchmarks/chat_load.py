"""The chat under load: N concurrent sessions through the official gradio_client, each asking seed questions
one after another, against a real app on 127.0.0.1 (seed articles in a temporary NEWSQA_HOME).

Each configuration (settings given as NAME=VALUE, e.g. LOCAL_SLOTS=1) gets its own app process; every
session count runs against it. One table: answered, errors, latency p50/p95/max, first text p50, how many
questions were shown a place in line, wall time, and each configuration's p50 and p95 against the first's.

    python benchmarks/chat_load.py --sessions 10 20 --configs LOCAL_SLOTS=1 LOCAL_SLOTS=4

Every request goes to 127.0.0.1; each answer has a time cap, and the run stops by itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "seeds" / "questions.jsonl"


@dataclass
class Result:
    """One question of one session."""

    session: int
    question: str
    seconds: float = 0.0
    first_text: float | None = None  # seconds to the first streamed words of the answer
    waited: bool = False  # shown a place in line for the model
    ok: bool = False
    error: str = ""


@dataclass
class Run:
    """One configuration at one session count."""

    config: str
    sessions: int
    results: list[Result] = field(default_factory=list)
    wall: float = 0.0
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average at the start and the end


def seed_questions() -> list[str]:
    """The seed set's answerable questions, in file order."""
    rows = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if r.get("answerable", True)]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_app(config: dict[str, str], home: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """`newsqa serve` on 127.0.0.1:port with the configuration's settings on top of the defaults."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_") and "proxy" not in k.lower()}
    env |= {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1", "NO_PROXY": "127.0.0.1,localhost"}
    env |= {"NEWSQA_HOME": str(home), "NEWSQA_HOST": "127.0.0.1", "NEWSQA_PORT": str(port)}
    env |= {f"NEWSQA_{k.upper()}": v for k, v in config.items()}
    newsqa = shutil.which("newsqa", path=str(Path(sys.executable).parent)) or "newsqa"
    with log.open("wb") as out:
        return subprocess.Popen([newsqa, "serve"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    """Until the page answers and the status says Ready (seeded, the model loaded)."""
    from gradio_client import Client

    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"the app exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                status = str(Client(url, verbose=False).predict(api_name="/on_load")[-1])  # status: last
                if "nq-ready" in status and "starting the model" not in status:
                    return
        except (httpx.HTTPError, OSError, ValueError):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the app was not ready within {timeout:g} s:\n{log.read_text()[-3000:]}")
        time.sleep(1)


def one_session(url: str, index: int, questions: list[str], cap: float, out: list[Result]) -> None:
    """Ask the questions one after another, as a user of the page does (submit, then the answer)."""
    from gradio_client import Client

    try:
        client = Client(url, verbose=False)
    except Exception as exc:  # counted as errors of every question of this session
        out.extend(Result(index, q, error=f"connect: {exc}") for q in questions)
        return
    for question in questions:
        r = Result(index, question)
        out.append(r)
        started = time.monotonic()
        try:
            client.predict(question, api_name="/submit")
            job = client.submit(None, None, [], api_name="/answer")
            last = ""
            for update in job:  # every streamed update of the chat
                text = str(update[0][-1]["content"]) if update and update[0] else ""
                if "in line" in text:
                    r.waited = True
                if r.first_text is None and "nq-streaming" in text:
                    r.first_text = time.monotonic() - started
                last = text
                if time.monotonic() - started > cap:
                    job.cancel()
                    raise TimeoutError(f"no answer within {cap:g} s")
            final = job.outputs()[-1] if job.outputs() else None
            last = str(final[0][-1]["content"]) if final and final[0] else last
            r.seconds = time.monotonic() - started
            if "nq-failed" in last or "Answer unavailable" in last:
                r.error = "the chat showed an error"
            elif "nq-done" not in last:
                r.error = "no final answer"
            else:
                r.ok = True
        except Exception as exc:
            r.seconds = time.monotonic() - started
            r.error = f"{type(exc).__name__}: {exc}"


def run_sessions(config: str, url: str, sessions: int, per_session: int, cap: float) -> Run:
    """N sessions at once, each with its own seed questions."""
    pool = seed_questions()
    run = Run(config, sessions, load=(os.getloadavg()[0], 0.0))
    threads = []
    started = time.monotonic()
    for i in range(sessions):
        qs = [pool[(i * per_session + j) % len(pool)] for j in range(per_session)]
        t = threading.Thread(target=one_session, args=(url, i, qs, cap, run.results), daemon=True)
        threads.append(t)
        t.start()
    for t in threads:
        t.join(cap * per_session + 60)
    run.wall = time.monotonic() - started
    run.load = (run.load[0], os.getloadavg()[0])
    return run


def pct(values: list[float], q: float) -> float | None:
    """The q-quantile (nearest rank), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def fmt(x: float | None, unit: str = " s") -> str:
    return "–" if x is None else f"{x:.1f}{unit}"


def table(runs: list[Run]) -> str:
    """The results as a Markdown table; ratios against the first configuration at the same session count."""
    head = (
        "| configuration | sessions x questions | answered | errors | p50 | p95 | max | first text p50 | "
        "shown a place in line | wall | load (start-end) | p50 / p95 vs first |"
    )
    lines = [head, "|" + " --- |" * 12]
    base: dict[int, Run] = {}
    for run in runs:
        base.setdefault(run.sessions, run)
        ok = [r.seconds for r in run.results if r.ok]
        firsts = [r.first_text for r in run.results if r.first_text is not None]
        errors = [r for r in run.results if not r.ok]
        ratio = "–"
        first = base[run.sessions]
        if first is not run:
            f_ok = [r.seconds for r in first.results if r.ok]
            a, b = pct(ok, 0.5), pct(f_ok, 0.5)
            c, d = pct(ok, 0.95), pct(f_ok, 0.95)
            if a and b and c and d:
                ratio = f"{a / b:.2f}x / {c / d:.2f}x"
        per = len(run.results) // max(1, run.sessions)
        lines.append(
            f"| {run.config} | {run.sessions} x {per} | {len(ok)}/{len(run.results)} | {len(errors)} | "
            f"{fmt(pct(ok, 0.5))} | {fmt(pct(ok, 0.95))} | {fmt(max(ok) if ok else None)} | "
            f"{fmt(statistics.median(firsts) if firsts else None)} | "
            f"{sum(r.waited for r in run.results)} | {run.wall:.0f} s | "
            f"{run.load[0]:.1f}-{run.load[1]:.1f} | {ratio} |"
        )
    return "\n".join(lines)


def parse_config(text: str) -> dict[str, str]:
    """'LOCAL_SLOTS=4,LLM_MAX_TOKENS=96' -> {'LOCAL_SLOTS': '4', ...}; 'default' -> {}."""
    if text in ("", "default"):
        return {}
    pairs = [p.split("=", 1) for p in text.split(",")]
    if any(len(p) != 2 for p in pairs):
        raise SystemExit(f"a configuration is NAME=VALUE[,NAME=VALUE...], got {text!r}")
    return {k.strip().removeprefix("NEWSQA_"): v.strip() for k, v in pairs}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, nargs="+", default=[10], help="session counts (default 10)")
    p.add_argument(
        "--questions", type=int, default=2, help="questions per session, asked in turn (default 2)"
    )
    p.add_argument("--configs", nargs="+", default=["default"], help="NAME=VALUE[,...] settings per app")
    p.add_argument("--cap", type=float, default=180.0, help="seconds an answer may take (default 180)")
    p.add_argument("--start-timeout", type=float, default=600.0, help="seconds for an app to be ready")
    p.add_argument("--model-cache", type=Path, default=Path(tempfile.gettempdir()) / "newsqa-bench-models")
    p.add_argument("--out", type=Path, default=None, help="also write the table (Markdown) here")
    args = p.parse_args()
    args.model_cache.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    for name in args.configs:
        home = Path(tempfile.mkdtemp(prefix="newsqa-load-"))
        (home / "models").symlink_to(args.model_cache.resolve(), target_is_directory=True)
        port, log = free_port(), home / "app.log"
        proc = start_app(parse_config(name), home, port, log)
        url = f"http://127.0.0.1:{port}"
        try:
            print(f"[{name}] starting the app (log {log})", file=sys.stderr, flush=True)
            wait_ready(url, proc, log, args.start_timeout)
            for n in args.sessions:
                print(f"[{name}] {n} sessions x {args.questions} questions", file=sys.stderr, flush=True)
                run = run_sessions(name, url, n, args.questions, args.cap)
                runs.append(run)
                for r in run.results:
                    if not r.ok:
                        print(f"  error (session {r.session}, {r.question!r}): {r.error}", file=sys.stderr)
                print(table([run]), file=sys.stderr, flush=True)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
            shutil.rmtree(home, ignore_errors=True)
    text = table(runs)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
