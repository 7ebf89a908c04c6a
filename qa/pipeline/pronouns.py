"""Who a "he" or "she" subject is: one rule for the reader's candidates, its sentence match and its prose.

Hand-written because spaCy's small English pipeline has no coreference and no package here ships one. The
rule is centering's: a pronoun subject continues the named subject of one of the two sentences before, else
it is the last PERSON named before it (the tagger often calls a lone surname an ORG, so the subject comes
first). A passage that opens with "He ..." takes the name from the end of its article's previous passage.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from index.chunking import previous_chunk_id
from index.models import Chunk
from qa.models import Passage
from qa.pipeline.nlp import parse

_PRONOUNS = frozenset({"he", "she"})
_OPENS_WITH_PRONOUN = re.compile(r"^\W*(he|she)\b", re.IGNORECASE)


def name_of(token: Any) -> str:
    """A proper noun with the compound words that make its name ("Vladimir Putin" for "Putin")."""
    return " ".join(w.text for w in token.subtree if w.dep_ in ("compound", "flat") or w is token)


def named_subject(sent: Any) -> tuple[int, int] | None:
    """The proper-noun subject of a sentence with its compound words ("Sergey Lavrov"), if it has one."""
    for t in sent:
        if t.dep_ == "nsubj" and t.pos_ == "PROPN" and t.head.dep_ == "ROOT":
            words = [w.i for w in t.subtree if w.dep_ == "compound" or w.i == t.i]
            return min(words), max(words) + 1
    return None


def antecedents(doc: Any, before: str = "") -> dict[int, str]:
    """Token index of each "he" / "she" subject in a parsed passage -> the name of the person it stands for.

    `before` is the name the previous passage of the article ends on, for a pronoun with none before it here.
    """
    sents = list(doc.sents)
    found: dict[int, str] = {}
    for si, sent in enumerate(sents):
        for t in sent:
            if t.lower_ not in _PRONOUNS or t.dep_ not in ("nsubj", "nsubjpass"):
                continue
            if name := _named_before(doc, sents[:si], t.i) or before:
                found[t.i] = name
    return found


def _named_before(doc: Any, sents: Sequence[Any], end: int) -> str:
    """Whom a "he" at token `end`, after these sentences, stands for: the named subject of one of the last two
    sentences (centering: a pronoun subject continues the last subject), else the last PERSON before it (the
    tagger often calls a lone surname an ORG, so the subject comes first); "" when nobody is named."""
    for sent in reversed(sents[-2:]):
        if span := named_subject(sent):
            return str(doc[span[0] : span[1]].text)
    people = [e for e in doc.ents if e.label_ == "PERSON" and e.end <= end]
    if not people:
        return ""
    # without the possessive the tagger may take into the name ("Michael Kealty's account")
    last = people[-1]
    stop = last.end
    while stop > last.start + 1 and (doc[stop - 1].tag_ == "POS" or doc[stop - 1].lower_ in ("'s", "’s")):
        stop -= 1
    return str(doc[last.start : stop].text)


def names_in(sent: Any, found: Mapping[int, str]) -> str:
    """The names the sentence's pronoun subjects stand for, as text ("" when it has none)."""
    return " ".join(name for i, name in found.items() if sent.start <= i < sent.end)


Fetch = Callable[[Sequence[str]], list[Chunk]]  # chunks by id: Store.fetch


def carried_names(passages: Sequence[Passage], fetch: Fetch) -> dict[int, str]:
    """For each passage that opens with "He" or "She": the name its article's previous passage ends on."""
    wanted: dict[str, int] = {}
    for i, p in enumerate(passages):
        if _OPENS_WITH_PRONOUN.match(p.chunk.text) and (previous := previous_chunk_id(p.chunk.id)):
            wanted[previous] = i
    if not wanted:
        return {}
    chunks = [c for c in fetch(list(wanted)) if c.id in wanted]
    docs = parse([c.text for c in chunks])
    return {
        wanted[c.id]: name
        for c, doc in zip(chunks, docs, strict=True)
        if (name := _named_before(doc, list(doc.sents), len(doc)))
    }
