"""Scoring one answer: accuracy, exact match and F1, retrieval recall, refusal, and citation precision."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from qa.eval.dataset import EvalQuestion
from qa.eval.metrics import (
    answer_contained,
    evidence_recall,
    exact_match,
    normalize_answer,
    recall_at_k,
    reciprocal_rank,
    token_f1,
)
from qa.models import Answer, Citation
from qa.pipeline.citations import MARKER, markers_in, strip_markers
from qa.pipeline.support import split_sentences, support

RECALL_KS = (1, 5, 10, 50)
CITATION_MIN_COVERAGE = 0.5  # share of a claim's content terms its citation's quote must contain
_YES_NO = frozenset({"yes", "no"})

# A sentence that opens with markers ("... talks. [1] The next ...") cites them for the sentence before.
_LEADING_MARKERS = re.compile(rf"^(?:{MARKER.pattern})+", re.IGNORECASE)


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
    article_recall: dict[int, float] = field(default_factory=dict)  # k -> a gold in the top k articles
    in_corpus: bool | None = None  # a gold is in an article published by the as-of date (None: not checked)
    stated: bool | None = (
        None  # ... in a sentence that shares two of the question's words (run.answers_stated)
    )
    retrieval_s: float | None = None  # seconds until the passages were found
    rr: float | None = None
    evidence_recall: float | None = None
    citation_checks: int = 0
    citation_precise: int = 0
    correct_with_citations: bool | None = None
    short_correct: bool | None = None  # answered, and the short answer is a gold or contains one
    short_correct_cited: bool | None = None
    gold_in_quotes: bool | None = None  # answered, and a cited quote holds a gold answer
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
            **{f"article_recall@{k}": self.article_recall.get(k) for k in RECALL_KS},
            "in_corpus": self.in_corpus,
            "stated": self.stated,
            "retrieval_s": round(self.retrieval_s, 4) if self.retrieval_s is not None else None,
            "hit_rank": self.hit_rank,
            "rr": self.rr,
            "evidence_recall": self.evidence_recall,
            "citation_checks": self.citation_checks,
            "citation_precise": self.citation_precise,
            "citation_precision": self.citation_precision,
            "correct_with_citations": self.correct_with_citations,
            "short_correct": self.short_correct,
            "short_correct_cited": self.short_correct_cited,
            "gold_in_quotes": self.gold_in_quotes,
            "latency_s": round(self.latency_s, 4),
            "ttft_s": round(self.ttft_s, 4) if self.ttft_s is not None else None,
            "notes": list(self.notes),
            "error": self.error,
        }


def _text_golds(golds: Sequence[str]) -> list[str]:
    """The golds that may be found inside a text: not a bare yes or no, which almost any sentence holds."""
    return [g for g in golds if normalize_answer(g) not in _YES_NO]


def short_answer_right(short: str, golds: Sequence[str]) -> bool:
    """The short answer is a gold after normalisation, or holds one as whole words (not a bare yes/no)."""
    return exact_match(short, golds) == 1.0 or answer_contained(short, _text_golds(golds))


def score_question(
    q: EvalQuestion,
    answer: Answer,
    *,
    ranked: Sequence[str],
    given: Sequence[str],
    given_ids: Sequence[str] = (),
    articles: Sequence[str] = (),
    in_corpus: bool | None = None,
    latency_s: float = 0.0,
    ttft_s: float | None = None,
    retrieval_s: float | None = None,
    error: str = "",
) -> QuestionResult:
    """Score one answer; `ranked` are the measured passages (best first), `given` those the answer used,
    `articles` the texts of the ranked passages' articles in order of first appearance."""
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
        retrieval_s=retrieval_s,
        in_corpus=in_corpus,
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
    text_golds = _text_golds(golds)
    result.accurate = not answer.refused and (
        answer_contained(text, text_golds) or answer_contained(answer.short, golds)
    )
    short = "" if answer.refused else answer.short
    result.exact_match = exact_match(short, golds)
    result.f1 = token_f1(short, golds)
    result.recall = {k: recall_at_k(ranked, golds, k) for k in RECALL_KS}
    if articles:
        result.article_recall = {k: recall_at_k(articles, golds, k) for k in RECALL_KS}
    result.rr = reciprocal_rank(ranked, golds)
    result.hit_rank = round(1 / result.rr) if result.rr else None
    cited_ok = bool(answer.citations) and result.citation_precision == 1.0
    result.correct_with_citations = result.accurate and cited_ok
    result.short_correct = not answer.refused and short_answer_right(answer.short, golds)
    result.short_correct_cited = result.short_correct and cited_ok
    result.gold_in_quotes = not answer.refused and any(
        answer_contained(c.quote, text_golds) for c in answer.citations
    )
    return result
