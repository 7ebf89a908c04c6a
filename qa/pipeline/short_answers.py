"""How a short answer is written ("33,000", not "nearly 33,000"; "October", not "Oct."), and spans that are
no answer at all."""

from __future__ import annotations

import calendar
import re
from typing import Any

from index.dates import MONTHS
from qa.pipeline.support import covers, word_stems

_CONTENT = frozenset({"NOUN", "PROPN", "NUM", "ADJ", "VERB", "X", "SYM"})


# Nouns of complex prepositions: "in response to", "on behalf of", "as part of" work as one preposition.
_PREPOSITION_NOUNS = frozenset(
    "response addition behalf favor favour light spite terms view part case front charge place lieu "
    "accordance line order regard relation respect contrast comparison exchange return wake".split()
)


def function_words(span: Any, text: str) -> bool:
    """A span of nothing but function words, as written (a "he" standing for a person is not one); the noun
    of a complex preposition ("In response to criticism") counts as one."""
    return span.text == text and not any(t.pos_ in _CONTENT and not _in_preposition(t) for t in span)


def _in_preposition(t: Any) -> bool:
    doc = t.doc
    return (
        t.lower_ in _PREPOSITION_NOUNS
        and 0 < t.i < len(doc) - 1
        and doc[t.i - 1].lower_ in ("in", "on", "as", "by", "with", "at")
        and doc[t.i + 1].lower_ in ("to", "of", "with", "for")
    )


_APPROXIMATELY = re.compile(
    r"^(?:more than|less than|fewer than|nearly|almost|about|around|roughly|some|over|under|at least|"
    r"at most|up to|approximately|an estimated)\s+(?=[$€£\d])",
    re.IGNORECASE,
)
# What the tagger runs on past a date: "in March 2019 after days of rain" tagged "March 2019 after days".
_DATE_TAIL = re.compile(r"(?<=\d)\s+(?:after|before|when|while|during|until|since)\b.*$", re.IGNORECASE)
_MONTH_ABBREVIATION = re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?(?=\s|$|,)")


# A quoted name with the common noun before it, or a quote the span cut open: "word “killer", "“Wicked".
_QUOTED = re.compile(r"^(?:[a-z]+\s+)?[“\"](?P<name>[^“”\"]+)[”\"]?$|^(?P<open>[^“”\"]+)[”\"]$")


def tidy(text: str, kind: str) -> str:
    """The short answer as a reader writes it: a figure without its "nearly", a date's month in full, a
    quoted name without its quotes ("killer" for the word “killer”)."""
    if kind in ("NUMBER", "MONEY", "PERCENT"):
        return _APPROXIMATELY.sub("", text)
    if kind == "DATE":
        text = _DATE_TAIL.sub("", text)
        return _MONTH_ABBREVIATION.sub(lambda m: calendar.month_name[MONTHS[m.group(1).lower()]], text)
    if quoted := _QUOTED.match(text):
        return (quoted.group("name") or quoted.group("open")).strip()
    return text


_QUOTES = frozenset("\"“”‘’'")


def with_head(text: str, doc: Any, start: int, end: int, head: frozenset[str]) -> str:
    """A name written with the asked noun it qualifies ("the first Nagorno-Karabakh war" for "which war",
    "the Osk Valley dam" for "which dam"); else `text` as it was."""
    span = doc[start:end]
    noun = span.root.head
    quoted = start > 0 and end < len(doc) and doc[start - 1].text in _QUOTES and doc[end].text in _QUOTES
    if (  # a quoted name is the whole name already ("the “For the Republic” party")
        not head
        or quoted
        or span.text != text
        or noun.i != end  # the noun right after the name
        or noun.pos_ != "NOUN"
        or span.root.dep_ not in ("compound", "amod", "nmod")
        or not any(covers(h, word_stems(noun)) for h in head)
    ):
        return text
    # an ordinal before the name belongs to the noun's name too ("first"), other adjectives ("new") not
    first = min([start] + [c.i for c in noun.children if c.i < start and c.ent_type_ == "ORDINAL"])
    return doc[first : noun.i + 1].text
