"""Citation markers ([1], [1, 2]), the attribution that opens an answer, and the parts of an LLM reply."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.dates import long_date
from qa.models import Citation
from qa.pipeline.nlp import parse

# [1], [1, 2], [1][2], [Source 1], 【1】
MARKER = re.compile(
    r"\s*[\[【]\s*(?:sources?\s*)?(\d+(?:\s*[,;]\s*(?:sources?\s*)?\d+)*)\s*[\]】]", re.IGNORECASE
)
_REFUSAL = re.compile(
    r"\b(unknown|i don'?t know|i do not know|(?:do|does) not (?:say|mention|contain|provide|specify|state)|"
    r"not (?:mentioned|provided|specified|stated|given|available|clear)|no information|cannot be determined|"
    r"can ?not answer|unable to (?:answer|determine)|there is no mention)\b",
    re.IGNORECASE,
)
_ANSWER_LINE = re.compile(r"^\s*\**\s*(?:short\s+)?answer\s*\**\s*:\s*(.*)$", re.IGNORECASE | re.MULTILINE)
_EXPLANATION = re.compile(
    r"^\s*\**\s*(?:explanation|reason|evidence)\s*\**\s*:\s*", re.IGNORECASE | re.MULTILINE
)

# Sentence-opening words that may be lower-cased after "... reported that" (names keep their capital).
_LOWER_OK = {
    "the", "a", "an", "he", "she", "it", "they", "this", "that", "these", "those", "his", "her", "its",
    "their", "in", "on", "at", "during", "after", "before", "according", "there", "some", "all", "both",
}  # fmt: skip


@dataclass(frozen=True)
class Reply:
    """The parts of an LLM reply in the prompted form."""

    short: str
    explanation: str
    says_unknown: bool


def parse_reply(raw: str) -> Reply:
    """Split 'Answer: ... Explanation: ...'; tolerate a missing label or extra chatter."""
    text = raw.strip()
    short = ""
    explanation = text
    if m := _ANSWER_LINE.search(text):
        short = m.group(1).strip()
        rest = text[m.end() :]
        if e := _EXPLANATION.search(rest):
            explanation = rest[e.end() :].strip()
        elif e := _EXPLANATION.search(text[: m.start()]):
            explanation = text[e.end() : m.start()].strip()
        else:
            explanation = rest.strip()
    elif e := _EXPLANATION.search(text):
        explanation = text[e.end() :].strip()
    short = MARKER.sub("", short).strip().strip("*").strip()
    unknown_short = bool(short) and bool(_REFUSAL.search(short)) and len(short.split()) <= 8
    unknown_expl = bool(_REFUSAL.search(explanation)) and not MARKER.search(explanation)
    says_unknown = unknown_short or (not short and unknown_expl) or (not short and not explanation)
    return Reply(short=short, explanation=explanation, says_unknown=says_unknown)


def display_text(raw: str) -> str:
    """What to show of a reply still streaming: the explanation once it starts, else the answer line."""
    if e := _EXPLANATION.search(raw):
        return raw[e.end() :].lstrip()
    if m := _ANSWER_LINE.search(raw):
        return m.group(1)
    return "" if raw.strip().lower().startswith(("answer", "**answer")) else raw


def markers_in(sentence: str) -> list[int]:
    """Source numbers cited in a sentence, in order, without repeats."""
    found: list[int] = []
    for m in MARKER.finditer(sentence):
        for num in re.findall(r"\d+", m.group(1)):
            if int(num) not in found:
                found.append(int(num))
    return found


def strip_markers(text: str) -> str:
    """The text without [n] markers."""
    return re.sub(r"\s+([.,;:!?])", r"\1", MARKER.sub("", text)).strip()


def with_markers(claim: str, numbers: Sequence[int]) -> str:
    """The claim with [n] markers before its final punctuation."""
    marks = "".join(f" [{n}]" for n in numbers)
    m = re.search(r"[.!?]+[\"”’']?$", claim)
    if m:
        return claim[: m.start()] + marks + claim[m.start() :]
    return claim + marks + "."


def _common_word(claim: str) -> bool:
    """Whether the claim opens with a word written lower case inside a sentence ("The", "He", "Turning to"),
    not a name ("Lavrov", "Apple") or an acronym, by the tagger."""
    first = parse([claim])[0][0]
    if first.lower_ in _LOWER_OK:
        return True
    return first.pos_ != "PROPN" and not first.ent_type_ and not first.text.isupper() and first.text != "I"


def attributed(claim: str, citation: Citation) -> str:
    """The claim introduced by who published it and when: readers of news need both."""
    if citation.published is None:
        return claim
    first, _, rest = claim.partition(" ")
    if rest and _common_word(claim):
        claim = first.lower() + " " + rest
    when = long_date(citation.published)
    also = also_reported(citation)
    if citation.source:
        return f"{citation.source} reported on {when}{f' ({also})' if also else ''} that {claim}"
    return f"As reported on {when}{f' ({also})' if also else ''}, {claim}"


def also_reported(citation: Citation, limit: int = 3) -> str:
    """'also reported by AP and Reuters' for a cited story that other outlets carried too."""
    outlets = list(dict.fromkeys(a.source for a in citation.also_reported_by if a.source))
    outlets = [o for o in outlets if o != citation.source]
    if not outlets:
        return ""
    shown = outlets[:limit] + ([f"{len(outlets) - limit} more"] if len(outlets) > limit else [])
    names = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]
    return f"also reported by {names}"
