"""How much support each kind of answer needs before the reader gives it: below, the articles do not say.

Each threshold is calibrated by benchmarks/calibrate_refusal.py on the seed set and the RealTime QA dev
questions together (tables in docs/ablation.md), per kind of answer, since the kinds' supports are not on
one scale: a typed answer has its entity type (or the asked head noun) behind it, a free noun phrase only its
words, a clause only its sentence's match.
"""

from __future__ import annotations

from typing import Literal

from qa.pipeline.support import terms
from qa.pipeline.wordnet import is_kind_of

AnswerClass = Literal["typed", "noun", "clause"]

# Typed answers (who, where, when, how many, yes/no ...): the seed set's best threshold whether a wrong answer
# costs a whole or half a right one; on RealTime QA it turned 110 wrong answers to 49 for 29 right ones to 19.
MIN_SUPPORT = 0.28
# A free noun phrase ("what is a Picklewich?", "which type of plant ..." answered "pollen"): any noun chunk
# has the asked type, so the type vouches for nothing and the words must say more (at 0.28, RealTime QA got
# 1 right for 13 wrong). One that names the asked head ("what kind of cooperation": "customs cooperation")
# has its type behind it and counts as typed, as does one WordNet files under the head ("lemonade", a drink).
MIN_SUPPORT_NOUN = 0.45
# A clause answer (why, how ...) rests on its sentence's match alone, with no span or attachment behind it.
MIN_SUPPORT_CLAUSE = 0.60

# An LLM checker's P(yes) that the answer's sentence states it (qa/pipeline/checker.py), chosen on the dev
# sets with qwen2.5-1.5b (docs/ablation.md): at CHECKED_YES an answer the support alone would refuse is given
# (from its class's floor up), below CHECKED_NO an answer it would give is refused. A typed answer's floor
# only spares a check of answers with next to no support (a span of the wrong type has none): at 0.10 it
# kept right answers from their checks ("ATACMS" at 0.038), while no wrong typed answer under 0.10 had a
# P(yes) of 0.8 on the dev and held-out sets. A free noun phrase has no type behind it, and the one wrong
# answer the lower floor gave was one ("a matter of human rights"), so its floor stays at 0.10
# (docs/ablation.md, "A lower floor for the checker").
CHECKED_YES = 0.8
CHECKED_NO = 0.5
# A typed answer a little short of MIN_SUPPORT (from LEANING_SUPPORT up) that the checker leans to: on the
# dev sets and a held-out set, 4 of the 5 such answers were right ("Viktor Bout" at support 0.27, "Norman" at
# 0.25), while below LEANING_SUPPORT 17 of 19 with a P(yes) of 0.6-0.8 were wrong (docs/ablation.md,
# nineteenth session).
CHECKED_LEANS = 0.7
LEANING_SUPPORT = 0.2
CHECK_FLOOR = 0.02
CHECK_FLOOR_NOUN = 0.10

_NEEDED: dict[AnswerClass, float] = {
    "typed": MIN_SUPPORT,
    "noun": MIN_SUPPORT_NOUN,
    "clause": MIN_SUPPORT_CLAUSE,
}


def answer_class(kind: str, head: str, short: str) -> AnswerClass:
    """Which threshold an answer of this asked kind and head answers to."""
    if kind == "PHRASE":
        return "clause"
    head_stems = terms(head).stems if head else frozenset()
    if kind == "NP" and not (head_stems and head_stems <= terms(short).stems) and not is_kind_of(short, head):
        return "noun"
    return "typed"


def threshold(cls: AnswerClass) -> float:
    """The support below which an answer of this class is refused."""
    return _NEEDED[cls]


def check_floor(cls: AnswerClass) -> float:
    """The support below which a checker's yes cannot give an answer of this class (nor is it asked)."""
    return CHECK_FLOOR if cls == "typed" else CHECK_FLOOR_NOUN


def refuses(
    cls: AnswerClass,
    support: float,
    checked: float | None = None,
    *,
    yes: float = CHECKED_YES,
    no: float = CHECKED_NO,
    leans: float = CHECKED_LEANS,
) -> bool:
    """Whether an answer with this support (and the checker's P(yes), if it was checked) is refused;
    `yes`, `no` and `leans` are the checker's thresholds (other values for calibration)."""
    if checked is not None and checked < no:
        return True
    if checked is not None and checked >= yes and support >= check_floor(cls):
        return False
    if checked is not None and checked >= leans and cls == "typed":
        return support < LEANING_SUPPORT
    return support < threshold(cls)
