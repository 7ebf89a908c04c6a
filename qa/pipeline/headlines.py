"""Headlines as evidence: a news article's title states its story's main fact in a few words ("Beyoncé
course coming to Yale University"), often more plainly than any sentence of the passage read.

A headline's mentions vote and support like a sentence's, but a title is not part of the text a citation
quotes, so an answer is always quoted from a sentence of the article's passage that names it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from index.datelines import strip_dateline
from qa.models import Passage
from qa.pipeline.candidates import Mention, extract
from qa.pipeline.evidence import Features, mention_features, overlap
from qa.pipeline.nlp import parse
from qa.pipeline.non_answers import no_answer
from qa.pipeline.question_facts import Question
from qa.pipeline.support import terms

Similarity = Callable[[str, Sequence[str]], Sequence[float]]

_OUTLET = re.compile(r"\s+[|]\s+[^|]{2,40}$")  # "What is Russia plotting in Moldova? | The Week"
_CUT = re.compile(r"\s*(\.\.\.|…|\.\s\.)\s*$")  # a title cut short: "... Future date, path ..."


def headline(title: str) -> str:
    """A title as a statement: without the outlet after "|", a dateline, or the dots of a cut."""
    return _CUT.sub("", strip_dateline(_OUTLET.sub("", title.strip()))).strip()


def asks(text: str) -> bool:
    """Whether a text is a question ("What is Russia plotting in Moldova?"), which states nothing."""
    return text.rstrip(" \n\"”’'").endswith("?")


# A link to another story, as news sites put them between paragraphs: "More:Which hurricanes damaged Ocean
# City the most?", "Labor strikes:Boeing, striking union to continue negotiations" (a label, a colon, no
# space; 2,074 such lines in 853 of the 2,359 RealTime QA articles).
_LINK = re.compile(r"[A-Z][\w’' ]{0,39}[^\W\d]:[A-Z0-9“\"‘']")  # not a time: "At 10:30 a.m. ..."


def links_elsewhere(text: str) -> bool:
    """Whether a sentence is a link to another story (its headline, after a label), which states nothing of
    this one."""
    line = text.strip()
    return len(line) <= 200 and "\n" not in line and bool(_LINK.match(line))


def headline_mentions(
    passages: Sequence[Passage],
    q: Question,
    weights: dict[str, float],
    acronyms: frozenset[str],
    similarity: Similarity | None,
) -> list[tuple[Mention, Features]]:
    """The candidate mentions of the passages' article titles, each title once."""
    first: dict[str, int] = {}
    for i, p in enumerate(passages):
        if (title := headline(p.chunk.article.title)) and title not in first and not asks(title):
            first[title] = i
    if not first:
        return []
    titles = list(first)
    cosines = list(similarity(q.text, titles)) if similarity else [0.0] * len(titles)
    out = []
    for title, doc, cosine in zip(titles, parse(titles), cosines, strict=True):
        match = overlap(weights, terms(title).stems)
        i = first[title]
        for m in [*extract(doc, q.asked, q.stems, i, acronyms, {}), *_opening_name(doc, passages[i], q, i)]:
            if no_answer(m, doc, q):
                continue
            f = mention_features(m, doc, doc[:], q, weights)
            f.sentence = f.context = f.passage = match
            f.cosine = float(cosine)
            if q.subject.head:
                f.about = float(q.subject.named_in(terms(title).stems))
            out.append((replace(m, headline=True), f))
    return out


def _opening_name(doc: Any, passage: Passage, q: Question, i: int) -> list[Mention]:
    """A headline's first word as a name ("Beyoncé course coming to Yale"), which the tagger and the run of
    capitals miss at the start of a sentence, when the passage writes it with a capital inside a sentence."""
    word = doc[0] if len(doc) else None
    if word is None or not (word.is_alpha and word.is_title) or word.is_stop:
        return []
    text = unicodedata.normalize("NFC", passage.chunk.text)  # "Beyonce\u0301" is "Beyoncé"
    if not re.search(rf"[^.!?\n\s]\s+[“\"']?{re.escape(unicodedata.normalize('NFC', word.text))}\b", text):
        return []
    if terms(word.text).stems <= q.stems:
        return []
    return [Mention(word.text, "CAPS", i, 0, 0, 1)]
