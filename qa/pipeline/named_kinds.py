"""Things named with their kind: "the Line Fire" is a fire called Line, "the 2024 Booker Prize" a prize
called Booker, "Hurricane Milton" a hurricane called Milton. A sentence that names another of the kind
("the Borel Fire", "the Pulitzer Prize") and not the one a question names tells of something else, however
many of the question's other words it holds; the reader takes it as a cue (`cues.py`). And a name the
question names, told by its kind ("the social media platform Discord") or by what it is ("the leading
candidate, Claudia Sheinbaum"), is the question's thing.

Hand-written: spaCy's parse gives the compound names, WordNet says which word of one is a common noun (its
kind), and no library here compares the two.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from qa.pipeline.nlp import appositions, clause_verb, parse
from qa.pipeline.support import name_key, terms
from qa.pipeline.wordnet import first_names_people, is_common_noun

# Kinds that a name's place or office stands in, not the thing itself: "San Bernardino County" officials may
# speak of a fire, "President Biden" of anything (the office cue reads titles); and days, which go by other
# names ("Turkey Day" is Thanksgiving Day).
_NOT_KINDS = frozenset(
    "county city state district province region island street avenue road university college school "
    "department ministry office agency committee council court house senate party company group news "
    "times post journal today network day week month year night eve season weekend".split()
)


def named_kinds(doc: Any, start: int = 0, end: int | None = None) -> list[tuple[str, str, Any]]:
    """The things of a kind a span of a parsed text names: (kind, name as `name_key` writes it, the kind's
    token), ("fire", "line", Fire) for "the Line Fire"."""
    found = []
    for t in doc[start:end]:
        if t.pos_ != "PROPN" or not t.text[:1].isupper() or not _a_kind(t.lower_):
            continue
        # the kind after its name ("the Line Fire": Line is Fire's compound), or before ("Hurricane Milton")
        names = [c for c in t.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < t.i]
        if not names and t.dep_ == "compound" and t.head.pos_ == "PROPN" and not _a_kind(t.head.lower_):
            names = [t.head]
        if names and (name := name_key(" ".join(n.text for n in names))):
            found.append((t.lemma_.lower(), name, t))
    return found


@lru_cache(maxsize=512)
def question_kinds(question: str) -> dict[str, frozenset[str]]:
    """The kinds a question names, with their names ("Where is the Line Fire?": {"fire": {"line"}})."""
    kinds: dict[str, set[str]] = {}
    for kind, name, _ in named_kinds(parse([question])[0]):
        kinds.setdefault(kind, set()).add(name)
    return {kind: frozenset(names) for kind, names in kinds.items()}


def names_another(question: str, sent: Any, asked_head: str, mention: Any) -> bool:
    """Whether the clause of a mention (its root token) names another thing of a kind the question names,
    and the sentence not the question's own: "the Borel Fire burned ... across Kern County" for "Which
    county is the Line Fire burning in?". Not when the question asks for a thing of that kind ("Which fire
    ...?"), nor for another named in a clause of its own ("X, who founded the White Horse Winery, bought
    the site")."""
    wanted = question_kinds(question)
    if not wanted:
        return False
    said = f" {name_key(sent.text)} "
    for kind, name, token in named_kinds(sent.doc, sent.start, sent.end):
        own = wanted.get(kind)
        if (
            own
            and kind != asked_head
            and name not in own
            and not any(f" {n} " in said for n in own)
            and clause_verb(token).i == clause_verb(mention).i
        ):
            return True
    return False


def names_the_named(span: Any, question_stems: frozenset[str]) -> bool:
    """Whether a span is a name the question names, told by its kind in common words ("the social media
    platform Discord" for a question on a Discord server): the question's thing, no answer to it."""
    root = span.root
    stems = terms(root.text).stems
    return (
        root.pos_ == "PROPN"
        and bool(stems)
        and stems <= question_stems
        and all(t.i == root.i or not t.text[:1].isupper() for t in span)
    )


def describes_the_named(span: Any, question_stems: frozenset[str]) -> bool:
    """Whether a common noun phrase is said of a name the question names, beside it ("The leading candidate of
    the reigning party, Claudia Sheinbaum" for a question on Sheinbaum's challenger): the question's one."""
    root = span.root
    return root.pos_ == "NOUN" and any(
        t.pos_ == "PROPN" and (stems := terms(t.text).stems) and stems <= question_stems
        for t in appositions(root)
    )


@lru_cache(maxsize=4096)
def _a_kind(word: str) -> bool:
    """Whether a capitalised word is a common noun's, of no person or place: "Fire", "Prize", "Hurricane"."""
    return word not in _NOT_KINDS and is_common_noun(word) and not first_names_people(word)
