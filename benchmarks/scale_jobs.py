"""The child jobs of benchmarks/scale.py: a real ingest, a sample ingest and synthetic fill, a measurement.

Each runs in a fresh process (`python benchmarks/scale_jobs.py JOB.json`), so its memory and start-up are its
own, with NEWSQA_* from the parent (the step's home, default settings, extractive answers).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_retrieval_corpus import load_articles
from ingest_retrieval_measures import load1, peak_rss_mb, progress
from scale_grow import real_copies


def run_job(job: dict[str, Any], env: dict[str, str], work: Path) -> dict[str, Any]:
    """Run one job in a fresh Python process; its output goes to our stderr."""
    job_path = work / f"job-{job['kind']}-{os.getpid()}.json"  # two runs may share a work folder
    job["result"] = str(work / f"result-{job['kind']}-{os.getpid()}.json")
    Path(job["result"]).unlink(missing_ok=True)
    job_path.write_text(json.dumps(job))
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), str(job_path)],
        env=env,
        stdout=sys.stderr,
        check=False,
    )
    wall = round(time.perf_counter() - t, 1)
    result: dict[str, Any] = {}
    if Path(job["result"]).exists():
        result = json.loads(Path(job["result"]).read_text())
    if proc.returncode != 0:
        print(f"!! {job['kind']} failed with exit code {proc.returncode}", file=sys.stderr)
        result["error"] = f"exit code {proc.returncode}"
    return {**result, "child_wall_s": wall}


def save(job: dict[str, Any], out: dict[str, Any]) -> None:
    """Write what the job measured so far, so that a later failure keeps it."""
    Path(job["result"]).write_text(json.dumps({**out, "peak_rss_mb": round(peak_rss_mb(), 1)}))


def ingest(articles: list[Any]) -> dict[str, Any]:
    """Ingest these articles into the step's store, as `newsqa ingest` does, timing wall and CPU."""
    from index.ingest import ingest_articles
    from index.store.chroma import ChromaStore
    from qa.backends import make_embedder
    from qa.settings import Settings

    settings = Settings()
    embedder = make_embedder(settings)
    embedder.embed(["warm-up"])
    bar = progress(len(articles), "ingest")
    load_before = load1()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    t, cpu = time.perf_counter(), time.process_time()
    store = ChromaStore.open(settings, embedder.name, embedder.dim)
    size_before = store.count_chunks()
    open_s = time.perf_counter() - t
    report = ingest_articles(
        articles,
        store,
        embedder,
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        progress=False,
        on_progress=lambda done, total, chunks: bar.update(done - bar.n),
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    workers = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    cpu_s = time.process_time() - cpu + workers  # the embedding worker processes' CPU included
    bar.close()
    n = len(report.added) + len(report.updated)
    return {
        "articles": n,
        "chunks": report.chunks,
        "store_chunks_before": size_before,
        "open_s": round(open_s, 2),
        "ingest_s": round(wall, 1),
        "ingest_cpu_s": round(cpu_s, 1),
        "ms_per_article": round(1000 * wall / max(n, 1), 1),
        "cpu_ms_per_article": round(1000 * cpu_s / max(n, 1), 1),
        "ms_per_chunk": round(1000 * wall / max(report.chunks, 1), 2),
        "load_before": load_before,
        "load_after": load1(),
    }


def grow(job: dict[str, Any]) -> dict[str, Any]:
    """Time a real ingest of a sample (the corpus's last articles, as copy `start`) into the store as it is,
    then fill copies start .. stop-1 with synthetic ones, the sample's articles left out."""
    from scale_grow import copy_article, insert_synthetic

    from index.store.chroma import ChromaStore
    from qa.backends import make_embedder
    from qa.settings import Settings

    articles = load_articles(job["limit"])
    sample = articles[len(articles) - job["sample"] :] if job["sample"] else []
    out: dict[str, Any] = {"into_step": job["start"]}
    out["sample"] = ingest([copy_article(a, job["start"]) for a in sample])
    settings = Settings()
    embedder = make_embedder(settings)
    load_before = load1()
    t = time.perf_counter()
    store = ChromaStore.open(settings, embedder.name, embedder.dim)
    skip = {copy_article(a, job["start"]).id for a in sample}
    out["fill"] = insert_synthetic(store, articles, job["start"], job["stop"], skip=skip)
    out["fill"].update(
        insert_s=round(time.perf_counter() - t, 1), load_before=load_before, load_after=load1()
    )
    out["total_articles"], out["total_chunks"] = store.count_articles(), store.count_chunks()
    return out


def main(job_path: str) -> int:
    """Run the job file, write its result file."""
    job = json.loads(Path(job_path).read_text())
    if job["kind"] == "measure":
        from scale_measure import measure

        out = measure(job, lambda partial: save(job, partial))
    else:
        out = ingest(real_copies(load_articles(job["limit"]), 0, 1)) if job["kind"] == "ingest" else grow(job)
    save(job, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
