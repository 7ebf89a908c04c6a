"""The evaluation's outputs: results.jsonl, summary.json and a self-contained HTML report."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.eval.scoring import QuestionResult
from qa.eval.summary import fmt
from qa.templating import environment

_METRIC_ROWS = [
    ("accuracy", "Accuracy", "answerable: a gold answer occurs in the answer text or short answer"),
    ("exact_match", "Exact match", "answerable: the short answer equals a gold answer (normalised)"),
    ("f1", "Token F1", "answerable: token overlap of the short answer with the best gold answer"),
    ("correct_with_citations", "Correct with correct citations", "accurate, cited, every citation precise"),
    ("short_correct", "Short answer right", "answerable: the short answer is a gold answer or contains one"),
    ("short_correct_cited", "Short answer right and cited", "short answer right, every citation precise"),
    (
        "gold_in_quotes",
        "Gold in the cited quotes",
        "answerable: a quote the answer cites holds a gold answer",
    ),
    ("overall_correct", "Overall correct", "answerable answered accurately, unanswerable refused"),
    ("refusal_precision", "Refusal precision", "refusals that were of unanswerable questions"),
    ("refusal_recall", "Refusal recall", "unanswerable questions that were refused"),
    ("recall@1", "Answer-recall@1", "a gold answer occurs in the top passage"),
    ("recall@5", "Answer-recall@5", "a gold answer occurs in the top 5 passages"),
    ("recall@10", "Answer-recall@10", "a gold answer occurs in the top 10 passages"),
    ("recall@50", "Answer-recall@50", "a gold answer occurs in the top 50 passages"),
    ("article_recall@1", "Article recall@1", "a gold answer occurs in the first article found"),
    ("article_recall@5", "Article recall@5", "a gold answer occurs in the first 5 articles found"),
    ("article_recall@10", "Article recall@10", "a gold answer occurs in the first 10 articles found"),
    ("article_recall@50", "Article recall@50", "a gold answer occurs in the first 50 articles found"),
    (
        "in_corpus_recall@5",
        "Recall@5, answer in corpus",
        "recall@5 of the questions whose answer an article published by their as-of date holds",
    ),
    ("in_corpus_recall@10", "Recall@10, answer in corpus", "the same at 10"),
    ("in_corpus_recall@50", "Recall@50, answer in corpus", "the same at 50"),
    ("in_corpus_mrr", "MRR, answer in corpus", "MRR of the same questions"),
    (
        "stated_recall@10",
        "Recall@10, answer stated",
        "recall@10 of the questions a sentence of whose archive holds a gold and two of the question's words",
    ),
    ("stated_mrr", "MRR, answer stated", "MRR of the same questions"),
    ("mrr", "MRR", "mean 1/rank of the first passage holding a gold answer"),
    ("evidence_recall", "Evidence recall", "gold evidence sentences found in the passages the answer used"),
    ("citation_precision", "Citation precision", "cited quotes that support the sentence citing them"),
    ("latency_p50_s", "Latency p50 (s)", "seconds per question, median"),
    ("latency_p95_s", "Latency p95 (s)", "seconds per question, 95th percentile"),
    ("ttft_p50_s", "First token p50 (s)", "seconds to the first streamed token (LLM modes)"),
    ("ttft_p95_s", "First token p95 (s)", "seconds to the first streamed token, 95th percentile"),
    ("retrieval_p50_s", "Retrieval p50 (s)", "seconds until the passages are found, median"),
    ("retrieval_p95_s", "Retrieval p95 (s)", "seconds until the passages are found, 95th percentile"),
]


def _plots(results: Sequence[QuestionResult], summary: dict[str, Any]) -> dict[str, str]:
    """The report's charts as base64 PNGs, drawn with matplotlib's Agg canvas (no display needed)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def png(fig: Figure) -> str:
        FigureCanvasAgg(fig)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=96, bbox_inches="tight")
        return base64.b64encode(buf.getvalue()).decode("ascii")

    plots: dict[str, str] = {}
    by_type = summary["by_type"]
    fig = Figure(figsize=(7, 0.4 * len(by_type) + 1.2))
    ax = fig.subplots()
    names = list(by_type)
    ax.barh(names, [by_type[t]["correct"] or 0.0 for t in names], color="#4c78a8")
    for i, t in enumerate(names):
        ax.text(0.01, i, f"n={by_type[t]['questions']}", va="center", color="white", fontsize=8)
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("share correct (answerable: accurate; unanswerable: refused)")
    ax.set_title("Accuracy by question type")
    plots["Accuracy by question type"] = png(fig)

    fig = Figure(figsize=(6, 3.2))
    ax = fig.subplots()
    curve = summary["recall_curve"]
    ks = [int(k) for k in curve]
    ax.plot(ks, [curve[str(k)] or 0.0 for k in ks], marker="o", color="#f58518")
    ax.set_xticks(ks)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("k (passages)")
    ax.set_ylabel("answer-recall@k")
    ax.grid(alpha=0.3)
    ax.set_title("Retrieval: gold answer within the top k passages")
    plots["Recall@k"] = png(fig)

    fig = Figure(figsize=(6, 3.2))
    ax = fig.subplots()
    ax.hist([r.latency_s for r in results], bins=30, color="#54a24b", alpha=0.8, label="total")
    ttfts = [r.ttft_s for r in results if r.ttft_s is not None]
    if ttfts:
        ax.hist(ttfts, bins=30, color="#e45756", alpha=0.6, label="first token")
        ax.legend()
    ax.set_xlabel("seconds per question")
    ax.set_ylabel("questions")
    ax.set_title("Latency")
    plots["Latency"] = png(fig)
    return plots


def render_html(results: Sequence[QuestionResult], summary: dict[str, Any]) -> str:
    """A self-contained HTML report: summary table, charts as inline PNGs, and every question."""
    s = summary.get("settings", {})
    try:
        plots: dict[str, str] | None = _plots(results, summary)
    except ImportError:
        plots = None
    env = environment("qa.eval")
    env.filters["fmt"] = fmt
    return env.get_template("report.html").render(
        title=f"NewsQA evaluation: {s.get('questions', '')}",
        setting_text=", ".join(
            f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in s.items()
            if v not in (None, "", [])
        ),
        counts=summary["counts"],
        metric_rows=_METRIC_ROWS,
        metrics=summary["metrics"],
        plots=plots,
        by_type=summary["by_type"],
        results=results,
    )


def write_outputs(out: Path, results: Sequence[QuestionResult], summary: dict[str, Any]) -> None:
    """results.jsonl, summary.json and report.html in `out` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as f:
        for r in results:
            f.write(json.dumps(r.to_json(), ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(
        json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (out / "report.html").write_text(render_html(results, summary), encoding="utf-8")
