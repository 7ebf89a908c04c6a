"""Answers without generation: question types, the best-supporting sentences, the answer phrase in them."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.chunking import sentence_spans
from index.dates import CAPITALISED_MONTH_PATTERN, WEEKDAY_PATTERN
from qa.models import Passage
from qa.pipeline.support import covers, denies, fold, terms

_MONTH = rf"(?:{CAPITALISED_MONTH_PATTERN})\.?"
_DAYS = r"\d{1,2}(?:st|nd|rd|th)?(?:\s*[–-]\s*\d{1,2}(?:st|nd|rd|th)?)?"
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+{_DAYS}(?:,?\s+\d{{4}})?|{_DAYS}\s+{_MONTH}(?:,?\s+\d{{4}})?|{_MONTH}\s+\d{{4}}|"
    rf"(?:early|mid|late)[- ]{_MONTH}|{_MONTH}|(?:19|20)\d{{2}}|"
    rf"(?:{WEEKDAY_PATTERN})|(?:this|last|next) (?:year|month|week)|yesterday|today)\b"
)
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|"
    "millions?|billions?|first|second|third|fourth|fifth|\\d+(?:st|nd|rd|th)"
)
_NUMBER = re.compile(
    rf"(?:[$€£]\s?)?\b(?:\d[\d,.]*|{_NUMBER_WORDS})\b(?:\s?(?:%|percent|per cent|million|billion|thousand|"
    r"people|troops|soldiers|votes|points|years?|days?|months?|weeks?|dollars|euros))?",
    re.IGNORECASE,
)
# A run of capitalised words within one line: "NEWS.ru.\n\nMeanwhile" is two things, not a name. The small
# words and ampersands inside names join it: "Boys & Girls Clubs of Indianapolis", "AT&T".
_CAPS = re.compile(
    r"\b[A-Z][\w’'.&-]*(?:[ \t]+(?:of|the|de|al|bin|van|von|der|and|&)?[ \t]*[A-Z][\w’'.&-]*)*"
)
_AUX = {"is", "are", "was", "were", "did", "does", "do", "has", "have", "had", "will", "can", "could",
        "should", "would", "may", "might", "must"}  # fmt: skip


# Question types whose answer is a phrase to pick out of a sentence.
_TYPED = ("date", "number", "person", "place", "name")


def question_type(question: str) -> str:
    """One of date, number, person, place, yesno, name (a proper name of anything), other."""
    q = fold(question).strip()
    first = q.split()[0] if q.split() else ""
    if re.search(r"\b(when|what (year|date|day|month|time)|which (year|month|day)|how long ago)\b", q):
        return "date"
    if re.search(r"\b(how (many|much|old|long|far)|what (number|percentage|share|amount)|how large)\b", q):
        return "number"
    if re.search(r"\b(who|whom|whose)\b", q):
        return "person"
    if re.search(r"\b(where|which (city|country|state|town|region|province|capital|place))\b", q):
        return "place"
    if first in _AUX:
        return "yesno"
    if re.search(r"\b(which|what is the name|what (company|team|organi[sz]ation|group|party|brand))\b", q):
        return "name"  # "Which company ...?": the answer is a proper name
    return "other"


def candidates(qtype: str, sentence: str, question: str) -> list[str]:
    """Phrases in `sentence` that could answer a `qtype` question, leaving out those the question repeats."""
    if qtype == "date":
        found = [m.group(0) for m in _DATE.finditer(sentence)]
    elif qtype == "number":
        found = [m.group(0) for m in _NUMBER.finditer(sentence)]
    elif qtype in ("person", "place", "name"):
        # A lone capitalised word opening the sentence is usually just capitalised ("Meanwhile").
        found = [
            re.sub(r"[’']s$", "", m.group(0).strip(" .,"))
            for m in _CAPS.finditer(sentence)
            if m.start() > 0 or " " in m.group(0).strip()
        ]
        if qtype == "place":
            # Places follow a preposition: "in Kapan", "to Yerevan".
            found = [
                f for f in found if re.search(rf"\b(?:in|at|to|from|near|into)\s+{re.escape(f)}", sentence)
            ]
    else:
        return []
    q_terms = terms(question).stems
    fresh = [f for f in found if f and not terms(f).stems <= q_terms]
    return fresh


def guess_short(question: str, sentence: str) -> str:
    """The answer phrase in `sentence` for `question`, or '' when none can be picked out."""
    qtype = question_type(question)
    if qtype == "yesno":
        return "no" if denies(sentence, question) else "yes"
    found = candidates(qtype, sentence, question)
    return found[0] if found else ""


@dataclass(frozen=True)
class ScoredSentence:
    """A sentence of a retrieved passage with how well it answers the question."""

    passage: int  # index into the passages
    start: int  # span inside the passage's chunk text
    end: int
    score: float

    def text(self, passages: Sequence[Passage]) -> str:
        """The sentence as it stands in the article."""
        return passages[self.passage].chunk.text[self.start : self.end]


# Weights of the sentence score. Weighting question words by rarity (focus_weights) and doubling the overlap
# weight changed the seed and RealTime QA dev figures by at most 0.02 (docs/ablation.md); rarity stays because
# it picks the answering sentence when every retrieved sentence shares the topic words.
OVERLAP_WEIGHT = 0.5
TYPE_BONUS = 0.2


def focus_weights(question: str, sentences: Sequence[str]) -> dict[str, float]:
    """Weight of each question word: words in few of the candidate sentences tell them apart.

    Every retrieved sentence shares the topic words ("earthquake", "Marrow Valley"); the words that pick
    the answering sentence ("injured") are the rare ones, so they count more (an IDF over these sentences).
    """
    q = terms(question).stems
    pools = [terms(t).stems for t in sentences]
    n = len(pools)
    return {t: math.log((n + 1) / (sum(1 for p in pools if covers(t, p)) + 0.5)) + 0.1 for t in q}


def weighted_overlap(weights: dict[str, float], sentence: str) -> float:
    """Share of the question's weighted words found in the sentence."""
    total = sum(weights.values())
    if not total:
        return 0.0
    pool = terms(sentence).stems
    return sum(w for t, w in weights.items() if covers(t, pool)) / total


