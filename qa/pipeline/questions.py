"""Questions as users type them: checked and cleaned, and follow-ups made standalone."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from index.dates import parse_day
from qa.pipeline.support import terms


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long, bad date)."""


def check_question(question: str, max_chars: int) -> str:
    """The question stripped, or QuestionError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError(f"The question must be text, got {type(question).__name__}")
    q = " ".join(question.split())
    if not q:
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


def usable_rewrite(text: str, question: str, history: Sequence[tuple[str, str]]) -> bool:
    """A rewritten follow-up is kept only if it reads as a question about the conversation, not chatter."""
    if not 3 <= len(text) <= 4 * len(question) + 200 or text.endswith(":"):
        return False
    if re.match(r"(?i)(the answer|the article|i |sorry|as an ai)", text):
        return False
    context = terms(" ".join([question, *(q for q, _ in history[-3:])])).stems
    return bool(terms(text).stems & context)
