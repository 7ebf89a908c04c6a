"""Score NewsQA on a question set: answers, refusals, retrieval, citations and latency (`newsqa eval`).

Metric definitions are in docs/evaluation.md; the scoring functions themselves are in qa/scoring.py.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import io
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from index.loading import iter_files
from index.settings import Settings
from qa.answering import Final, NewsQA, Partial, QuestionError, Retrieved
from qa.citations import MARKER, markers_in, strip_markers
from qa.extractive import question_type
from qa.grounding import split_sentences, support
from qa.llm import LLMError
from qa.models import Answer, Citation, Passage
from qa.retrieval import Retriever
from qa.scoring import (
    answer_contained,
    evidence_recall,
    exact_match,
    normalize_answer,
    percentile,
    recall_at_k,
    reciprocal_rank,
    refusal_precision_recall,
    token_f1,
)

RECALL_KS = (1, 5, 10)
CURVE_DEPTH = 10  # passages retrieved for recall@k and MRR (more when top_k is larger)
CITATION_MIN_COVERAGE = 0.5  # share of a claim's content terms its citation's quote must contain
_YES_NO = frozenset({"yes", "no"})

AnswerFn = Callable[[str, date | None], Answer]
Log = Callable[[str], None]

# A sentence that opens with markers ("... talks. [1] The next ...") cites them for the sentence before.
_LEADING_MARKERS = re.compile(rf"^(?:{MARKER.pattern})+", re.IGNORECASE)


class EvalError(ValueError):
    """An evaluation input that cannot be used; the message says which and why, in one line."""


class QuestionsFileError(EvalError):
    """A questions file that cannot be used; the message names the file and line."""


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- questions -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalQuestion:
    """One question of an evaluation set."""

    id: str
    question: str
    answers: tuple[str, ...]
    answerable: bool
    evidence: tuple[str, ...] = ()
    type: str = ""
    asked_on: date | None = None
    choices: tuple[str, ...] = ()


def _str_list(record: dict[str, Any], key: str) -> tuple[str, ...]:
    """record[key] as a tuple of strings (missing or null gives ()), else ValueError."""
    value = record.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key!r} must be a list of strings")
    return tuple(value)


def parse_question(record: Any) -> EvalQuestion:
    """An EvalQuestion from one JSON object, or ValueError saying what is wrong with it."""
    if not isinstance(record, dict):
        raise ValueError(f"expected a JSON object, got {type(record).__name__}")
    qid = record.get("id")
    if isinstance(qid, int) and not isinstance(qid, bool):
        qid = str(qid)
    if not isinstance(qid, str) or not qid.strip():
        raise ValueError("missing or empty 'id'")
    question = record.get("question")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("missing or empty 'question'")
    if "answers" not in record:
        raise ValueError("missing 'answers' (use [] for an unanswerable question)")
    answers = tuple(a for a in _str_list(record, "answers") if a.strip())
    answerable = record.get("answerable", bool(answers))
    if not isinstance(answerable, bool):
        raise ValueError("'answerable' must be true or false")
    if answerable and not answers:
        raise ValueError("an answerable question needs at least one non-empty answer")
    qtype = record.get("type")
    if qtype is not None and not isinstance(qtype, str):
        raise ValueError("'type' must be a string")
    asked_on = record.get("asked_on")
    if asked_on is not None:
        if not isinstance(asked_on, str):
            raise ValueError("'asked_on' must be a date string like 2024-10-31")
        try:
            asked_on = date.fromisoformat(asked_on.strip())
        except ValueError:
            raise ValueError(f"'asked_on' must be a date like 2024-10-31, got {asked_on!r}") from None
    return EvalQuestion(
        id=qid.strip(),
        question=question.strip(),
        answers=answers,
        answerable=answerable,
        evidence=_str_list(record, "evidence"),
        # Untyped questions (RealTime QA) are grouped by the pipeline's own guess, marked as such.
        type=qtype.strip() if qtype and qtype.strip() else f"{question_type(question)} (auto)",
        asked_on=asked_on,
        choices=_str_list(record, "choices"),
    )


def load_questions(path: str | Path) -> list[EvalQuestion]:
    """Every question of a JSONL file; QuestionsFileError at the first bad line (path:line: reason)."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QuestionsFileError(f"{path}: no such questions file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuestionsFileError(f"{path}: cannot read the questions file ({exc})") from None
    questions: list[EvalQuestion] = []
    seen: dict[str, int] = {}
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            q = parse_question(json.loads(line))
        except json.JSONDecodeError as exc:
            raise QuestionsFileError(
                f"{path}:{lineno}: invalid JSON: {exc.msg} (column {exc.colno})"
            ) from None
        except ValueError as exc:
            raise QuestionsFileError(f"{path}:{lineno}: {exc}") from None
        if q.id in seen:
            raise QuestionsFileError(f"{path}:{lineno}: duplicate id {q.id!r} (first on line {seen[q.id]})")
        seen[q.id] = lineno
        questions.append(q)
    if not questions:
        raise QuestionsFileError(f"{path}: no questions in the file")
    return questions


