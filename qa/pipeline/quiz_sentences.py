"""The sentences of a quiz question: its lead-in statements, then the sentence that asks ("X met Y. Where
...?")."""

from __future__ import annotations

import re

from qa.pipeline.support import terms

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


def lead_in(text: str) -> frozenset[str]:
    """Stems of the common words only a quiz question's lead-in holds ("Hurricane Milton came ashore ... this
    week. Near which barrier island did it make landfall?"): they tell the story, which retrieval and the
    passage's match use, more than the sentence stating the answer, which is about what the last sentence
    asks. Names are kept at full weight, as that sentence names its subject; empty for a one-sentence
    question, or when the last sentence asks nothing of its own ("Who is she?")."""
    parts = question_sentences(text)
    if len(parts) < 2:
        return frozenset()
    last = terms(parts[-1])
    if len(last.stems - last.names) < 2:
        return frozenset()
    before = terms(" ".join(parts[:-1]))
    return before.stems - before.names - last.stems
