"""Numbers that count nothing the question asks: a measure in another unit ("a 9,000-square-foot
location" for how many diners it seats, "less than 20 miles" for a magnitude), a word that ranks or grades
by its number ("Top 10 teams", "Level 4"), and a number that is part of a name ("the Del. 1 location",
"Route 66")."""

from __future__ import annotations

import re
from typing import Any

from qa.pipeline.support import terms

# Scales a number is read on without a unit: "less than 20 miles" is no magnitude, category or level.
_SCALES = frozenset({"magnitude", "category", "level", "grade", "rating", "score"})
_UNIT = re.compile(
    r"\b(?:miles?|kilomet(?:er|re)s?|km|feet|foot|met(?:er|re)s?|inch(?:es)?|pounds?|lbs?|kilograms?|kg|"
    r"tons?|tonnes?|gallons?|lit(?:er|re)s?|acres?|mph|degrees?|hours?|days?|years?|percent)\b",
    re.IGNORECASE,
)
# What a unit measures: "What is the bridge's length?" is answered in miles or feet.
_MEASURES = frozenset(
    "distance length height depth size area weight speed temperature duration time age width altitude "
    "elevation range span mileage capacity volume".split()
)
# Words that rank or grade what follows by a number: "Top 10 teams", "Level 4", "Week 5", "Phase 2".
_NUMBERING = frozenset(
    "top level week round phase stage grade category class tier step chapter section article no".split()
)
# Words before a number that make it a road's name: "Route 1", "Del. 1" (a state's abbreviation, below).
_ROADS = frozenset("route highway interstate hwy rt road".split())
_MONTHS = frozenset("jan feb mar apr aug sept sep oct nov dec".split())


def numbered_label(start: int, end: int, doc: Any) -> bool:
    """Whether a span is only a word that numbers things, before its number, or ends in a number a road's
    word or an abbreviation numbers ("Top 10 teams", "Level 4"; "the Del. 1 location", "Route 66"): a rank,
    a grade or a name, no answer."""
    if end - start == 1 and doc[start].lower_ in _NUMBERING and end < len(doc) and doc[end].like_num:
        return True
    last = doc[end - 1]
    before = doc[last.i - 1] if last.i else None
    return (
        before is not None
        and last.like_num
        and (
            before.lower_.rstrip(".") in _ROADS
            or (before.text.endswith(".") and before.text[:1].isupper() and len(before.text) <= 5
                and before.lower_.rstrip(".") not in _MONTHS | _NUMBERING)
        )
    )  # fmt: skip


def hyphened(start: int, end: int, doc: Any) -> str:
    """A span's text with the words hyphened to its end: "9,000-square-foot" for the span "9,000"."""
    i = end
    while i + 1 < len(doc) and doc[i].text == "-" and not doc[i].whitespace_ and not doc[i - 1].whitespace_:
        i += 2
    return doc[start:i].text


def other_measure(start: int, end: int, doc: Any, kind: str, head: str) -> bool:
    """Whether a span is a number given in a unit that measures something else than the asked head, its
    hyphened words included: any unit for a scale ("20 miles" for a magnitude), another unit for a count
    ("9,000-square-foot" for how many diners; "a 30-year sentence" still answers how many years)."""
    if not head or head in _MEASURES or (head not in _SCALES and kind != "NUMBER"):
        return False  # (most questions: read no unit of the reader's every mention)
    unit = _UNIT.search(hyphened(start, end, doc))
    if unit is None:
        return False
    return head in _SCALES or not terms(head).stems & terms(unit.group(0)).stems
