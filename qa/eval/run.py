"""Running an evaluation: answer each question through the pipeline (timed) and score it."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from tqdm import tqdm

from index.store.base import Store
from index.store.filters import Filters
from qa.backends import model_name
from qa.eval.archive import Archive
from qa.eval.dataset import EvalQuestion
from qa.eval.scoring import QuestionResult, score_question
from qa.eval.summary import CURVE_DEPTH, summarize
from qa.llm.base import LLMError
from qa.models import Answer, Final, Partial, Passage, Retrieved
from qa.pipeline.newsqa import NewsQA
from qa.pipeline.questions import QuestionError
from qa.pipeline.retrieval import Retriever

AnswerFn = Callable[[str, date | None], Answer]


def answers_in_corpus(store: Store, questions: Sequence[EvalQuestion]) -> dict[str, bool]:
    """For questions with an as-of date: whether an article published by then holds a gold answer."""
    archive = Archive(store)
    return {q.id: archive.holds(q) for q in questions}


def answers_stated(store: Store, questions: Sequence[EvalQuestion]) -> dict[str, bool]:
    """For questions with an as-of date: whether a sentence of such an article states a gold answer (a
    diagnostic beside `answers_in_corpus`; see `Archive.states`)."""
    archive = Archive(store)
    return {q.id: archive.states(q) for q in questions}


def _measured_passages(
    retriever: Retriever, query: str, depth: int, given: Sequence[Passage], as_of: date | None
) -> list[Passage]:
    """The answer's own passages, topped up from a deeper retrieval of the same query to `depth`."""
    if len(given) >= depth:
        return list(given[:depth])
    # The answer's passages come first so that recall@top_k is exactly what the answerer saw.
    seen = {p.chunk.id for p in given}
    deeper = retriever.retrieve(query, depth, Filters(as_of=as_of))
    return [*given, *(p for p in deeper if p.chunk.id not in seen)][:depth]


def article_texts(store: Store, passages: Sequence[Passage]) -> list[str]:
    """The whole texts of the passages' articles, in order of first appearance (for article recall)."""
    order = list(dict.fromkeys(p.chunk.article_id for p in passages))
    refs = store.article_chunks(order)
    texts: dict[str, list[str]] = {}
    for chunk in store.fetch([r.id for r in refs]):
        texts.setdefault(chunk.article_id, []).append(chunk.text)
    return ["\n".join(texts.get(a, [])) for a in order]


def run_question(
    q: EvalQuestion,
    qa: NewsQA,
    retriever: Retriever,
    top_k: int,
    answer_fn: AnswerFn | None = None,
    in_corpus: bool | None = None,
) -> QuestionResult:
    """Answer one question (timed), measure retrieval, and score it."""
    given: list[Passage] = []
    query = q.question
    ttft: float | None = None
    found: float | None = None
    answer: Answer | None = None
    error = ""
    start = time.perf_counter()
    try:
        if answer_fn is not None:
            answer = answer_fn(q.question, q.asked_on)
        else:
            for event in qa.stream(q.question, top_k=top_k, as_of=q.asked_on):
                if isinstance(event, Retrieved):
                    given, query = list(event.passages), event.query
                    found = time.perf_counter() - start
                elif isinstance(event, Partial) and ttft is None:
                    ttft = time.perf_counter() - start
                elif isinstance(event, Final):
                    answer = event.answer
    except (QuestionError, LLMError) as exc:
        error = str(exc)
    latency = time.perf_counter() - start
    if answer is None:
        # An error earns no credit: not an answer, and not a refusal either.
        error = error or "the pipeline gave no final answer"
        answer = Answer(q.question, "", "", (), False, (error,))
    if answer_fn is not None or given:
        ranked = _measured_passages(retriever, query, max(CURVE_DEPTH, top_k), given, q.asked_on)
    else:
        ranked = []  # the pipeline found nothing at top_k, so a deeper search finds nothing either
    if answer_fn is not None:
        given = ranked[:top_k]  # an injected answerer reports no passages: assume the pipeline's top_k
    return score_question(
        q,
        answer,
        ranked=[p.chunk.text for p in ranked],
        given=[p.chunk.text for p in given],
        given_ids=[p.chunk.id for p in given] if answer_fn is None else [],
        articles=article_texts(qa.store, ranked),
        in_corpus=in_corpus,
        latency_s=latency,
        ttft_s=ttft,
        retrieval_s=found,
        error=error,
    )


def evaluate(
    questions: Sequence[EvalQuestion],
    qa: NewsQA,
    *,
    top_k: int | None = None,
    answer_fn: AnswerFn | None = None,
    progress: bool = True,
) -> tuple[list[QuestionResult], dict[str, Any]]:
    """Answer and score every question; answer_fn(question, as_of) replaces the pipeline when given."""
    s = qa.settings
    k = top_k or s.top_k
    if not 1 <= k <= 50:
        raise ValueError(f"top_k must be between 1 and 50, got {k}")
    # Load the models before the clock starts, so the first question's latency is not a model load.
    retriever = Retriever(qa.store, qa.embedder, s.retrieval, s.per_article_limit)  # the pipeline's own
    qa.embedder.embed(["warm-up"])
    if answer_fn is None and s.llm != "extractive":
        _ = qa.llm
    archive = Archive(qa.store) if any(q.asked_on for q in questions) else None  # one read of the store
    in_corpus = {q.id: archive.holds(q) for q in questions} if archive else {}
    stated = {q.id: archive.states(q) for q in questions} if archive else {}
    started = time.perf_counter()
    results = [
        run_question(q, qa, retriever, k, answer_fn, in_corpus.get(q.id))
        for q in tqdm(questions, desc="Evaluating", unit="question", disable=not progress, file=sys.stderr)
    ]
    for r in results:
        r.stated = stated.get(r.id)
    summary = summarize(results)
    summary["settings"] = {
        "answerer": "pipeline" if answer_fn is None else "answer_fn",
        "llm": s.llm,
        "model": model_name(s) if answer_fn is None else None,
        "embedder": qa.embedder.name,
        "retrieval": s.retrieval,
        "duplicate_threshold": s.duplicate_threshold,
        "per_article_limit": s.per_article_limit,
        "date_handling": s.date_handling,
        "conflict_check": s.conflict_check,
        "top_k": k,
        "recall_depth": max(CURVE_DEPTH, k),
        "chunk_size": s.chunk_size,
        "chunk_overlap": s.chunk_overlap,
        "collection": s.collection,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    summary["wall_s"] = round(time.perf_counter() - started, 3)
    return results, summary
