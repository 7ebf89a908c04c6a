"""The NewsQA job of benchmarks/ingest_retrieval.py, run in a child process: ingest, retrieval and answers."""

from __future__ import annotations

import os
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest_retrieval_configs import MODES, K
from ingest_retrieval_corpus import embedding_coverage, load_articles, load_question_set
from ingest_retrieval_measures import (
    Timers,
    dump_profile,
    load1,
    median,
    peak_rss_mb,
    progress,
    retrieval_run,
    save,
    vm_hwm_mb,
)


def answer_run(
    qa: Any, questions: Sequence[Any], warmup: Any, label: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Time to first token and total time of qa.stream over the questions (one untimed warm-up first)."""
    from qa.eval.metrics import answer_contained
    from qa.models import Final, Partial

    def ask(q: Any) -> dict[str, Any]:
        start = time.perf_counter()
        first: float | None = None
        text = ""
        for event in qa.stream(q.question, as_of=q.asked_on):
            if isinstance(event, Partial | Final) and first is None:
                first = time.perf_counter() - start
            if isinstance(event, Final):
                text = event.answer.text
        total = time.perf_counter() - start
        return {
            "id": q.id,
            "ttft_s": round(first if first is not None else total, 3),
            "total_s": round(total, 3),
            "contains_gold": answer_contained(text, q.answers),
            "answer": text[:300],
        }

    ask(warmup)
    bar = progress(len(questions), f"answers {label}")
    rows = []
    for q in questions:
        rows.append(ask(q))
        bar.update(1)
    bar.close()
    summary = {
        "questions": len(rows),
        "ttft_p50_s": median([r["ttft_s"] for r in rows]),
        "total_p50_s": median([r["total_s"] for r in rows]),
        "ttft_max_s": max((r["ttft_s"] for r in rows), default=None),
        "contains_gold": sum(r["contains_gold"] for r in rows),
    }
    return summary, rows


def install_ingest_timers(embedder: Any, timers: Timers) -> None:
    """Time chunking, tokenising, the model run and the whole embed call of our ingest."""
    import index.ingest

    index.ingest.chunk_article = timers.wrap("chunking", index.ingest.chunk_article)
    timers.patch(embedder, "embed", "embed total")
    # A private part of the ONNX embedder, timed only here: the embeds handed to its worker processes
    # (where the tokenising and model runs happen; their CPU is counted from the processes themselves, and
    # their peak memory read from /proc after each embed, while they live).
    if hasattr(embedder, "_embed_in_processes"):
        timers.patch(embedder, "_embed_in_processes", "worker processes")
        timed = embedder._embed_in_processes

        def embed_and_sample(texts: Any, out: Any) -> Any:
            handed = timed(texts, out)
            for pid in list(getattr(embedder._processes, "_processes", None) or {}):
                WORKER_PEAK_MB[pid] = max(WORKER_PEAK_MB.get(pid, 0.0), vm_hwm_mb(pid) or 0.0)
            return handed

        object.__setattr__(embedder, "_embed_in_processes", embed_and_sample)


WORKER_PEAK_MB: dict[int, float] = {}  # embedding worker pid -> peak resident MB


def install_store_timers(store: Any, timers: Timers) -> None:
    """Time the store's write and its Chroma and BM25 parts."""
    timers.patch(store, "write", "store total")
    timers.patch(store._chunks, "add", "chroma add")
    timers.patch(store._chunks, "delete", "chroma delete")
    timers.patch(store.manifest._entries, "upsert", "manifest upsert")
    timers.patch(store.index, "replace", "bm25 index")


def run_ours(job: dict[str, Any]) -> dict[str, Any]:
    """Ingest, retrieve and answer with one NewsQA configuration; its settings come from NEWSQA_* env."""
    started = time.perf_counter()
    from index.ingest import ingest_articles
    from index.store.chroma import ChromaStore
    from index.store.filters import Filters
    from qa.backends import make_embedder
    from qa.pipeline import NewsQA
    from qa.pipeline.retrieval import Retriever
    from qa.settings import Settings

    import_s = time.perf_counter() - started
    t = time.perf_counter()
    articles = load_articles(job["limit_articles"])
    questions = load_question_set(job["questions"])
    load_s = time.perf_counter() - t
    settings = Settings()
    out: dict[str, Any] = {"name": job["name"], "kind": "newsqa", "import_s": round(import_s, 2)}
    out["load_s"] = round(load_s, 2)
    out["settings"] = settings.model_dump(
        include={"embedder", "chunk_size", "chunk_overlap", "embed_batch_size"}
    )

    out["load_before"] = load1()
    t = time.perf_counter()
    embedder = make_embedder(settings)
    embedder.embed(["warm-up"])
    out["setup_s"] = round(time.perf_counter() - t, 2)
    out["peak_rss_setup_mb"] = round(peak_rss_mb(), 1)

    timers = Timers()
    install_ingest_timers(embedder, timers)
    bar = progress(len(articles), f"{job['name']} ingest")

    def on_progress(done: int, total: int, chunks: int) -> None:
        bar.update(done - bar.n)

    profiler = None
    if job.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    workers_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t, cpu = time.perf_counter(), time.process_time()
    store = ChromaStore.open(settings, embedder.name, embedder.dim)
    install_store_timers(store, timers)
    report = ingest_articles(
        articles,
        store,
        embedder,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        progress=False,
        on_progress=on_progress,
    )
    ingest_s = time.perf_counter() - t
    ingest_cpu = time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        dump_profile(profiler, Path(job["profile"]))
    bar.close()
    # Embedding worker processes: the ingest joined them when it ended, so their CPU is in RUSAGE_CHILDREN
    # (whose ru_maxrss is the largest child ever waited for, hence the /proc samples for memory).
    if getattr(embedder, "_processes", None) is False:
        raise RuntimeError(
            "the embedding worker processes broke: their CPU would be missing from the figures"
        )
    out["peak_rss_workers_mb"] = max(WORKER_PEAK_MB.values(), default=None)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers_cpu = (workers.ru_utime + workers.ru_stime) - (workers_before.ru_utime + workers_before.ru_stime)
    ingest_cpu += workers_cpu
    out["workers_cpu_s"] = round(workers_cpu, 2)
    out["load_after"] = load1()
    out["ingest_s"] = round(ingest_s, 2)
    out["ingest_cpu_s"] = round(ingest_cpu, 2)
    out["articles"] = len(articles)
    out["failed"] = len(report.failed)
    out["breakdown_s"] = {k: round(v, 2) for k, v in timers.items()}
    out["peak_rss_ingest_mb"] = round(peak_rss_mb(), 1)

    out["chunks"] = report.chunks
    save(job, out)

    out["retrieval"] = {}
    for mode in MODES:
        retriever = Retriever(store, embedder, mode)
        last: list[Any] = []

        def search(q: Any, retriever: Retriever = retriever, last: list[Any] = last) -> list[str]:
            last[:] = retriever.retrieve(q.question, K, Filters(as_of=q.asked_on))
            return [p.chunk.text for p in last]

        def ids(last: list[Any] = last) -> list[str]:
            return [p.chunk.id for p in last]

        out["retrieval"][mode] = retrieval_run(f"{job['name']} {mode}", questions, search, ids)
    out["peak_rss_retrieval_mb"] = round(peak_rss_mb(), 1)
    save(job, out)

    out["answers"] = []
    n_answer = job["answer_questions"]
    if job.get("answer") and n_answer > 0:
        asked = questions[:n_answer]
        warmup = questions[n_answer % len(questions)]
        llms: list[tuple[str, str | None]] = [("extractive", None)]
        llms += [("local", name) for name in job["llm_models"]]
        for llm, model in llms:
            os.environ["NEWSQA_LLM"] = llm
            if model:
                os.environ["NEWSQA_LLM_MODEL"] = model
            qa = NewsQA(Settings(), embedder=embedder, store=store)
            t = time.perf_counter()
            _ = qa.llm  # the local server loads its model here
            llm_load_s = time.perf_counter() - t
            label = llm if model is None else f"{llm} {model}"
            summary, rows = answer_run(qa, asked, warmup, label)
            out["answers"].append(
                {"llm": llm, "model": model, "llm_load_s": round(llm_load_s, 2), **summary, "rows": rows}
            )
        out["peak_rss_answers_mb"] = round(peak_rss_mb(), 1)
    out["load_end"] = load1()
    save(job, out)

    # Last, so that its memory shows in no peak-RSS row: what the model actually read of each article.
    spans = [(chunk.article_id, chunk.start, chunk.text) for chunk in store.chunks()]
    out["words"] = embedding_coverage(articles, spans)
    return out
