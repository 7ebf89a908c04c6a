"""The question's words as a sentence writes them otherwise: a compound closed or open ("airbag" for "air
bag"), a figure another outlet rounded ("more than 114,000" for "nearly 115,000").

Reports of one story differ in such details, and a question written from one report shares fewer words with
another's sentence than it should: the word the sentence writes otherwise is often the question's rarest,
which weighs most in the sentence's match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from qa.pipeline.support import Terms, terms

NEAR = 0.02  # a figure within 2% of the question's is the same figure rounded by another report
_YEAR = re.compile(r"^(?:1[89]|20)\d\d$")  # 2024 is no rounding of 2023


def _value(number: str) -> float | None:
    try:
        return float(number)
    except ValueError:
        return None


def near_figures(asked: Iterable[str], said: Iterable[str]) -> set[str]:
    """The question's figures a sentence gives rounded otherwise (not years; as `terms` writes numbers)."""
    values = [(n, v) for n in said if not _YEAR.match(n) and (v := _value(n)) is not None]
    found = set()
    for n in asked:
        v = _value(n)
        if v is None or _YEAR.match(n) or v == 0:
            continue
        if any(s != n and abs(s_v - v) <= NEAR * max(abs(v), abs(s_v)) for s, s_v in values):
            found.add(n)
    return found


def _joined(words: list[str], starts: frozenset[str] | None = None) -> dict[str, tuple[str, str]]:
    """Stems of two neighbouring words written as one, with the stems of the two (only those whose joined
    form begins as one of `starts`, where given: a question's words, so that few pairs are stemmed)."""
    out = {}
    for a, b in pairwise(words):
        if not (a.isalpha() and b.isalpha() and len(a) >= 3 and len(b) >= 3):
            continue
        if starts is not None and (a + b).lower()[:4] not in starts:
            continue
        one, two, joined = terms(a).stems, terms(b).stems, terms(a + b).stems
        if len(one) == len(two) == len(joined) == 1:
            out[min(joined)] = (min(one), min(two))
    return out


@dataclass(frozen=True)
class QuestionWords:
    """A question's words as `written_otherwise` compares them, worked out once per question: its terms,
    its neighbouring words joined, and the first letters of its longer stems (which pairs of a sentence's
    words are worth joining)."""

    terms: Terms
    joined: dict[str, tuple[str, str]]
    starts: frozenset[str]


def question_words(question: str) -> QuestionWords:
    """The question's `QuestionWords`."""
    asked = terms(question)
    joined = _joined(re.findall(r"[^\W\d_]+", question))
    return QuestionWords(asked, joined, frozenset(q[:4] for q in asked.stems if len(q) >= 6))


def compounds(question: QuestionWords, sentence: Any, stems: frozenset[str]) -> set[str]:
    """The question's stems a sentence writes as one word where the question has two, or two for one."""
    said = _joined([t.text for t in sentence], question.starts)
    found = {q for q in said if q in question.terms.stems}  # "air bag" for the question's "airbag"
    for joined, (a, b) in question.joined.items():  # "airbag" for the question's "air bag"
        if joined in stems:
            found |= {a, b}
    return found


def written_otherwise(question: QuestionWords, sentence: Any, stems: frozenset[str]) -> set[str]:
    """The question's stems a sentence (`stems`: its own) says with a compound written otherwise or a figure
    rounded otherwise."""
    return compounds(question, sentence, stems) | near_figures(question.terms.numbers, stems)
