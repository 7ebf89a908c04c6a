"""Conflicting reports: another outlet tells the same claim with another number, date or yes/no."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.dates import MONTH_PATTERN, MONTHS
from qa.models import Answer, Passage
from qa.pipeline.citations import attributed, with_markers
from qa.pipeline.grounder import Grounder
from qa.pipeline.reading import ScoredSentence, guess_short, question_type
from qa.pipeline.support import covers, denies, fold, terms

MIN_SHARED_CLAIM = 0.8  # share of the claim's words (question words the cited sentence has) a rival must have
MIN_CLAIM_SHARE = 0.3  # share of the question's words the cited sentence must have to anchor a comparison
SCORE_MARGIN = 0.25  # a rival sentence must answer the question nearly as well as the cited one
# Names and places are left out: on the RealTime QA dev questions every "conflict" between picked-out names
# was a wrong pick (the question's own subject, a dateline), not two outlets disagreeing.
_CHECKED_TYPES = ("number", "date", "yesno")


@dataclass(frozen=True)
class Conflict:
    """A sentence from another article that answers the question differently."""

    passage: int
    sentence: str
    answer: str


def _numbers(text: str) -> set[float]:
    out = set()
    for raw in re.findall(r"\d[\d,]*(?:\.\d+)?", text):
        try:
            out.add(float(raw.replace(",", "")))
        except ValueError:
            continue
    return out


def _date_parts(text: str) -> dict[str, str]:
    """Month, day and year named in a date phrase (weekdays and relative words carry none)."""
    t = fold(text)
    parts: dict[str, str] = {}
    if m := re.search(rf"\b({MONTH_PATTERN})\b", t):
        parts["month"] = str(MONTHS[m.group(1)])
    if m := re.search(r"\b((?:19|20)\d{2})\b", t):
        parts["year"] = m.group(1)
    if "month" in parts and (m := re.search(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", t)):
        parts["day"] = m.group(1)
    return parts


def differs(qtype: str, a: str, b: str) -> bool:
    """Whether two answer phrases of a question type cannot both be true."""
    if qtype == "number":
        na, nb = _numbers(a), _numbers(b)
        return bool(na and nb) and not (na & nb)
    if qtype == "date":
        pa, pb = _date_parts(a), _date_parts(b)
        shared = set(pa) & set(pb)
        return bool(shared) and any(pa[k] != pb[k] for k in shared)
    ta, tb = terms(a).stems, terms(b).stems
    return bool(ta and tb) and not (ta & tb)


def find_conflict(
    question: str,
    answer: Answer,
    passages: Sequence[Passage],
    ranked: Sequence[ScoredSentence],
    min_score: float,
) -> Conflict | None:
    """The best sentence of another story that makes the answer's claim with a different answer."""
    qtype = question_type(question)
    if answer.refused or not answer.short or not answer.citations or qtype not in _CHECKED_TYPES:
        return None
    cited = {c.article_id for c in answer.citations}
    stories = {p.chunk.article.story for p in passages if p.chunk.article_id in cited}
    main = next((s for s in ranked if passages[s.passage].chunk.article_id in cited), None)
    if main is None:
        return None
    quote = answer.citations[0].quote
    # The claim is what the question asks about, as far as the cited sentence states it ("injured",
    # "earthquake"); a rival must state the same, with a different answer in it.
    asked = terms(question).stems
    quoted = terms(quote).stems
    claim = {t for t in asked if covers(t, quoted)} - terms(answer.short).stems
    if len(claim) < MIN_CLAIM_SHARE * len(asked):
        return None  # the cited sentence is not clearly about the question: nothing to compare against
    floor = max(min_score, main.score - SCORE_MARGIN)
    quote_says_no = denies(quote, question)
    for s in ranked:
        if s.score < floor:
            break
        chunk = passages[s.passage].chunk
        if chunk.article_id in cited or chunk.article.story in stories:
            continue  # the same article, or a copy of the same story: no second opinion
        sentence = s.text(passages).strip()
        other = terms(sentence).stems
        if not claim or sum(covers(t, other) for t in claim) / len(claim) < MIN_SHARED_CLAIM:
            continue  # a different claim, not the same one told differently
        if qtype == "yesno":
            says_no = denies(sentence, question)
            if says_no != quote_says_no:
                return Conflict(s.passage, sentence, "no" if says_no else "yes")
            continue
        rival = guess_short(question, sentence)
        both_said = fold(answer.short) in fold(sentence) or fold(rival) in fold(quote)
        if rival and not both_said and differs(qtype, answer.short, rival):
            return Conflict(s.passage, sentence, rival)
    return None


def with_conflict(
    question: str,
    answer: Answer,
    passages: Sequence[Passage],
    ranked: Sequence[ScoredSentence],
    min_score: float,
) -> Answer:
    """The answer, plus the other side cited when another outlet reports it differently."""
    conflict = find_conflict(question, answer, passages, ranked, min_score)
    if conflict is None:
        return answer
    n = len(answer.citations) + 1
    citation = Grounder(question, passages).citation(n, conflict.passage, conflict.sentence)
    told = attributed(conflict.sentence, citation)
    text = f"{answer.text} Reports differ: {with_markers(told, [n])}"
    first = answer.citations[0]
    note = (
        f"Sources disagree: {first.source or 'one source'} [{first.n}] gives {answer.short!r}, "
        f"{citation.source or 'another source'} [{n}] gives {conflict.answer!r}."
    )
    return replace(answer, text=text, citations=(*answer.citations, citation), notes=(*answer.notes, note))
