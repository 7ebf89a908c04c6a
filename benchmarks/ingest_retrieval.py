"""Ingest, retrieval and answer benchmark of NewsQA vs a plain llama-index pipeline (RealTime QA 2024 Q4).

Run `python benchmarks/ingest_retrieval.py --help`; benchmarks/README.md says how to read the table.
Every configuration runs in its own child process (own NEWSQA_HOME, own peak-RSS figure), one after the other.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # its parts, ingest_retrieval_*.py, are beside it

from ingest_retrieval_configs import MODEL_CACHE, PLAIN, RESULTS, ConfigSpec, child_env, parse_configs
from ingest_retrieval_corpus import corpus_stats, load_question_set
from ingest_retrieval_measures import save, uptime
from ingest_retrieval_newsqa import run_ours
from ingest_retrieval_plain import run_plain
from ingest_retrieval_report import dense_overlaps, render


def worker_main(job_path: str) -> int:
    """Child-process entry: run one job file, write its result file."""
    job = json.loads(Path(job_path).read_text())
    result = run_plain(job) if job["kind"] == "plain" else run_ours(job)
    save(job, result)
    return 0


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
