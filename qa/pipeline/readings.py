"""What the reader makes of a question: the reading, its candidates, and the evidence sentence each rests on,
written as a claim that reads on its own."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from index.datelines import strip_dateline
from qa.pipeline.answer_types import AnswerType
from qa.pipeline.answerability import AnswerClass, answer_class, refuses
from qa.pipeline.pronouns import antecedents

_CONNECTIVE = re.compile(
    r"^(meanwhile|however|in addition|additionally|also|moreover|furthermore|but|and|still|yet|separately|"
    r"in turn|for (his|her|their|its) part),?\s+",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT = re.compile(r"^(he|she|they)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """The sentence an answer rests on: which passage, where in its text, and the claim to write."""

    passage: int
    start: int  # character span of the sentence in the passage's chunk text
    end: int
    claim: str  # the sentence as the answer states it (connective dropped, pronoun subject named)


@dataclass(frozen=True)
class Candidate:
    """One of the reader's best answers, with the sentence that supports it best."""

    text: str
    support: float
    evidence: Evidence


@dataclass(frozen=True)
class Reading:
    """What the reader made of the passages for a question."""

    asked: AnswerType
    short: str
    support: float
    evidence: Evidence | None
    candidates: tuple[Candidate, ...] = ()  # the best answers, best first (for a chooser)
    more: tuple[Evidence, ...] = ()  # the sentences stating the other items of a list answer
    checked: float | None = None  # a checker's P(yes) that the evidence states the answer (None: unchecked)

    def choosing(self, text: str | None) -> Reading:
        """The reading with another of its candidates as the answer (None: not stated, a refusal)."""
        picked = next((c for c in self.candidates if c.text == text), None)
        if picked is None:
            return Reading(self.asked, "", 0.0, None, self.candidates)
        return Reading(self.asked, picked.text, picked.support, picked.evidence, self.candidates)

    @property
    def refused(self) -> bool:
        """The passages do not state an answer clearly enough."""
        return (
            self.evidence is None or not self.short or refuses(self.answer_class, self.support, self.checked)
        )

    @property
    def answer_class(self) -> AnswerClass:
        """Which refusal threshold the answer answers to."""
        return answer_class(self.asked.kind, self.asked.head, self.short)


def evidence_of(passage: int, sent: Any, pronouns: Sequence[Mapping[int, str]]) -> Evidence:
    """The sentence as evidence, with a claim that reads on its own."""
    return Evidence(passage, sent.start_char, sent.end_char, standalone(sent, pronouns[passage]))


def standalone(sent: Any, pronouns: Mapping[int, str] | None = None) -> str:
    """The sentence without a dateline or an opening connective ("Meanwhile, ..."), its pronoun subject named
    when the passage names that person just before ("He confirmed ..." -> "Lavrov confirmed ...")."""
    # No dateline: the answer names outlet and date, and "reported that YEREVAN—Armenian ..." reads garbled.
    text = strip_dateline(sent.text.strip()) or sent.text.strip()
    text = _CONNECTIVE.sub("", text, count=1)
    text = text[:1].upper() + text[1:]
    if (m := _PRONOUN_SUBJECT.match(text)) and m.group(1).lower() in ("he", "she"):
        pronoun = next((t for t in sent if t.lower_ == m.group(1).lower()), None)
        found = antecedents(sent.doc) if pronouns is None else pronouns  # the reader's, with carried names
        named = found.get(pronoun.i) if pronoun is not None else None
        if named:
            text = named.split()[-1] + text[m.end() :]  # the surname, as a second mention in news reads
    return text
