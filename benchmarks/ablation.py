"""Ablation: `newsqa eval` on the seed and RealTime QA dev questions, one pipeline step changed per row.

Every row is a separate `newsqa eval --json` process with its own NEWSQA_* variables, so each row runs exactly
what a user would get with those settings. Rows that only change query-time steps share one index per question
set (built once, reused by `newsqa eval`); rows that change the index (title headers, chunk overlap) build
their own. Retrieval metrics (recall@k, MRR) always look 10 passages deep; NEWSQA_TOP_K changes only how
many passages the answerer gets.
Prints a Markdown table per question set; writes the summaries to --out.

    python benchmarks/ablation.py                      # extractive rows on both sets
    python benchmarks/ablation.py --rows hybrid --llm local --sets seed
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT.parent / "shared" / "bench" / "realtimeqa-2024q4"
SETS: dict[str, list[str]] = {
    "seed": [str(ROOT / "seeds" / "questions.jsonl"), "--corpus", str(ROOT / "seeds" / "articles")],
    "rtqa": [str(BENCH / "questions-dev.jsonl"), "--corpus", str(BENCH / "articles.jsonl")],
}
# name -> (what it shows, NEWSQA_* overrides)
ROWS: dict[str, tuple[str, dict[str, str]]] = {
    "dense": ("dense retrieval only", {"NEWSQA_RETRIEVAL": "dense"}),
    "bm25": ("BM25 only", {"NEWSQA_RETRIEVAL": "bm25"}),
    "hybrid": ("hybrid (RRF), the default", {}),
    "no-dates": ("hybrid, dates in questions ignored", {"NEWSQA_DATE_HANDLING": "false"}),
    "no-dedup": ("hybrid, near-duplicate grouping off", {"NEWSQA_DUPLICATE_THRESHOLD": "0"}),
    "no-conflicts": ("hybrid, conflict check off", {"NEWSQA_CONFLICT_CHECK": "false"}),
    "cap2": ("hybrid, at most 2 passages per article", {"NEWSQA_PER_ARTICLE_LIMIT": "2"}),
    "top3": ("hybrid, 3 passages to the answerer", {"NEWSQA_TOP_K": "3"}),
    "top10": ("hybrid, 10 passages to the answerer", {"NEWSQA_TOP_K": "10"}),
    "titles": ("hybrid, chunks embedded under their title (new index)", {"NEWSQA_TITLE_PIECES": "32"}),
    "overlap40": ("hybrid, chunks overlapping by 40 pieces (new index)", {"NEWSQA_CHUNK_OVERLAP": "40"}),
}
COLUMNS = [
    ("accuracy", "acc"),
    ("exact_match", "EM"),
    ("f1", "F1"),
    ("recall@10", "recall@10"),
    ("mrr", "MRR"),
    ("citation_precision", "cit. prec."),
    ("refusal_precision", "refusal P"),
    ("refusal_recall", "refusal R"),
    ("refused", "refused"),
    ("latency_p50_s", "p50 s"),
]


def run_row(qset: str, row: str, llm: str, home: Path, out: Path) -> dict[str, Any]:
    """One `newsqa eval --json` with the row's settings; its summary."""
    _, overrides = ROWS[row]
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update(overrides, NEWSQA_HOME=str(home), NEWSQA_LLM=llm)
    cmd = [sys.executable, "-m", "qa.cli", "eval", *SETS[qset], "--llm", llm, "--json"]
    cmd += ["--out", str(out / f"{qset}-{row}-{llm}")]
    started = time.perf_counter()
    proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
    summary: dict[str, Any] = json.loads(proc.stdout)
    summary["row_wall_s"] = round(time.perf_counter() - started, 1)
    return summary


def cell(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def table(qset: str, llm: str, results: dict[str, dict[str, Any]]) -> str:
    """Markdown table of one question set."""
    head = "| row | " + " | ".join(label for _, label in COLUMNS) + " |"
    lines = [f"{qset} questions, `--llm {llm}`", "", head, "|" + " --- |" * (len(COLUMNS) + 1)]
    for row, summary in results.items():
        if "error" in summary:
            lines.append(f"| {ROWS[row][0]} | error: {summary['error']} |")
            continue
        m = dict(summary["metrics"])
        if not summary.get("counts", {}).get("unanswerable"):
            # No unanswerable questions: refusal precision/recall say nothing (recall is vacuously 1).
            m["refusal_precision"] = m["refusal_recall"] = None
        m["refused"] = summary.get("counts", {}).get("refused")
        lines.append(f"| {ROWS[row][0]} | " + " | ".join(cell(m.get(key)) for key, _ in COLUMNS) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sets", default="seed,rtqa", help="question sets, comma-separated: seed, rtqa")
    p.add_argument("--rows", default=",".join(ROWS), help=f"rows, comma-separated, from {', '.join(ROWS)}")
    p.add_argument("--llm", default="extractive", choices=["extractive", "local", "openai"])
    p.add_argument(
        "--home", type=Path, default=Path("/tmp/newsqa-ablation"), help="NEWSQA_HOME for the indexes"
    )
    p.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "ablation")
    args = p.parse_args(argv)
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    unknown = [r for r in rows if r not in ROWS]
    if unknown:
        p.error(f"unknown rows {unknown}; expected some of {list(ROWS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {"llm": args.llm, "load_before": os.getloadavg()[0], "sets": {}}
    for qset in [s.strip() for s in args.sets.split(",") if s.strip()]:
        results: dict[str, dict[str, Any]] = {}
        for row in rows:
            print(f"{qset} / {row} ...", file=sys.stderr, flush=True)
            results[row] = run_row(qset, row, args.llm, args.home, args.out)
        report["sets"][qset] = results
        print(table(qset, args.llm, results) + "\n", flush=True)
    report["load_after"] = os.getloadavg()[0]
    sets = "-".join(report["sets"])
    (args.out / f"ablation-{sets}-{args.llm}.json").write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
