"""A chat turn: one question, the filters it was asked with, and what became of it."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from index.dates import parse_day
from index.store.base import StoreError
from index.store.filters import Filters
from qa.llm.base import LLMError
from qa.models import Answer, Citation, Passage
from qa.pipeline.questions import QuestionError


class FilterError(ValueError):
    """A filter value the user typed cannot be used."""


def _day(value: object, label: str) -> date | None:
    try:
        return parse_day(value)
    except ValueError:
        raise FilterError(
            f"The {label} date must look like 2025-05-21, not {str(value).strip()!r}."
        ) from None


def parse_filters(
    since: object = None, as_of: object = None, sources: Sequence[str] | None = None
) -> Filters:
    """Filters from the UI's raw values, or FilterError saying what is wrong."""
    since_d, as_of_d = _day(since, "“from”"), _day(as_of, "“as of”")
    if since_d and as_of_d and since_d > as_of_d:
        raise FilterError(
            f"The “from” date {since_d.isoformat()} is after the “as of” date {as_of_d.isoformat()}: "
            "no article can match."
        )
    picked = tuple(dict.fromkeys(s for s in (sources or []) if isinstance(s, str) and s.strip()))
    return Filters(since_d, as_of_d, picked)


@dataclass
class Turn:
    """One question and what became of it, as the chat shows it."""

    question: str
    filters: Filters = field(default_factory=Filters)
    stage: str = "waiting"  # waiting -> searching -> writing -> done | failed
    query: str = ""  # the standalone question searched, when it differs from the question
    passages: tuple[Passage, ...] = ()
    partial: str = ""  # the answer text streamed so far
    short: str = ""  # the short answer, shown first as soon as it is known
    answer: Answer | None = None
    error: str = ""
    evidence: tuple[Citation, ...] = ()  # what the sources panel lists
    note: str = ""  # what a waiting turn waits for (a free place, the seed articles, a slot of the model)
    created: float = field(default_factory=time.monotonic)
    started: bool = False  # taken up by an answer() (only one may run per turn)
    began: float = 0.0  # when searching began (time.monotonic()), for the elapsed time shown

    @property
    def elapsed(self) -> int:
        """Whole seconds since searching began (since the question came, before that)."""
        return int(time.monotonic() - (self.began or self.created))

    @property
    def settled(self) -> bool:
        """Answered or failed: nothing more will come for this turn."""
        return self.stage in ("done", "failed")

    @property
    def articles(self) -> int:
        """How many articles the retrieved passages come from."""
        return len({p.chunk.article_id for p in self.passages})


def error_message(exc: BaseException) -> str:
    """What the chat says when answering fails: the reason in words, never a traceback."""
    if isinstance(exc, (QuestionError, FilterError)):
        return str(exc)
    if isinstance(exc, LLMError):
        return f"The language model could not answer: {exc}"
    if isinstance(exc, StoreError):
        return f"The article index cannot be used: {exc}"
    return (
        f"Something went wrong while answering ({type(exc).__name__}). "
        "The details are in the server log; try again or rephrase the question."
    )
