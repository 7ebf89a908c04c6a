"""Questions as users type them: checked and cleaned, and follow-ups made standalone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from index.dates import parse_day
from qa.pipeline.support import terms

# Unicode's control characters (category Cc: C0 with NUL, DEL, C1).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long, bad date)."""


def check_question(question: str, max_chars: int) -> str:
    """The question stripped of control characters, or QuestionError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError(f"The question must be text, got {type(question).__name__}")
    # Whitespace controls (tab, newline) become spaces; the rest (NUL, escapes, DEL) mean nothing to a search
    # and would reach the model's prompt.
    q = " ".join(_CONTROLS.sub("", " ".join(question.split())).split())
    if not q:
        if question.strip():
            found = sorted({f"U+{ord(c):04X}" for c in question if _CONTROLS.match(c)})
            raise QuestionError(
                "The question has only control characters ("
                + ", ".join(found[:5])
                + (", …" if len(found) > 5 else "")
                + "), no words: type a question about the articles."
            )
        raise QuestionError("The question is empty: type a question about the articles.")
    if len(q) > max_chars:
        raise QuestionError(
            f"The question is {len(q):,} characters long; the limit is {max_chars:,} "
            "(NEWSQA_MAX_QUESTION_CHARS). "
            "Ask a shorter question."
        )
    return q


def parse_as_of(value: date | str | None, name: str = "as_of") -> date | None:
    """A date, or an ISO date string, or None; QuestionError otherwise."""
    try:
        return parse_day(value)
    except ValueError:
        raise QuestionError(f"{name} must be a date like 2024-10-31, got {value!r}") from None


# Words by which a question leans on the conversation before it: "and when was that?", "What did he say?"
_LEANS_BACK = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about)\b|\b(he|she|him|her|his|hers|it|its|they|them|their|"
    r"theirs|this|that|these|those|there|the same|the latter|the former)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str) -> bool:
    """Whether the question needs the conversation to be understood: it refers back ("that", "he"), opens
    with "and" or "what about", or has fewer than three content words. A question that stands on its own is
    searched as the user wrote it; a small model's rewrite would only risk changing it."""
    return bool(_LEANS_BACK.search(question)) or len(terms(question).stems) < 3


def usable_rewrite(text: str, question: str, history: Sequence[tuple[str, str]]) -> bool:
    """A rewritten follow-up is kept only if it reads as a question about the conversation, not chatter."""
    if not 3 <= len(text) <= 4 * len(question) + 200 or text.endswith(":"):
        return False
    if re.match(r"(?i)(the answer|the article|i |sorry|as an ai)", text):
        return False
    context = terms(" ".join([question, *(q for q, _ in history[-3:])])).stems
    return bool(terms(text).stems & context)
