"""Measuring helpers of benchmarks/ingest_retrieval.py: memory, load, percentiles, timers, retrieval runs."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ingest_retrieval_configs import K
from ingest_retrieval_corpus import word_pieces


def vm_hwm_mb(pid: int) -> float | None:
    """Peak resident memory of a live process, from /proc (Linux); None elsewhere."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return None
    kb = [int(line.split()[1]) for line in lines if line.startswith("VmHWM:")]
    return round(kb[0] / 1024, 1) if kb else None


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load1() -> float:
    """One-minute load average."""
    return round(os.getloadavg()[0], 2)


def uptime() -> str:
    """The `uptime` line, for the record of how loaded the machine was."""
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return f"load average {os.getloadavg()}"


def pct(values: Sequence[float], q: float) -> float | None:
    """Percentile q of values (None for none), as qa.scoring computes it."""
    from qa.eval.metrics import percentile

    return percentile(values, q) if values else None


def median(values: Sequence[float]) -> float | None:
    """Median of values, None for none."""
    return pct(values, 50)


class Timers(dict[str, float]):
    """Seconds spent per named step, filled by `wrap`; steps timed in several threads add up."""

    _lock = threading.Lock()

    def wrap(self, key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        """fn, adding its run time to self[key]."""
        self.setdefault(key, 0.0)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                with self._lock:
                    self[key] += elapsed

        return timed

    def patch(self, obj: Any, attr: str, key: str) -> None:
        """Replace obj.attr (a method) by a timed version of it."""
        object.__setattr__(obj, attr, self.wrap(key, getattr(obj, attr)))


def progress(total: int, desc: str) -> Any:
    """A tqdm bar on stderr; sparse updates when stderr is a log file."""
    from tqdm import tqdm

    tty = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, file=sys.stderr, mininterval=0.5 if tty else 30, leave=tty)


def dump_profile(profiler: Any, path: Path) -> None:
    """Save cProfile stats to path and print the top functions by cumulative and own time to stderr."""
    import pstats

    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(path))
    stats = pstats.Stats(str(path), stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)


def save(job: dict[str, Any], out: dict[str, Any]) -> None:
    """Write what a child has measured so far, so that a later failure keeps it."""
    Path(job["result"]).write_text(json.dumps({**out, "peak_rss_mb": round(peak_rss_mb(), 1)}))


def retrieval_run(
    name: str, questions: Sequence[Any], search: Callable[[Any], list[str]], ids: Callable[[], list[str]]
) -> dict[str, Any]:
    """Latency and answer-recall@K of `search(question) -> passage texts` over the questions."""
    from qa.eval.metrics import recall_at_k

    cold_start = time.perf_counter()
    search(questions[0])
    cold_ms = (time.perf_counter() - cold_start) * 1000
    for q in questions[1:3]:  # warm-up, untimed
        search(q)
    lat: list[float] = []
    hits: list[float] = []
    retrieved_wp: list[int] = []
    id_lists: list[list[str]] = []
    bar = progress(len(questions), f"{name} retrieval")
    for q in questions:
        start = time.perf_counter()
        texts = search(q)
        lat.append((time.perf_counter() - start) * 1000)
        id_lists.append(ids())
        if q.answers:
            hits.append(recall_at_k(texts, q.answers, K) if texts else 0.0)
        retrieved_wp.append(sum(len(e.ids) for e in word_pieces(texts)))
        bar.update(1)
    bar.close()
    return {
        "questions": len(questions),
        "cold_ms": round(cold_ms, 2),
        "p50_ms": round(pct(lat, 50) or 0, 2),
        "p95_ms": round(pct(lat, 95) or 0, 2),
        "recall_at_10": round(sum(hits) / len(hits), 4) if hits else None,
        "mean_top10_wp": round(sum(retrieved_wp) / len(retrieved_wp), 1),
        "ids": id_lists,
    }
