"""The measurement job of benchmarks/scale.py, in a fresh process: start-up, retrieval, answers, memory.

Start-up is what the chat does before its first answer: open the store (and the embedder), list the outlets
for the filter, count articles for the status line, and answer a first question, timed from the process's
start, imports included. Then retrieval in each mode under each filter, extractive answers, the library
table (every article), and the process's resident memory.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any

OUTLET = "cnn.com"  # 11% of the corpus's articles: a filter that most of the nearest chunks fail
FILTERS = ("none", "as_of", "as_of+outlet")


def process_age_s() -> float:
    """Seconds since this process started (interpreter start-up and imports included), from /proc."""
    with open("/proc/self/stat") as stat:
        started = int(stat.read().rpartition(")")[2].split()[19])  # field 22: start time in clock ticks
    with open("/proc/uptime") as up:
        return float(up.read().split()[0]) - started / os.sysconf("SC_CLK_TCK")


def rss_mb() -> dict[str, float]:
    """This process's resident memory now and at its peak, from /proc."""
    out = {}
    with open(f"/proc/{os.getpid()}/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = round(int(value.split()[0]) / 1024, 1)
    return out


def filters_for(name: str, q: Any) -> Any:
    """The filters of one retrieval run."""
    from index.store.filters import Filters

    if name == "none":
        return Filters()
    return Filters(as_of=q.asked_on, sources=(OUTLET,) if "outlet" in name else ())


def measure(job: dict[str, Any], save: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Every figure of one step, saved as it is measured."""
    from ingest_retrieval_corpus import load_question_set
    from ingest_retrieval_measures import load1, retrieval_run
    from ingest_retrieval_newsqa import answer_run

    from qa.pipeline import NewsQA
    from qa.pipeline.retrieval import Retriever
    from qa.settings import Settings

    out: dict[str, Any] = {"import_s": round(process_age_s(), 2), "load1_start": load1()}
    questions = load_question_set(None)
    qa = NewsQA(Settings())
    t = time.perf_counter()
    store = qa.store  # the embedder loads first, then the store opens
    out["open_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    outlets = store.sources()
    out["sources_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    out["articles"], out["chunks"] = store.count_articles(), store.count_chunks()
    out["count_s"] = round(time.perf_counter() - t, 3)
    first = questions[-1]  # not among the timed ones
    t = time.perf_counter()
    qa.ask(first.question, as_of=first.asked_on)
    out["first_answer_s"] = round(time.perf_counter() - t, 2)
    out["start_to_first_answer_s"] = round(process_age_s(), 2)
    out["rss_after_first_answer_mb"] = rss_mb()
    out["outlets"] = len(outlets)
    save(out)

    # How often a filtered dense search went past the unfiltered over-fetch: by ids, or to Chroma's filter.
    calls = {"nearest": 0, "filtered": 0, "by_ids": 0}
    nearest = store._nearest  # type: ignore[attr-defined]

    def counted(vector: Any, k: int, clause: Any, ids: Any = None) -> Any:
        calls["nearest"] += 1
        calls["filtered"] += clause is not None
        calls["by_ids"] += ids is not None
        return nearest(vector, k, clause, ids)

    store._nearest = counted  # type: ignore[attr-defined]
    asked = questions[: job["questions"]]
    out["retrieval"] = {}
    for mode in ("dense", "bm25", "hybrid"):
        retriever = Retriever(store, qa.embedder, mode)
        for name in FILTERS:
            calls.update(nearest=0, filtered=0, by_ids=0)

            def search(q: Any, retriever: Retriever = retriever, name: str = name) -> list[str]:
                return [p.chunk.text for p in retriever.retrieve(q.question, 10, filters_for(name, q))]

            run = retrieval_run(f"{mode} {name}", asked, search, list)
            run.pop("ids", None)
            counts = {"fallbacks": calls["filtered"], "by_ids": calls["by_ids"], "dense": calls["nearest"]}
            out["retrieval"][f"{mode} {name}"] = {**run, **counts}
            save(out)
    store._nearest = nearest  # type: ignore[attr-defined]

    if job["answers"] > 0:
        summary, rows = answer_run(qa, questions[: job["answers"]], questions[-2], "extractive")
        out["answers"] = {**summary, "total_max_s": max(r["total_s"] for r in rows)}
    t = time.perf_counter()
    out["library_articles"] = len(store.articles())
    out["library_s"] = round(time.perf_counter() - t, 2)
    out["rss_end_mb"] = rss_mb()
    out["load1_end"] = load1()
    return out
