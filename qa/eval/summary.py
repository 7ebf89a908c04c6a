"""Aggregate metrics of an evaluation run, and the short table the terminal shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from qa.eval.metrics import percentile, refusal_precision_recall
from qa.eval.scoring import RECALL_KS, QuestionResult

CURVE_DEPTH = 50  # passages retrieved for recall@k and MRR (more when top_k is larger)


def _mean(values: Sequence[float | bool | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def _pct(values: Sequence[float], q: float) -> float | None:
    return percentile(values, q) if values else None


def recall_curve(results: Sequence[QuestionResult], depth: int = CURVE_DEPTH) -> dict[int, float | None]:
    """Answer-recall@k for k = 1..depth over the answerable questions."""
    answerable = [r for r in results if r.answerable]
    if not answerable:
        return dict.fromkeys(range(1, depth + 1))
    return {
        k: sum(1 for r in answerable if r.hit_rank is not None and r.hit_rank <= k) / len(answerable)
        for k in range(1, depth + 1)
    }


def summarize(results: Sequence[QuestionResult]) -> dict[str, Any]:
    """Overall metrics, recall curve, per-type scores and counts of a list of question results."""
    answerable = [r for r in results if r.answerable]
    precision, recall = refusal_precision_recall(
        [r.refused for r in results], [r.answerable for r in results]
    )
    checks = sum(r.citation_checks for r in results)
    latencies = [r.latency_s for r in results]
    ttfts = [r.ttft_s for r in results if r.ttft_s is not None]
    found = [r.retrieval_s for r in results if r.retrieval_s is not None]
    present = [r for r in answerable if r.in_corpus]
    stated = [r for r in answerable if r.stated]
    # Where it is known whether the archive held a gold answer by the as-of date, a refusal of a question it
    # did not hold is right too: on a pooled corpus like RealTime QA's, most "answerable" questions are not.
    known = [r for r in results if r.in_corpus is not None]
    held = [r.answerable and bool(r.in_corpus) for r in known]
    archive = refusal_precision_recall([r.refused for r in known], held) if known else (None, None)
    with_evidence = [r.evidence_recall for r in results if r.evidence_recall is not None]
    metrics: dict[str, float | None] = {
        "accuracy": _mean([r.accurate for r in answerable]),
        "exact_match": _mean([r.exact_match for r in answerable]),
        "f1": _mean([r.f1 for r in answerable]),
        "correct_with_citations": _mean([r.correct_with_citations for r in answerable]),
        "short_correct": _mean([r.short_correct for r in answerable]),
        "short_correct_cited": _mean([r.short_correct_cited for r in answerable]),
        "gold_in_quotes": _mean([r.gold_in_quotes for r in answerable]),
        "overall_correct": _mean([r.correct for r in results]),
        "refusal_precision": precision,
        "refusal_recall": recall,
        "archive_refusal_precision": archive[0],
        "archive_refusal_recall": archive[1],
        **{f"recall@{k}": _mean([r.recall.get(k) for r in answerable]) for k in RECALL_KS},
        **{f"article_recall@{k}": _mean([r.article_recall.get(k) for r in answerable]) for k in RECALL_KS},
        # The questions whose answer an article published by their as-of date holds (when known).
        **{f"in_corpus_recall@{k}": _mean([r.recall.get(k) for r in present]) for k in RECALL_KS},
        "in_corpus_mrr": _mean([r.rr for r in present]),
        # ... and of those whose answer a sentence states as far as words tell (a rough, automatic label)
        **{f"stated_recall@{k}": _mean([r.recall.get(k) for r in stated]) for k in RECALL_KS},
        "stated_mrr": _mean([r.rr for r in stated]),
        "retrieval_p50_s": _pct(found, 50),
        "retrieval_p95_s": _pct(found, 95),
        "mrr": _mean([r.rr for r in answerable]),
        "evidence_recall": _mean(with_evidence),
        # Micro-averaged: every citation use counts once, whichever answer it is in.
        "citation_precision": sum(r.citation_precise for r in results) / checks if checks else None,
        "latency_p50_s": _pct(latencies, 50),
        "latency_p95_s": _pct(latencies, 95),
        "ttft_p50_s": _pct(ttfts, 50),
        "ttft_p95_s": _pct(ttfts, 95),
    }
    by_type: dict[str, dict[str, Any]] = {}
    for qtype in sorted({r.type for r in results}):
        group = [r for r in results if r.type == qtype]
        by_type[qtype] = {
            "questions": len(group),
            "answerable": sum(r.answerable for r in group),
            "accuracy": _mean([r.accurate for r in group if r.answerable]),
            "correct": _mean([r.correct for r in group]),
        }
    counts = {
        "questions": len(results),
        "answerable": len(answerable),
        "unanswerable": len(results) - len(answerable),
        "refused": sum(r.refused for r in results),
        "refused_answerable": sum(r.refused for r in answerable),
        "answer_in_corpus": len(present),
        "answer_stated": len(stated),
        "with_evidence": len(with_evidence),
        "answers_with_citation_markers": sum(1 for r in results if r.citation_checks),
        "citation_checks": checks,
        "errors": sum(1 for r in results if r.error),
    }
    return {
        "metrics": metrics,
        "recall_curve": {str(k): v for k, v in recall_curve(results).items()},
        "by_type": by_type,
        "counts": counts,
    }


def fmt(value: Any, digits: int = 3) -> str:
    """A metric for people: 3 decimals, "–" for none, yes/no for flags."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def format_table(summary: dict[str, Any]) -> str:
    """A compact human-readable summary for the terminal."""
    m, c, s = summary["metrics"], summary["counts"], summary.get("settings", {})
    lines = [
        f"{c['questions']} questions ({c['answerable']} answerable, {c['unanswerable']} unanswerable), "
        f"llm={s.get('llm')}, top_k={s.get('top_k')}, {summary.get('wall_s', 0):.1f} s",
        f"  accuracy             {fmt(m['accuracy'])}",
        f"  exact match / F1     {fmt(m['exact_match'])} / {fmt(m['f1'])}",
        f"  correct + cited      {fmt(m['correct_with_citations'])}",
        f"  short right / +cited {fmt(m['short_correct'])} / {fmt(m['short_correct_cited'])}"
        f"   gold in quotes {fmt(m['gold_in_quotes'])}",
        f"  refusal P / R        {fmt(m['refusal_precision'])} / {fmt(m['refusal_recall'])}"
        f"   ({c['refused']} refused, {c['refused_answerable']} of them answerable)",
        f"  recall@1/5/10/50     {fmt(m['recall@1'])} / {fmt(m['recall@5'])} / {fmt(m['recall@10'])}"
        f" / {fmt(m['recall@50'])}   MRR {fmt(m['mrr'])}",
        f"  article recall@1/5/10/50 {fmt(m['article_recall@1'])} / {fmt(m['article_recall@5'])}"
        f" / {fmt(m['article_recall@10'])} / {fmt(m['article_recall@50'])}",
        f"  evidence recall      {fmt(m['evidence_recall'])}",
        f"  citation precision   {fmt(m['citation_precision'])}   ({c['citation_checks']} citation uses)",
        f"  latency p50 / p95    {fmt(m['latency_p50_s'], 2)} / {fmt(m['latency_p95_s'], 2)} s"
        f"   (retrieval {fmt(m['retrieval_p50_s'], 3)} / {fmt(m['retrieval_p95_s'], 3)} s)",
    ]
    if c["answer_in_corpus"]:
        lines.insert(
            7,
            f"  answer in corpus     {c['answer_in_corpus']} questions: recall@5/10/50 "
            f"{fmt(m['in_corpus_recall@5'])} / {fmt(m['in_corpus_recall@10'])} / "
            f"{fmt(m['in_corpus_recall@50'])}   MRR {fmt(m['in_corpus_mrr'])}",
        )
        lines.insert(
            8,
            f"  answer stated        {c['answer_stated']} questions: recall@5/10/50 "
            f"{fmt(m['stated_recall@5'])} / {fmt(m['stated_recall@10'])} / "
            f"{fmt(m['stated_recall@50'])}   MRR {fmt(m['stated_mrr'])}",
        )
        lines.insert(
            9,
            f"  refusal P / R, by the archive {fmt(m['archive_refusal_precision'])} / "
            f"{fmt(m['archive_refusal_recall'])}   (refusing what it did not hold is right)",
        )
    if m["ttft_p50_s"] is not None:
        lines.append(f"  first token p50/p95  {fmt(m['ttft_p50_s'], 2)} / {fmt(m['ttft_p95_s'], 2)} s")
    if c["errors"]:
        lines.append(f"  errors               {c['errors']} (see results.jsonl)")
    return "\n".join(lines)
