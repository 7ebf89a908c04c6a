"""Answer candidates in a parsed passage: entities, noun chunks, quotes, capitalised runs, dates and numbers.

Each candidate is a labelled token span (labels in qa/pipeline/answer_heads.py); a span whose content words
the question already names is never a candidate ("Who is Armenia's foreign minister?" is not "Armenia").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from qa.pipeline.answer_heads import ENT, HEAD_TYPE, TYPE_LABELS
from qa.pipeline.answer_types import AnswerType
from qa.pipeline.gazetteer import country_of_people
from qa.pipeline.named_kinds import names_the_named
from qa.pipeline.pronouns import antecedents
from qa.pipeline.reading import _CAPS, _DATE, _NUMBER
from qa.pipeline.support import terms

_PRONOUNS = set(
    "he she it they we i you this that these those him her them us me who which what one some all both each "
    "there itself himself herself themselves something anything everything nothing someone anyone everyone "
    "many most others other part way time thing things people year years day days lot number".split()
)
_DURATION = re.compile(
    r"\b(\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|fifty|hundred|"
    r"several|a few|many|a|an)[\s-]+(years?|months?|weeks?|days?|hours?|minutes?|decades?|centur(?:y|ies))\b",
    re.IGNORECASE,
)
_AGE = re.compile(r"\b(\d+|\w+)[- ]years?[- ]old\b", re.IGNORECASE)
_LOCPREP = set("in at near from to across outside inside on into toward towards".split())
_ISO = re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b")
_QUOTED = re.compile(r"[“\"]([^”\"]{2,80})[”\"]")
# A year a report gives by counting from its own date: "This year marks the 30th anniversary of the base" in a
# 2025 report dates the base to 1995, "30 years ago" likewise (anniversaries are reported as they fall).
_COUNTED_YEAR = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th) anniversary\b|\b(\d{1,3}) years ago\b", re.IGNORECASE)
_ORDINAL = re.compile(r"^(\d+(st|nd|rd|th)|first|second|third|fourth|fifth)$", re.IGNORECASE)
_NUMBER_NAMES = "zero one two three four five six seven eight nine ten eleven twelve".split()
MAX_TOKENS = 12  # longer spans are sentences, not answers


@dataclass(frozen=True)
class Mention:
    """One candidate span in one passage."""

    text: str
    label: str
    passage: int  # index of the passage
    sentence: int  # index of the sentence in the passage's doc
    start: int  # token span in the passage's doc
    end: int
    is_list: bool = False
    headline: bool = False  # found in the article's title, which states but cannot be quoted


def close_to(term: str, pool: frozenset[str]) -> bool:
    """Whether a stem is in the pool, or shares a prefix with a word of like length ("russia"/"russian")."""
    if term in pool:
        return True
    if len(term) < 4 or term.isdigit():
        return False
    return any(
        len(p) >= 4
        and (p.startswith(term) or term.startswith(p))
        and min(len(p), len(term)) / max(len(p), len(term)) >= 0.7
        for p in pool
    )


def _trim(doc: Any, a: int, b: int) -> tuple[int, int]:
    """Without leading determiners, possessives and punctuation, or trailing punctuation."""
    while a < b and (
        doc[a].pos_ in ("DET", "PUNCT")
        or doc[a].tag_ in ("PRP$", "WP$")
        or doc[a].is_space
        or doc[a].lower_ in ("such", "'s", "’s")
        or (doc[a].text == "By" and (a == 0 or "\n" in doc[a - 1].text))  # a byline: "By Mara Holt"
    ):
        a += 1
    while b > a and (doc[b - 1].pos_ == "PUNCT" or doc[b - 1].tag_ == "POS" or doc[b - 1].is_space):
        b -= 1
    # An unclosed bracket ("the Northern Fisheries Compact Organization (NFCO", as the tagger may end a name):
    # the name before it; the abbreviation is a mention of its own, and the votes join the two.
    opened = [t.i for t in doc[a:b] if t.text == "("]
    if opened and not any(t.text == ")" for t in doc[opened[-1] : b]):
        a, b = _trim(doc, a, opened[-1])
    return a, b


def _tokens(doc: Any, start: int, end: int) -> tuple[int, int] | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return (span.start, span.end) if span is not None else None


def _capitalised(doc: Any) -> list[tuple[int, int]]:
    """Runs of capitalised words; one opening a sentence (or what follows a colon: "... Group : Calling the
    group obsolete") only when it has several words ("Meanwhile")."""
    text, out = doc.text, []
    starts = {s.start for s in doc.sents}
    for m in _CAPS.finditer(text):
        before = text[: m.start()].rstrip(" \t")
        inside = bool(before) and before[-1] not in ".\n:!?"
        if not (span := _tokens(doc, m.start(), m.end())):
            continue
        # a run ends with its sentence ("... the Bucks. The Cavs matched"): a word's full stop may be its own
        cuts = [span[0], *(i for i in range(span[0] + 1, span[1]) if i in starts), span[1]]
        for k, (a, b) in enumerate(itertools.pairwise(cuts)):
            if (inside and k == 0) or " " in doc[a:b].text.strip():
                out.append((a, b))
    return out


def _undated(a: int, b: int, dated: set[int]) -> tuple[int, int]:
    """A span without the date words it starts or ends with ("Monday", "October": dates, however
    capitalised)."""
    while a < b and a in dated:
        a += 1
    while b > a and b - 1 in dated:
        b -= 1
    return a, b


def _acronym(text: str) -> str:
    return text.replace(".", "").casefold()


class _Collector:
    """Gathers a passage's mentions, once per span and label, none the question already names."""

    def __init__(
        self,
        doc: Any,
        passage: int,
        question_stems: frozenset[str],
        acronyms: frozenset[str],
        words: frozenset[str] = frozenset(),
    ) -> None:
        self.doc, self.passage, self.stems, self.acronyms = doc, passage, question_stems, acronyms
        self.words = words
        self.sentence_of = {t.i: si for si, s in enumerate(doc.sents) for t in s}
        self.seen: set[tuple[int, int, str]] = set()
        self.mentions: list[Mention] = []

    def add(self, a: int, b: int, label: str, is_list: bool = False, text: str = "") -> None:
        a, b = _trim(self.doc, a, b)
        if b <= a or (a, b, label) in self.seen or (b - a > MAX_TOKENS and not is_list):
            return
        text = text or self.doc[a:b].text.strip()
        if not text or text.lower() in _PRONOUNS or not re.search(r"\w", text):
            return
        stems = terms(text).stems
        if label == "QUOTE" and len(quoted := words_of(text)) >= 3:  # a title, named by all its words:
            named = quoted <= self.words  # "Don't Fence Me In" is not named by "fence"
        else:
            named = bool(stems) and all(close_to(t, self.stems) for t in stems)
            named = named or names_the_named(self.doc[a:b], self.stems)  # "the platform Discord"
        if named or _acronym(text) in self.acronyms:
            return  # the question names it already ("U.S." for a question on "the US")
        if not stems and label in ("NP", "CAPS", "QUOTE"):
            return
        self.seen.add((a, b, label))
        self.mentions.append(Mention(text, label, self.passage, self.sentence_of.get(a, 0), a, b, is_list))


def words_of(text: str) -> frozenset[str]:
    """The words of a text, lower-cased, stop words included."""
    return frozenset(re.findall(r"\w+(?:'\w+)?", text.casefold().replace("’", "'")))


def question_acronyms(question: str) -> frozenset[str]:
    """Upper-case words of a question ("US", "NFL"), which stop-word lists or stemming may lose."""
    return frozenset(_acronym(w) for w in re.findall(r"\b[A-Z][A-Z.]{1,5}\b", question))


def extract(
    doc: Any,
    asked: AnswerType,
    question_stems: frozenset[str],
    passage: int,
    acronyms: frozenset[str] = frozenset(),
    pronouns: Mapping[int, str] | None = None,
    published: date | None = None,
    question_words: frozenset[str] = frozenset(),
) -> list[Mention]:
    """The candidate mentions of one passage doc for a question of type `asked` (`pronouns`: the reader's
    `antecedents` of the doc, when it has them; `published`: its article's date, from which a report counts
    years; `question_words`: the question's `words_of`)."""
    c = _Collector(doc, passage, question_stems, acronyms, question_words)
    if asked.kind == "DATE" and published is not None:  # first: "30 years ago" is then the year it counts to
        for m in _COUNTED_YEAR.finditer(doc.text):  # "the 30th anniversary" in a 2025 report: 1995
            if span := _tokens(doc, m.start(), m.end()):
                c.add(*span, "DATE", text=str(published.year - int(m.group(1) or m.group(2))))
    for e in doc.ents:
        # "about 40 minutes" is tagged TIME, "three weeks" DATE: both say how long
        how_long = e.label_ in ("DATE", "TIME") and _DURATION.search(e.text)
        if how_long and not re.search(r"\b(ago|old)\b", e.text):
            c.add(e.start, e.end, "DURATION")
        if e.label_ == "DATE" and _AGE.search(e.text):
            c.add(e.start, e.end, "AGE")  # an age, which the tagger calls a date: no answer to "when"
            continue
        c.add(e.start, e.end, e.label_)
    for t in doc:  # "Moldovan President Maia Sandu": the small model tags such words as people or groups too
        if t.text[:1].isupper() and t.ent_type_ != "NORP" and country_of_people(t.text):
            c.add(t.i, t.i + 1, "NORP")
    _pronoun_people(c, antecedents(doc) if pronouns is None else pronouns)
    numeric = ("DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY")
    dated = {t for e in doc.ents if e.label_ in ("DATE", "TIME") for t in range(e.start, e.end)}
    capitalised = [_undated(a, b, dated) for a, b in _capitalised(doc)]  # "New York City Tuesday"
    spans = [(e.start, e.end, e.label_) for e in doc.ents] + [(a, b, "CAPS") for a, b in capitalised]
    for a, b, label in spans:
        text = doc[a:b].text
        if (
            label not in numeric
            and a > 0
            and doc[a - 1].lower_ in _LOCPREP
            and text[:1].isupper()
            and not _DATE.fullmatch(text.strip())
            and not dated.issuperset(range(a, b))  # "on Tuesday" is no place
        ):
            c.add(a, b, "LOCPREP")  # "in Kapan", "to Yerevan": a place, whatever the tagger thought
    for m in _ISO.finditer(doc.text):
        if span := _tokens(doc, m.start(), m.end()):
            c.add(*span, "DATE")
    for chunk in doc.noun_chunks:
        c.add(chunk.start, chunk.end, "NP")
        # without its leading adjectives and numbers: "several food dyes" -> "food dyes"; but a nationality
        # says whose ("the Armenian government")
        a = chunk.start
        while a < chunk.root.i and doc[a].pos_ in ("ADJ", "NUM", "DET", "ADV") and doc[a].ent_type_ != "NORP":
            a += 1
        if a != chunk.start:
            c.add(a, chunk.end, "NP")
        for prep in chunk.root.children:  # with its "of" phrase: "dissolution of the OSCE Minsk Group"
            if prep.dep_ == "prep" and prep.lower_ in ("of", "for", "in") and prep.i == chunk.end:
                end = max(t.i for t in prep.subtree) + 1
                if end - chunk.start <= 10:
                    c.add(chunk.start, end, "NP")
    for m in _QUOTED.finditer(doc.text):
        if len(m.group(1).split()) <= 8 and (span := _tokens(doc, m.start(1), m.end(1))):
            c.add(*span, "QUOTE")
    for a, b in capitalised:
        c.add(a, b, "CAPS")
    regex = {
        "DATE": (_DATE, "RXDATE"),
        "NUMBER": (_NUMBER, "RXNUM"),
        "MONEY": (_NUMBER, "RXNUM"),
        "PERCENT": (_NUMBER, "RXNUM"),
    }
    if asked.kind in regex:
        pattern, label = regex[asked.kind]
        for m in pattern.finditer(doc.text):
            if label == "RXNUM" and _ORDINAL.match(m.group(0)):
                continue  # "the 30th anniversary" counts nothing
            if span := _tokens(doc, m.start(), m.end()):
                c.add(*span, label)
    if asked.plural or asked.kind == "NUMBER":
        _lists(c, asked)
    return c.mentions


def _pronoun_people(c: _Collector, pronouns: Mapping[int, str]) -> None:
    """A "he" or "she" subject as a mention of the person it stands for, placed where the pronoun stands:
    "He confirmed ..." answers "Who confirmed ...?"."""
    for i, name in pronouns.items():
        c.add(i, i + 1, "PERSON", text=name)


def _lists(c: _Collector, asked: AnswerType) -> None:
    """Coordinated lists ("Armenia, Azerbaijan, Georgia, Iran, Russia and Turkey") for list questions, and
    their length for "how many X" when the items are of X's type."""
    doc = c.doc
    for m in list(c.mentions):
        root = doc[m.start : m.end].root
        chain = {root.i}
        conj = []
        for t in root.subtree:
            if t.dep_ == "conj" and t.head.i in chain:
                conj.append(t)
                chain.add(t.i)
        if not conj:
            continue
        if asked.kind == "PERSON" and not all(any(x.ent_type_ == "PERSON" for x in t.subtree) for t in conj):
            continue  # "Ararat Mirzoyan and his Russian counterpart": a role is no name in a list of people
        last = max(conj, key=lambda t: t.i)
        end = max(x.i for x in last.subtree if x.dep_ not in ("prep", "relcl", "acl", "punct")) + 1
        if end <= m.end or end - m.start > 16:
            continue
        if asked.plural:
            c.add(m.start, end, m.label, is_list=True)
        items = 1 + len(conj)
        fits = TYPE_LABELS.get(HEAD_TYPE.get(asked.head, ""), {}).get(m.label, 0.0) >= 0.5
        if asked.kind == "NUMBER" and m.label in ENT and fits and items < len(_NUMBER_NAMES):
            c.add(m.start, end, "COUNT", is_list=True, text=_NUMBER_NAMES[items])
