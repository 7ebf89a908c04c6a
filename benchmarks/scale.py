"""Archive scale: how ingest, retrieval, answers, memory, disk and start-up grow from 1x to 40x the corpus.

Run `python benchmarks/scale.py --help`; benchmarks/README.md ("scale.py") says what each step does. Each step
builds its store in WORK/home-<N>x from a copy of the previous step's (real ingest up to --real-max, then
synthetic copies, benchmarks/scale_grow.py), then measures it in fresh child processes. Every figure goes to
WORK/scale.json as soon as it is measured, so steps can run separately and a stopped run resumes.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its parts, and ingest_retrieval_*'s, are beside it

from ingest_retrieval_configs import MODEL_CACHE, child_env
from ingest_retrieval_measures import load1, uptime
from scale_jobs import run_job
from scale_report import plot, render
from scale_server import ChromaServer

STEPS = (1, 2, 4, 10, 40)


def home_of(work: Path, step: float) -> Path:
    """The NEWSQA_HOME of a step."""
    return work / f"home-{step:g}x"


def disk_mb(home: Path) -> dict[str, float]:
    """Megabytes under the Chroma folder and the search index (the model link is not followed)."""
    sizes: dict[str, float] = {}
    for part in ("chroma", "index"):
        total = sum(p.stat().st_size for p in (home / part).rglob("*") if p.is_file() and not p.is_symlink())
        sizes[part] = round(total / 1e6, 1)
    return sizes


class Run:
    """The state of a scale run: WORK/scale.json, saved after every job."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work: Path = args.work
        self.path = self.work / f"{args.state}.json"
        self.state: dict[str, Any] = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.state.setdefault("steps", {})
        self.state.setdefault("runs", []).append(
            {
                "date": datetime.now(UTC).isoformat(timespec="seconds"),
                "argv": sys.argv[1:],
                "uptime": uptime(),
            }
        )
        self.save()

    def save(self) -> None:
        """Write the state (atomically: a stopped run keeps the previous file)."""
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.state, indent=1))
        tmp.replace(self.path)

    def step(self, n: float) -> dict[str, Any]:
        """The record of step n."""
        rec: dict[str, Any] = self.state["steps"].setdefault(f"{n:g}", {"step": n})
        return rec

    def env(self, home: Path, **extra: str) -> dict[str, str]:
        """A child's environment: default settings on this home, extractive answers, 2 threads."""
        return {**child_env(None, home), **extra}

    def build(self, n: float, prev: float | None) -> None:
        """Make the store of step n from that of step prev (None: an empty one)."""
        rec, home = self.step(n), home_of(self.work, n)
        if rec.get("build", {}).get("done"):
            print(f"== {n:g}x: built already ({home})", file=sys.stderr)
            return
        shutil.rmtree(home, ignore_errors=True)
        if prev is None:
            home.mkdir(parents=True)
        else:
            shutil.copytree(home_of(self.work, prev), home, symlinks=True)
        if not (home / "models").exists():
            (home / "models").symlink_to(self.args.model_cache.resolve(), target_is_directory=True)
        kind = "ingest" if prev is None else "grow"
        job = {"kind": kind, "start": int(prev or 0), "stop": int(n), "limit": self.args.limit}
        job["sample"] = self.args.sample
        print(f"== {n:g}x: {kind} of copies {job['start']}..{job['stop'] - 1}; {uptime()}", file=sys.stderr)
        result = run_job(job, self.env(home), self.work)
        rec["build"] = {**result, "done": "error" not in result, "disk_mb": disk_mb(home)}
        self.save()

    def measure(self, n: float, label: str, server: bool) -> None:
        """Measure the store of step n in fresh child processes (embedded, or through a Chroma server)."""
        rec, home = self.step(n), home_of(self.work, n)
        key = ("server" if server else "embedded") + (f"-{label}" if label else "")
        job = {"kind": "measure", "questions": self.args.questions, "answers": self.args.answers}
        print(f"== {n:g}x: measure {key}; {uptime()}", file=sys.stderr)
        if not server:
            rec[key] = run_job(job, self.env(home), self.work)
        else:
            chroma = ChromaServer(home / "chroma", self.work / f"chroma-{n:g}x.log")
            chroma.start()
            try:
                env = self.env(home, NEWSQA_CHROMA_URL=chroma.url)
                rec[key] = {**run_job(job, env, self.work), "server_rss_mb": chroma.rss_mb()}
                rec[key]["server_start_s"] = chroma.start_s
            finally:
                chroma.stop()
        rec[key]["disk_mb"] = disk_mb(home)
        rec[key]["load1_end"] = load1()
        self.save()


def merged(work: Path) -> dict[str, Any]:
    """Every state file of the work folder in one: each step's records, later files' on top."""
    state: dict[str, Any] = {"steps": {}, "runs": []}
    for path in sorted(work.glob("*.json"), key=lambda p: p.stat().st_mtime):
        data = json.loads(path.read_text())
        if not isinstance(data, dict) or "steps" not in data:
            continue
        state["runs"] += data.get("runs", [])
        for key, rec in data["steps"].items():
            state["steps"].setdefault(key, {}).update(rec)
    return state


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the steps."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", default="1,2,4,10,40", help="sizes to build and measure (default all)")
    parser.add_argument("--from-step", type=float, default=None, help="build the first step from this one")
    parser.add_argument(
        "--sample",
        type=int,
        default=300,
        help="articles ingested for real at the start of each step after 1x",
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsqa-scale"), help="stores and scale.json")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 40 articles, 10 questions")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--questions", type=int, default=100, help="retrieval questions per mode (100)")
    parser.add_argument("--answers", type=int, default=10, help="extractive answers timed (10)")
    parser.add_argument("--build-only", action="store_true", help="build the steps, measure nothing")
    parser.add_argument("--measure-only", action="store_true", help="measure built steps, build nothing")
    parser.add_argument("--server", default="", help="steps also measured through a `chroma run` server")
    parser.add_argument("--label", default="", help="a name for these measurements (before/after a fix)")
    parser.add_argument(
        "--state",
        default="scale",
        help="state file WORK/STATE.json (another one for a run beside a running one)",
    )
    parser.add_argument("--report", action="store_true", help="only print the table and draw the curves")
    parser.add_argument("--png", type=Path, default=Path(__file__).resolve().parents[1] / "docs/scale.png")
    parser.add_argument("--model-cache", type=Path, default=MODEL_CACHE, help=f"models ({MODEL_CACHE})")
    args = parser.parse_args(argv)
    if args.quick:
        args.limit, args.questions, args.answers = (
            args.limit or 40,
            min(args.questions, 10),
            min(args.answers, 3),
        )
        args.sample = min(args.sample, 10)
    args.work.mkdir(parents=True, exist_ok=True)
    run = Run(args)
    steps = [float(s) for s in args.steps.split(",") if s.strip()]
    servers = {float(s) for s in args.server.split(",") if s.strip()}
    if not args.report:
        prev = args.from_step
        for n in steps:
            t = time.perf_counter()
            if not args.measure_only:
                run.build(n, prev)
            if not args.build_only:
                run.measure(n, args.label, server=False)
                if n in servers:
                    run.measure(n, args.label, server=True)
            print(f"== {n:g}x done in {time.perf_counter() - t:.0f} s", file=sys.stderr)
            prev = n
    run.state["uptime_end"] = uptime()
    run.save()
    state = merged(args.work)
    print(render(state, args.label))
    if not args.quick or args.report:
        plot(state, args.png, args.label)
    return 0


if __name__ == "__main__":
    sys.exit(main())