# -- scoring one question --------------------------------------------------------------------------


@dataclass(frozen=True)
class CitationCheck:
    """One use of a citation marker: the claim it is attached to and whether its quote supports it."""

    n: int
    claim: str
    precise: bool


def citation_evidence(citation: Citation) -> str:
    """What a citation vouches for: its quote, plus the source, title and date it is shown with."""
    parts = [citation.quote, citation.title, citation.source]
    if citation.published is not None:
        d = citation.published
        # Answers attribute claims ("cnn.com reported on 1 October 2024 that ..."): the date is the record's.
        parts += [d.isoformat(), f"{d.day} {d:%B} {d.year}", f"{d:%B} {d.day}, {d.year}"]
    return "\n".join(p for p in parts if p)


def check_citations(answer: Answer) -> list[CitationCheck]:
    """Each [n] in each sentence of the answer, checked against citation n's quote (docs/evaluation.md)."""
    if answer.refused:
        return []  # a refusal's markers point to the closest evidence, not to claims
    by_n = {c.n: c for c in answer.citations}
    cited: list[tuple[str, list[int]]] = []
    for sentence in split_sentences(answer.text):
        lead = _LEADING_MARKERS.match(sentence)
        if lead and cited:
            cited[-1][1].extend(n for n in markers_in(lead.group(0)) if n not in cited[-1][1])
            sentence = sentence[lead.end() :]
        claim = strip_markers(sentence)
        if claim:
            cited.append((claim, markers_in(sentence)))
        elif not cited:  # markers alone with no sentence before them: no claim, so they support nothing
            cited.append(("", markers_in(sentence)))
    checks: list[CitationCheck] = []
    for claim, numbers in cited:
        for n in numbers:
            citation = by_n.get(n)
            if citation is None or not claim:
                checks.append(CitationCheck(n, claim, False))  # a marker with no citation behind it
                continue
            s = support(claim, citation_evidence(citation))
            checks.append(
                CitationCheck(n, claim, s.coverage >= CITATION_MIN_COVERAGE and not s.novel_numbers)
            )
    return checks


