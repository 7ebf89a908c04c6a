"""Other words a passage says the question's words with: a capital for its country ("Moscow" for Russia), a
news idiom for an office ("top diplomat" for foreign minister), and a person's name for the office a passage
gives them ("Lavrov", whom the report introduced as Russia's foreign minister).

A question written in other words than the report ("How did Moscow's top diplomat describe ...?") otherwise
shares few words with the sentence that answers it ("Lavrov described ..."), and the reader refuses it. The
capitals come from WordNet (`wordnet.seat_of`); the idioms are written out here because WordNet does not link
them ("top diplomat" is not a kind of foreign minister there), and the offices are read off the passages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from qa.pipeline.gazetteer import member, peoples_of
from qa.pipeline.pronouns import names_in
from qa.pipeline.support import covers, terms
from qa.pipeline.wordnet import derived_forms, seat_of
from qa.pipeline.written_variants import question_words, written_otherwise

# News idioms for an office or a body, and the words a report names it by.
_IDIOMS = {
    "top diplomat": "foreign minister",
    "chief diplomat": "foreign minister",
    "head of state": "president",
    "head of government": "prime minister",
    "leader": "president prime minister premier chancellor",
    "lawmaker": "legislator deputy senator congressman congresswoman representative parliament duma",
    "legislator": "lawmaker deputy senator congressman congresswoman representative parliament duma",
}
# Verbs that say what something is like; a report uses any of them for another ("characterise" / "called").
DESCRIBING = frozenset(
    "describe call characterize characterise label dub portray frame deem hail denounce".split()
)
DESCRIBING_STEMS = terms(" ".join(DESCRIBING)).stems
# Words of speaking to someone: "Which outlet did Chepa speak to?" (or "give his comments to") is answered
# by "Chepa told NEWS.ru".
SPEAKING = terms("tell speak talk comment interview").stems
_IDIOM = re.compile(r"\b(" + "|".join(map(re.escape, _IDIOMS)) + r")s?\b", re.IGNORECASE)
_WORD = re.compile(r"\b[a-z]{4,}\b")  # a common word, as written: names have no derived forms to look up
_NAME = re.compile(r"(?=\b([A-Z][\w-]+(?: [A-Z][\w-]+)?))")  # overlapping: "Did Moscow", then "Moscow"
# A name of several capitalised words, which a report may go on to call by its initials ("the DNC").
_LONG_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:of |for |and |the )*[A-Z][a-z]+)+")
# Words of an office that say whose it is, not what it is: "his Russian counterpart" holds Mirzoyan's office
_COUNTERPART = frozenset({"counterpart", "counterparts", "opposite", "peer"})


def question_aliases(question: str, seats: bool = True, forms: bool = True) -> dict[str, frozenset[str]]:
    """Each question stem a passage may say in other words -> the stems that say it (`seats`: a capital's
    country too; `forms`: a verb's nouns and a noun's verbs, "dissolved" said as "dissolution", and a name's
    initials, "Democratic National Convention" said as "DNC")."""
    aliases: dict[str, set[str]] = {}
    for word in _WORD.findall(question) if forms else ():
        stems = terms(word).stems
        derived = terms(" ".join(derived_forms(word)).replace("_", " ")).stems
        for stem in stems if len(stems) == 1 else ():
            # "dissolut" for "dissolv"; forms sharing the stem match without it
            if others := {d for d in derived if not covers(stem, frozenset({d}))}:
                aliases.setdefault(stem, set()).update(others)
    for m in _NAME.finditer(question) if seats else ():
        countries = [c for c in seat_of(m.group(1)) if member("country", c)]
        for stem in terms(m.group(1)).stems if countries else ():
            names = [c for country in countries for c in (country, *peoples_of(country))]  # Warsaw: Polish
            aliases.setdefault(stem, set()).update(*(terms(c).stems for c in names))
    for m in _IDIOM.finditer(question):
        office = terms(_IDIOMS[m.group(1).lower()]).stems
        for stem in terms(m.group(1)).stems:
            aliases.setdefault(stem, set()).update(office)
    for stem in terms(question).stems & DESCRIBING_STEMS:
        aliases.setdefault(stem, set()).update(DESCRIBING_STEMS)
    for name in _LONG_NAME.findall(question) if forms else ():  # "the DNC": Democratic National Convention
        initials = "".join(w[0] for w in name.split() if w[0].isupper()).lower()
        for stem in terms(name).stems:
            aliases.setdefault(stem, set()).add(initials)
    return {stem: frozenset(said) for stem, said in aliases.items()}


def said_as(stems: frozenset[str], aliases: Mapping[str, frozenset[str]] | None) -> frozenset[str]:
    """A word's stems with the question's stems it says otherwise ("dissolution" says "dissolved")."""
    if not aliases:
        return stems
    return stems | {q for q, others in aliases.items() if any(covers(o, stems) for o in others)}


def offices(docs: Iterable[Any]) -> dict[str, frozenset[str]]:
    """Surname stem -> the stems of the office and nationality the passages introduce the person with:
    "Armenian Foreign Minister Ararat Mirzoyan", "Alexey Chepa, First Deputy Chairman of ...", and "his
    Russian counterpart Sergey Lavrov" (a counterpart holds the office of the one before, with his own
    nationality)."""
    found: dict[str, set[str]] = {}
    for doc in docs:
        for sent in doc.sents:
            before: frozenset[str] = frozenset()  # the office of the last person named in the sentence
            for e in sent.ents:
                if e.label_ != "PERSON":
                    continue
                title = _title_words(doc, e)
                words = {t.lower_ for t in title}
                stems = set(terms(" ".join(t.text for t in title)).stems)
                if words & _COUNTERPART:
                    stems |= before
                    stems -= terms(" ".join(words & _COUNTERPART)).stems
                surname = terms(e[-1].text).stems
                if stems and len(surname) == 1:
                    found.setdefault(min(surname), set()).update(stems)
                if stems:
                    nationality = {s for t in title if t.ent_type_ == "NORP" for s in terms(t.text).stems}
                    before = frozenset(stems - nationality)
    return {name: frozenset(stems) for name, stems in found.items()}


def _title_words(doc: Any, e: Any) -> list[Any]:
    """The words before a name that give the person's office ("Armenian Foreign Minister"), or its apposition
    ("Alexey Chepa, First Deputy Chairman of the Committee")."""
    words: list[Any] = []
    i = e.start - 1
    while i >= 0 and doc[i].dep_ in ("compound", "amod", "nmod"):
        if not (e.start <= doc[i].head.i < e.end or any(doc[i].head.i == w.i for w in words)):
            break
        words.append(doc[i])
        i -= 1
    if not words and i >= 0 and doc[i].lower_ in _COUNTERPART:  # "his Russian counterpart Sergey Lavrov"
        words = [doc[i], *(c for c in doc[i].children if c.dep_ in ("amod", "compound"))]
    for c in e.root.children:
        if c.dep_ == "appos" and c.i >= e.end:
            words += [t for t in c.subtree if t.i - c.i < 12 and not t.is_punct]
    return words


def said_otherwise(
    aliases: Mapping[str, frozenset[str]],
    question: str,
    known: Mapping[str, frozenset[str]],
    sentences: Sequence[tuple[int, Any]],
    stems: Sequence[frozenset[str]],
    pronouns: Sequence[Mapping[int, str]],
) -> list[frozenset[str]]:
    """Each sentence's stems, with the names its pronouns stand for, the offices of the people it names
    (`known`: the passages' `offices`), the question's words it says in other words (`aliases`:
    `question_aliases`) and those it writes otherwise (`written_otherwise`)."""
    asked = question_words(question)
    speaking = asked.terms.stems & SPEAKING  # "told" is a stop word of attribution: found by lemma
    out = []
    for (i, sent), st in zip(sentences, stems, strict=True):
        named = st | terms(names_in(sent, pronouns[i])).stems  # "He argued" names Aliyev
        named |= written_otherwise(asked, sent, st)  # "air bag" for "airbag", 115,000 for 114,000
        pool = named.union(*(known[n] for n in named if n in known))
        if speaking and any(terms(t.lemma_).stems & SPEAKING for t in sent):
            pool |= speaking
        out.append(said_as(pool, aliases))
    return out
