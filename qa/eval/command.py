"""`newsqa eval`: load the questions, prepare the index, evaluate, write the outputs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from qa.eval.corpus import log_line, open_corpus, seed_articles_for
from qa.eval.dataset import EvalError, load_questions
from qa.eval.report import write_outputs
from qa.eval.run import evaluate
from qa.pipeline.newsqa import NewsQA
from qa.settings import Settings


def run_eval(
    questions_path: Path,
    settings: Settings,
    *,
    corpus: Sequence[str | Path] | None = None,
    top_k: int | None = None,
    limit: int | None = None,
    out: Path | None = None,
) -> tuple[dict[str, Any], Path]:
    """Evaluate a question set, write results.jsonl, summary.json and report.html; (summary, out folder)."""
    questions = load_questions(questions_path)
    if limit is not None:
        if limit < 1:
            raise EvalError(f"--limit must be at least 1, got {limit}")
        questions = questions[:limit]
    if top_k is not None and not 1 <= top_k <= 50:
        raise EvalError(f"--top-k must be between 1 and 50, got {top_k}")
    corpus_info: dict[str, Any] = {"corpus": None}
    if corpus:
        qa, index = open_corpus(settings, corpus)
        corpus_info = {
            "corpus": [str(p) for p in corpus],
            "corpus_reused": index.reused,
            "corpus_articles": index.articles,
            "corpus_chunks": index.chunks,
            "ingest_s": round(index.ingest_s, 1) if index.ingest_s is not None else None,
        }
    else:
        qa = NewsQA(settings)
        if qa.store.count_chunks() == 0:
            seeds = seed_articles_for(questions_path)
            if seeds is None:
                raise EvalError(
                    f"the collection {settings.collection!r} in {settings.home} is empty: ingest the "
                    "articles the questions are about first (newsqa ingest PATH), or pass --corpus PATH"
                )
            log_line(
                f"The collection {settings.collection!r} is empty: ingesting the seed articles ({seeds})."
            )
            _, report = qa.ingest([seeds], progress=False)
            log_line(report.summary())
            corpus_info = {"corpus": [str(seeds)], "corpus_reused": False}
    results, summary = evaluate(questions, qa, top_k=top_k, progress=True)
    summary["settings"] = {"questions": str(questions_path), **summary["settings"], **corpus_info}
    out = out or Path("eval-results") / f"{Path(questions_path).stem}-{settings.llm}"
    write_outputs(out, results, summary)
    return summary, out