@dataclass
class QuestionResult:
    """Everything measured for one question; scores that do not apply are None."""

    id: str
    question: str
    type: str
    answerable: bool
    answers: tuple[str, ...]
    refused: bool
    answer_text: str = ""
    short: str = ""
    citations: list[dict[str, Any]] = field(default_factory=list)
    asked_on: date | None = None
    retrieved: list[str] = field(default_factory=list)  # chunk ids of the passages the answer was given
    accurate: bool | None = None
    exact_match: float | None = None
    f1: float | None = None
    hit_rank: int | None = None  # rank of the first measured passage holding a gold answer
    recall: dict[int, float] = field(default_factory=dict)  # k -> answer-recall@k
    rr: float | None = None
    evidence_recall: float | None = None
    citation_checks: int = 0
    citation_precise: int = 0
    correct_with_citations: bool | None = None
    latency_s: float = 0.0
    ttft_s: float | None = None
    notes: tuple[str, ...] = ()
    error: str = ""

    @property
    def correct(self) -> bool:
        """Judged correct: an accurate answer to an answerable question, a refusal of an unanswerable one."""
        return bool(self.accurate) if self.answerable else self.refused

    @property
    def citation_precision(self) -> float | None:
        """Share of this answer's citation uses that are precise; None when it cites nothing."""
        return self.citation_precise / self.citation_checks if self.citation_checks else None

    def to_json(self) -> dict[str, Any]:
        """One line of results.jsonl."""
        return {
            "id": self.id,
            "question": self.question,
            "type": self.type,
            "answerable": self.answerable,
            "answers": list(self.answers),
            "asked_on": self.asked_on.isoformat() if self.asked_on else None,
            "answer_text": self.answer_text,
            "short": self.short,
            "refused": self.refused,
            "citations": self.citations,
            "retrieved": self.retrieved,
            "correct": self.correct,
            "accurate": self.accurate,
            "exact_match": self.exact_match,
            "f1": self.f1,
            **{f"recall@{k}": self.recall.get(k) for k in RECALL_KS},
            "hit_rank": self.hit_rank,
            "rr": self.rr,
            "evidence_recall": self.evidence_recall,
            "citation_checks": self.citation_checks,
            "citation_precise": self.citation_precise,
            "citation_precision": self.citation_precision,
            "correct_with_citations": self.correct_with_citations,
            "latency_s": round(self.latency_s, 4),
            "ttft_s": round(self.ttft_s, 4) if self.ttft_s is not None else None,
            "notes": list(self.notes),
            "error": self.error,
        }


def score_question(
    q: EvalQuestion,
    answer: Answer,
    *,
    ranked: Sequence[str],
    given: Sequence[str],
    given_ids: Sequence[str] = (),
    latency_s: float = 0.0,
    ttft_s: float | None = None,
    error: str = "",
) -> QuestionResult:
    """Score one answer; `ranked` are the measured passages (best first), `given` those the answer used."""
    result = QuestionResult(
        id=q.id,
        question=q.question,
        type=q.type,
        answerable=q.answerable,
        answers=q.answers,
        refused=answer.refused,
        answer_text=answer.text,
        short=answer.short,
        citations=[c.to_json() for c in answer.citations],
        asked_on=q.asked_on,
        retrieved=list(given_ids),
        latency_s=latency_s,
        ttft_s=ttft_s,
        notes=answer.notes,
        error=error,
    )
    checks = check_citations(answer)
    result.citation_checks = len(checks)
    result.citation_precise = sum(c.precise for c in checks)
    if q.evidence:
        result.evidence_recall = evidence_recall(given, q.evidence)
    if not q.answerable:
        return result
    golds = q.answers
    # Markers go before matching: "[1]" would otherwise normalise to the token "1" and match a gold "1".
    text = strip_markers(answer.text)
    # A bare "yes"/"no" gold is matched against the short answer only: almost any sentence contains "no".
    text_golds = [g for g in golds if normalize_answer(g) not in _YES_NO]
    result.accurate = not answer.refused and (
        answer_contained(text, text_golds) or answer_contained(answer.short, golds)
    )
    short = "" if answer.refused else answer.short
    result.exact_match = exact_match(short, golds)
    result.f1 = token_f1(short, golds)
    result.recall = {k: recall_at_k(ranked, golds, k) for k in RECALL_KS}
    result.rr = reciprocal_rank(ranked, golds)
    result.hit_rank = round(1 / result.rr) if result.rr else None
    result.correct_with_citations = (
        result.accurate and bool(answer.citations) and result.citation_precision == 1.0
    )
    return result


