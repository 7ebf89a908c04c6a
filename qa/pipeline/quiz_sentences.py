"""The sentences of a quiz question: its lead-in statements, then the sentence that asks ("X met Y. Where
...?")."""

from __future__ import annotations

import re

AUX = set(
    "is are was were did does do has have had will can could should would may might must isn't aren't wasn't "
    "didn't doesn't".split()
)
WH = re.compile(r"\b(who|whom|whose|what|what's|which|where|when|why|how)\b", re.IGNORECASE)

# A title, a case's "v." or an initial ends in a full stop inside a sentence ("Sen. John McCain", "St. Pete
# Beach", "Roe v. Wade", "Melvin L. Joseph"); an initial ends one too when a question follows ("... toured
# the U.S. Which city ...?"). Not NLTK's Punkt (`support.split_sentences`): it splits after "Gov." and "St.".
_TITLE_END = re.compile(
    r"\b(?:Sens?|Reps?|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Dr|Mrs?|Ms|Prof|Rev|St|Mt|Ft|Det|v|vs)\.$"
)
_INITIAL_END = re.compile(r"\b[A-Z]\.$")


def question_sentences(question: str) -> list[str]:
    """The sentences of a question: a quiz's lead-in statements, then what it asks ("X met Y. Where ...?")."""
    parts: list[str] = []
    for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", question.strip()):
        first = piece.split(maxsplit=1)[0].lower() if piece else ""
        asks = WH.match(piece) or first in AUX
        if parts and (_TITLE_END.search(parts[-1]) or (_INITIAL_END.search(parts[-1]) and not asks)):
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts


def asked_part(question: str) -> str:
    """The last sentence holding a wh-word: quiz questions open with a statement ("X met Y. Where ...?")."""
    parts = question_sentences(question)
    for part in reversed(parts):
        if WH.search(part) or part.endswith("?"):
            return part
    return question
