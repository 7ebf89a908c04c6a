"""What an abbreviation stands for, when a passage writes the name beside it: "... Organization (CSTO)".

A question of its own kind: the answer is not near the question's words but defined by the text's own
convention, the name written out once before (or after) its abbreviation in brackets.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_ABBREVIATION = r"[“\"']?([A-Z][A-Za-z.&]{1,9})[”\"']?"
_ASKED = re.compile(
    rf"\bwhat (?:does|did|do) (?:the )?(?:abbreviation |acronym |initials )?{_ABBREVIATION} "
    rf"(?:stand for|mean)\b|\bwhat is (?:the )?(?:full name|long form) (?:of|for) (?:the )?{_ABBREVIATION}",
    re.IGNORECASE,
)
_SMALL = frozenset({"of", "the", "and", "for", "on", "in", "to", "de", "&"})
_WORD = re.compile(r"[A-Za-z][\w’'-]*|&")


def asked_abbreviation(question: str) -> str | None:
    """The abbreviation a "What does X stand for?" question asks about, as written."""
    m = _ASKED.search(question)
    if not m:
        return None
    acronym = m.group(1) or m.group(2)
    return acronym if sum(ch.isupper() for ch in acronym) >= 2 else None


def _initials(words: Sequence[str]) -> str:
    return "".join(w[0] for w in words if w.lower() not in _SMALL).lower()


def expansion(acronym: str, text: str) -> tuple[str, int] | None:
    """The name `acronym` abbreviates in `text` and the character offset where it starts, if written out."""
    letters = acronym.replace(".", "").lower()
    for m in re.finditer(rf"\(\s*{re.escape(acronym)}\s*\)", text):
        words = list(_WORD.finditer(text[max(0, m.start() - 200) : m.start()]))
        base = max(0, m.start() - 200)
        # the shortest run of words before the brackets whose initials are the abbreviation's letters
        for n in range(len(letters), min(len(words), 3 * len(letters)) + 1):
            run = words[-n:]
            if run[0].group()[0].isupper() and _initials([w.group() for w in run]) == letters:
                return text[base + run[0].start() : base + run[-1].end()], base + run[0].start()
    return None


def find_expansion(acronym: str, docs: Sequence[Any]) -> tuple[int, Any, str] | None:
    """The first passage (index, sentence span, name) that writes out what the abbreviation stands for."""
    for i, doc in enumerate(docs):
        found = expansion(acronym, doc.text)
        if found is None:
            continue
        name, start = found
        sent = next((s for s in doc.sents if s.start_char <= start < s.end_char), None)
        if sent is not None:
            return i, sent, name
    return None