# -- aggregation -----------------------------------------------------------------------------------


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
    with_evidence = [r.evidence_recall for r in results if r.evidence_recall is not None]
    metrics: dict[str, float | None] = {
        "accuracy": _mean([r.accurate for r in answerable]),
        "exact_match": _mean([r.exact_match for r in answerable]),
        "f1": _mean([r.f1 for r in answerable]),
        "correct_with_citations": _mean([r.correct_with_citations for r in answerable]),
        "overall_correct": _mean([r.correct for r in results]),
        "refusal_precision": precision,
        "refusal_recall": recall,
        **{f"recall@{k}": _mean([r.recall.get(k) for r in answerable]) for k in RECALL_KS},
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


# -- running ---------------------------------------------------------------------------------------


def _model_name(settings: Settings) -> str | None:
    """The model the settings select, without starting anything."""
    from qa.backends import DEFAULT_OPENAI_MODEL, local_model_name

    if settings.llm == "extractive":
        return None
    if settings.llm == "openai":
        return settings.llm_model or DEFAULT_OPENAI_MODEL
    try:
        return local_model_name(settings)
    except LLMError:
        return settings.llm_model


def _measured_passages(
    retriever: Retriever, query: str, depth: int, given: Sequence[Passage], as_of: date | None
) -> list[Passage]:
    """The answer's own passages, topped up from a deeper retrieval of the same query to `depth`."""
    if len(given) >= depth:
        return list(given[:depth])
    # The answer's passages come first so that recall@top_k is exactly what the answerer saw.
    seen = {p.chunk.id for p in given}
    deeper = retriever.retrieve(query, depth, as_of=as_of)
    return [*given, *(p for p in deeper if p.chunk.id not in seen)][:depth]


def run_question(
    q: EvalQuestion, qa: NewsQA, retriever: Retriever, top_k: int, answer_fn: AnswerFn | None = None
) -> QuestionResult:
    """Answer one question (timed), measure retrieval, and score it."""
    given: list[Passage] = []
    query = q.question
    ttft: float | None = None
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
        latency_s=latency,
        ttft_s=ttft,
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
    started = time.perf_counter()
    results = [
        run_question(q, qa, retriever, k, answer_fn)
        for q in tqdm(questions, desc="Evaluating", unit="question", disable=not progress, file=sys.stderr)
    ]
    summary = summarize(results)
    summary["settings"] = {
        "answerer": "pipeline" if answer_fn is None else "answer_fn",
        "llm": s.llm,
        "model": _model_name(s) if answer_fn is None else None,
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


# -- corpus collections ----------------------------------------------------------------------------


def corpus_fingerprint(settings: Settings, paths: Sequence[str | Path]) -> str:
    """Hash of the corpus files (path, size, mtime) and of the settings that shape its index."""
    files = [p.resolve() for p in iter_files(paths)]
    stats = [(str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(files)]
    shape = {
        "embedder": settings.embedder,
        "openai_embedding_model": settings.openai_embedding_model if settings.embedder == "openai" else "",
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
    }
    if settings.title_pieces:  # only when set, so indexes built before the setting existed are still reused
        shape["title_pieces"] = settings.title_pieces
    blob = json.dumps({"files": stats, "index": shape}, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CorpusIndex:
    """The collection an evaluation corpus lives in, and whether this run had to build it."""

    collection: str
    fingerprint: str
    reused: bool
    articles: int
    chunks: int
    ingest_s: float | None  # seconds spent loading and ingesting in this run; None when reused
    load_errors: int = 0


def open_corpus(
    settings: Settings,
    paths: Sequence[str | Path],
    *,
    llm: Any = "auto",
    embedder: Any = None,
    progress: bool = True,
    log: Log = _stderr,
) -> tuple[NewsQA, CorpusIndex]:
    """A NewsQA on the corpus's own collection, ingested unless a marker says that is already done."""
    fingerprint = corpus_fingerprint(settings, paths)
    name = f"eval_{fingerprint[:12]}"
    qa = NewsQA(settings.model_copy(update={"collection": name}), llm=llm, embedder=embedder)
    marker = settings.home / "eval-corpora" / f"{name}.json"
    done: dict[str, Any] = {}
    if marker.exists():
        try:
            done = json.loads(marker.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            done = {}  # an unreadable marker means: build again (ingest skips what is stored anyway)
    chunks = qa.store.count_chunks()
    # The chunk count guards against a collection deleted or emptied since the marker was written.
    if done.get("fingerprint") == fingerprint and done.get("chunks") == chunks and chunks > 0:
        log(
            f"Using the indexed corpus in collection {name} "
            f"({done.get('articles')} articles, {chunks} chunks)."
        )
        return qa, CorpusIndex(name, fingerprint, True, int(done.get("articles", 0)), chunks, None)
    log(f"Indexing the corpus into collection {name} (reused by later runs while the files are unchanged)...")
    started = time.perf_counter()
    loaded, report = qa.ingest(paths, progress=progress)
    ingest_s = time.perf_counter() - started
    if loaded.errors:
        log(
            f"{len(loaded.errors)} corpus records could not be loaded and were skipped; "
            f"first: {loaded.errors[0]}"
        )
    if not loaded.articles:
        raise EvalError(f"the corpus {', '.join(map(str, paths))} holds no loadable articles")
    articles, chunks = qa.store.count_articles(), qa.store.count_chunks()
    log(f"Indexed in {ingest_s:.1f} s: {report.summary()}; the collection holds {articles} articles.")
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(
        json.dumps(
            {
                "fingerprint": fingerprint,
                "corpus": [str(p) for p in paths],
                "articles": articles,
                "chunks": chunks,
                "ingest_s": round(ingest_s, 1),
                "completed": datetime.now(UTC).isoformat(timespec="seconds"),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return qa, CorpusIndex(name, fingerprint, False, articles, chunks, ingest_s, len(loaded.errors))


def seed_articles_for(questions_path: Path) -> Path | None:
    """The seed articles folder when the questions file is the seed set (seeds/questions.jsonl)."""
    path = questions_path.resolve()
    articles = path.parent / "articles"
    if path.name == "questions.jsonl" and path.parent.name == "seeds" and articles.is_dir():
        return articles
    return None


# -- outputs ---------------------------------------------------------------------------------------

_METRIC_ROWS = [
    ("accuracy", "Accuracy", "answerable: a gold answer occurs in the answer text or short answer"),
    ("exact_match", "Exact match", "answerable: the short answer equals a gold answer (normalised)"),
    ("f1", "Token F1", "answerable: token overlap of the short answer with the best gold answer"),
    ("correct_with_citations", "Correct with correct citations", "accurate, cited, every citation precise"),
    ("overall_correct", "Overall correct", "answerable answered accurately, unanswerable refused"),
    ("refusal_precision", "Refusal precision", "refusals that were of unanswerable questions"),
    ("refusal_recall", "Refusal recall", "unanswerable questions that were refused"),
    ("recall@1", "Answer-recall@1", "a gold answer occurs in the top passage"),
    ("recall@5", "Answer-recall@5", "a gold answer occurs in the top 5 passages"),
    ("recall@10", "Answer-recall@10", "a gold answer occurs in the top 10 passages"),
    ("mrr", "MRR", "mean 1/rank of the first passage holding a gold answer"),
    ("evidence_recall", "Evidence recall", "gold evidence sentences found in the passages the answer used"),
    ("citation_precision", "Citation precision", "cited quotes that support the sentence citing them"),
    ("latency_p50_s", "Latency p50 (s)", "seconds per question, median"),
    ("latency_p95_s", "Latency p95 (s)", "seconds per question, 95th percentile"),
    ("ttft_p50_s", "First token p50 (s)", "seconds to the first streamed token (LLM modes)"),
    ("ttft_p95_s", "First token p95 (s)", "seconds to the first streamed token, 95th percentile"),
]


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


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


_CSS = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f2f2f2; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.ok td.mark { color: #1a7f37; } tr.bad td.mark { color: #c62828; }
.questions td { font-size: 12px; max-width: 28em; }
.plots img { margin: 0.5em 1em 0.5em 0; border: 1px solid #ddd; }
.muted { color: #777; }
"""


def render_html(results: Sequence[QuestionResult], summary: dict[str, Any]) -> str:
    """A self-contained HTML report: summary table, charts as inline PNGs, and every question."""
    e = html.escape
    s = summary.get("settings", {})
    title = f"NewsQA evaluation: {s.get('questions', '')}"
    out = [f"<!doctype html><html><head><meta charset='utf-8'><title>{e(title)}</title>"]
    out.append(f"<style>{_CSS}</style></head><body><h1>{e(title)}</h1>")
    setting_text = ", ".join(
        f"{k}={', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in s.items()
        if v not in (None, "", [])
    )
    out.append(f"<p class='muted'>{e(setting_text)}</p>")
    c = summary["counts"]
    out.append(
        f"<p>{c['questions']} questions: {c['answerable']} answerable, {c['unanswerable']} unanswerable; "
        f"{c['refused']} refused; {c['errors']} errors.</p>"
    )
    out.append("<h2>Summary</h2><table><tr><th>Metric</th><th>Value</th><th>Meaning</th></tr>")
    for key, label, meaning in _METRIC_ROWS:
        value = summary["metrics"].get(key)
        out.append(
            f"<tr><td>{e(label)} <span class='muted'>({e(key)})</span></td>"
            f"<td class='num'>{_fmt(value)}</td><td>{e(meaning)}</td></tr>"
        )
    out.append("</table>")
    try:
        plots = _plots(results, summary)
    except ImportError:
        plots = {}
        out.append("<p class='muted'>Charts need matplotlib: pip install matplotlib.</p>")
    if plots:
        out.append("<h2>Charts</h2><div class='plots'>")
        out.extend(
            f"<img alt='{e(name)}' src='data:image/png;base64,{data}'>" for name, data in plots.items()
        )
        out.append("</div>")
    out.append("<h2>By question type</h2><table><tr><th>Type</th><th>Questions</th><th>Answerable</th>")
    out.append("<th>Accuracy (answerable)</th><th>Correct (incl. refusals)</th></tr>")
    for qtype, row in summary["by_type"].items():
        out.append(
            f"<tr><td>{e(qtype)}</td><td class='num'>{row['questions']}</td>"
            f"<td class='num'>{row['answerable']}</td><td class='num'>{_fmt(row['accuracy'])}</td>"
            f"<td class='num'>{_fmt(row['correct'])}</td></tr>"
        )
    out.append("</table><h2>Questions</h2><table class='questions'><tr>")
    heads = [
        "",
        "Id",
        "Type",
        "Question",
        "Gold",
        "Short",
        "Answer",
        "EM",
        "F1",
        "Hit rank",
        "Cit. prec.",
        "s",
    ]
    out.append("".join(f"<th>{h}</th>" for h in heads) + "</tr>")
    for r in results:
        gold = " | ".join(r.answers) if r.answerable else "(unanswerable)"
        answer = (
            ("[refused] " if r.refused else "") + r.answer_text + (f" [error: {r.error}]" if r.error else "")
        )
        cells = [
            f"<td class='mark'>{'✓' if r.correct else '✗'}</td>",
            f"<td>{e(r.id)}</td><td>{e(r.type)}</td><td>{e(r.question)}</td><td>{e(gold)}</td>",
            f"<td>{e(r.short)}</td><td>{e(answer)}</td>",
            f"<td class='num'>{_fmt(r.exact_match, 0)}</td><td class='num'>{_fmt(r.f1, 2)}</td>",
            f"<td class='num'>{_fmt(r.hit_rank)}</td><td class='num'>{_fmt(r.citation_precision, 2)}</td>",
            f"<td class='num'>{r.latency_s:.2f}</td>",
        ]
        out.append(f"<tr class='{'ok' if r.correct else 'bad'}'>{''.join(cells)}</tr>")
    out.append("</table></body></html>")
    return "\n".join(out)


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


def format_table(summary: dict[str, Any]) -> str:
    """A compact human-readable summary for the terminal."""
    m, c, s = summary["metrics"], summary["counts"], summary.get("settings", {})
    lines = [
        f"{c['questions']} questions ({c['answerable']} answerable, {c['unanswerable']} unanswerable), "
        f"llm={s.get('llm')}, top_k={s.get('top_k')}, {summary.get('wall_s', 0):.1f} s",
        f"  accuracy             {_fmt(m['accuracy'])}",
        f"  exact match / F1     {_fmt(m['exact_match'])} / {_fmt(m['f1'])}",
        f"  correct + cited      {_fmt(m['correct_with_citations'])}",
        f"  refusal P / R        {_fmt(m['refusal_precision'])} / {_fmt(m['refusal_recall'])}"
        f"   ({c['refused']} refused, {c['refused_answerable']} of them answerable)",
        f"  recall@1 / 5 / 10    {_fmt(m['recall@1'])} / {_fmt(m['recall@5'])} / {_fmt(m['recall@10'])}"
        f"   MRR {_fmt(m['mrr'])}",
        f"  evidence recall      {_fmt(m['evidence_recall'])}",
        f"  citation precision   {_fmt(m['citation_precision'])}   ({c['citation_checks']} citation uses)",
        f"  latency p50 / p95    {_fmt(m['latency_p50_s'], 2)} / {_fmt(m['latency_p95_s'], 2)} s",
    ]
    if m["ttft_p50_s"] is not None:
        lines.append(f"  first token p50/p95  {_fmt(m['ttft_p50_s'], 2)} / {_fmt(m['ttft_p95_s'], 2)} s")
    if c["errors"]:
        lines.append(f"  errors               {c['errors']} (see results.jsonl)")
    return "\n".join(lines)


def run_cli(args: argparse.Namespace) -> int:
    """`newsqa eval`: load questions, prepare the index, evaluate, write the outputs, print the summary."""
    from qa.cli import CLIError, _settings

    try:
        questions = load_questions(args.questions)
    except EvalError as exc:
        raise CLIError(str(exc)) from None
    if args.limit is not None:
        if args.limit < 1:
            raise CLIError(f"--limit must be at least 1, got {args.limit}")
        questions = questions[: args.limit]
    if args.top_k is not None and not 1 <= args.top_k <= 50:
        raise CLIError(f"--top-k must be between 1 and 50, got {args.top_k}")
    settings = _settings(llm=args.llm)
    corpus_info: dict[str, Any] = {"corpus": None}
    if args.corpus:
        try:
            qa, index = open_corpus(settings, args.corpus)
        except EvalError as exc:
            raise CLIError(str(exc)) from None
        corpus_info = {
            "corpus": [str(p) for p in args.corpus],
            "corpus_reused": index.reused,
            "corpus_articles": index.articles,
            "corpus_chunks": index.chunks,
            "ingest_s": round(index.ingest_s, 1) if index.ingest_s is not None else None,
        }
    else:
        qa = NewsQA(settings)
        if qa.store.count_chunks() == 0:
            seeds = seed_articles_for(args.questions)
            if seeds is None:
                raise CLIError(
                    f"the collection {settings.collection!r} in {settings.home} is empty: ingest the "
                    "articles the questions are about first (newsqa ingest PATH), or pass --corpus PATH"
                )
            _stderr(
                f"The collection {settings.collection!r} is empty: ingesting the seed articles ({seeds})."
            )
            _, report = qa.ingest([seeds], progress=False)
            _stderr(report.summary())
            corpus_info = {"corpus": [str(seeds)], "corpus_reused": False}
    results, summary = evaluate(questions, qa, top_k=args.top_k, progress=True)
    summary["settings"] = {"questions": str(args.questions), **summary["settings"], **corpus_info}
    out = args.out or Path("eval-results") / f"{Path(args.questions).stem}-{settings.llm}"
    write_outputs(out, results, summary)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
    else:
        print(format_table(summary))
        print(f"Wrote {out}/results.jsonl, summary.json and report.html")
    return 0