def rank_sentences(
    question: str,
    passages: Sequence[Passage],
    similarity: Callable[[str, Sequence[str]], Sequence[float]] | None = None,
) -> list[ScoredSentence]:
    """Sentences of the passages, best answer-bearing first.

    score = cosine(question, sentence) + 0.5 * weighted share of the question's content words in the
    sentence (focus_weights), + 0.2 when it holds a phrase of the expected answer type.
    """
    items: list[tuple[int, int, int, str]] = []
    for i, p in enumerate(passages):
        for a, b in sentence_spans(p.chunk.text):
            items.append((i, a, b, p.chunk.text[a:b]))
    if not items:
        return []
    sims = list(similarity(question, [t for *_, t in items])) if similarity else [0.0] * len(items)
    qtype = question_type(question)
    weights = focus_weights(question, [t for *_, t in items])
    scored = []
    for (i, a, b, text), sim in zip(items, sims, strict=True):
        overlap = weighted_overlap(weights, text)
        bonus = TYPE_BONUS if qtype in _TYPED and candidates(qtype, text, question) else 0.0
        scored.append(ScoredSentence(i, a, b, float(sim) + OVERLAP_WEIGHT * overlap + bonus))
    scored.sort(key=lambda s: -s.score)
    return scored


_NEEDS_CONTEXT = re.compile(r"^(?:He|She|It|They|This|That|These|Those|His|Her|Their|Its|The two|Both)\b")


def snippets(passages: Sequence[Passage], ranked: Sequence[ScoredSentence], n: int) -> list[Passage]:
    """The n best sentences as small passages (a sentence opening with a pronoun keeps the one before it).

    Small local models answer better, and start sooner, from a few sentences than from whole chunks.
    """
    from dataclasses import replace

    out: list[Passage] = []
    seen: set[tuple[str, int]] = set()  # (article, offset): overlapping chunks repeat sentences
    for s in ranked:
        if len(out) >= n:
            break
        chunk = passages[s.passage].chunk
        start = s.start
        if _NEEDS_CONTEXT.match(chunk.text[s.start : s.end]):
            spans = [a for a, b in sentence_spans(chunk.text) if b <= s.start]
            start = spans[-1] if spans else s.start
        key = (chunk.article_id, chunk.start + s.start)
        if key in seen:
            continue
        seen.add(key)
        piece = replace(
            chunk, text=chunk.text[start : s.end], start=chunk.start + start, end=chunk.start + s.end
        )
        out.append(Passage(piece, s.score, len(out) + 1, passages[s.passage].also))
    return out
