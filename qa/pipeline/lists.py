"""Answers that are lists: "Which two cities ...?" asks for two, which the passages may state apart.

A list written in one sentence ("Honda and Nissan") is one candidate already (candidates.py); this joins
the best candidates of different sentences when the question says how many it wants and the best one alone
is fewer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from qa.pipeline.answer_heads import HEAD_TYPE, TYPE_LABELS

_SEPARATOR = re.compile(r",\s*(?:and\s+)?|\s+and\s+|\s*;\s*")


def parts(text: str) -> list[str]:
    """The items an answer names: "Baku and Yerevan" -> Baku, Yerevan."""
    return [part.strip() for part in _SEPARATOR.split(text) if part.strip()]


def items(text: str) -> int:
    """How many items an answer names."""
    return len(parts(text))


def several(texts: Sequence[str], supports: Sequence[float], count: int) -> list[int]:
    """Indices of the candidates (best first) that together answer a question asking for `count` things.

    [0] when the best candidate already names as many, or when fewer than `count` distinct candidates with
    any support exist: a partial list is not passed off as the whole.
    """
    if count < 2 or not texts or items(texts[0]) >= count:
        return [0] if texts else []
    chosen = [0]
    for j in range(1, len(texts)):
        if supports[j] <= 0:
            continue
        low = texts[j].casefold()
        if any(low in texts[i].casefold() or texts[i].casefold() in low for i in range(j)):
            continue  # part of a better one: "Baku" of "Baku and Yerevan", "Armenia" of "... in Armenia"
        chosen.append(j)
        if sum(items(texts[i]) for i in chosen) >= count:
            return chosen
    return [0]


def joined(texts: Sequence[str], kind: str = "") -> str:
    """Items as a reader writes them: "A and B", "A, B and C"; dates in the order they fell."""
    if kind == "DATE":
        texts = sorted(texts, key=_when)
    return texts[0] if len(texts) == 1 else ", ".join(texts[:-1]) + " and " + texts[-1]


_MONTHS = "jan feb mar apr may jun jul aug sep oct nov dec".split()
_MONTH = re.compile(r"\b(" + "|".join(_MONTHS) + r")[a-z]*\.?")


def _when(text: str) -> tuple[int, int, int]:
    """(year, month, day) of a date as written, 0 where it does not say: "September 2022" -> (2022, 9, 0)."""
    year = re.search(r"\b(1\d{3}|2\d{3})\b", text)
    month = _MONTH.search(text.lower())
    day = re.search(r"\b([12]?\d|3[01])\b(?!\d)", re.sub(r"\b\d{4}\b", "", text))
    return (
        int(year.group(1)) if year else 0,
        _MONTHS.index(month.group(1)) + 1 if month else 0,
        int(day.group(1)) if day else 0,
    )


def lists_kinds_of(head: str, sent: Any) -> bool:
    """Whether a parsed sentence lists names of the head noun's type: "in Armenian, Russian and English" lists
    languages, so a count of them answers "how many languages" though the word is not written."""
    fits = TYPE_LABELS.get(HEAD_TYPE.get(head, ""), {})
    return any(
        t.dep_ == "conj" and fits.get(t.ent_type_, 0.0) >= 0.5 and fits.get(t.head.ent_type_, 0.0) >= 0.5
        for t in sent
    )
