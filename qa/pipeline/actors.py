"""Who acts in a sentence, and whether it is the one the question names: "What did Orbán say ...?" is not
answered by what Aliyev said, though the sentence names Orbán."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from qa.pipeline.paraphrases import offices
from qa.pipeline.pronouns import name_of
from qa.pipeline.quiz_sentences import asked_part
from qa.pipeline.support import covers, terms


def agent_acts(agent: frozenset[str], sent: Any, pronoun_names: str = "") -> bool:
    """Whether the one the question says acts is an actor of the sentence: the subject of one of its verbs
    (a "he" standing for them counts), the "by" of a passive, a possessive, or whom it is "according to".

    "What did Orbán say at the press conference with Aliyev?" is not answered by what Aliyev said there,
    though the sentence names Orbán.
    """
    return not agent or any(covers(a, actors_of(sent, pronoun_names)) for a in agent)


def actors_of(sent: Any, pronoun_names: str = "") -> frozenset[str]:
    """Stems of the sentence's actors: its subjects, the "by" of a passive, possessives, "according to"."""
    actors = set(terms(pronoun_names).stems)
    for t in sent:
        if t.dep_ == "nsubj":  # the whole subject: "Mirzoyan and his Russian counterpart Sergey Lavrov"
            actors |= terms(" ".join(w.text for w in t.subtree)).stems
        elif (
            t.dep_ == "poss"
            or (t.dep_ == "pobj" and t.head.dep_ == "agent")
            or (t.dep_ == "pobj" and t.head.head.lower_ == "according")
        ):
            actors |= terms(name_of(t)).stems
    return frozenset(actors)


def acts_as(
    actor: frozenset[str],
    sent: Any,
    pronoun_names: str,
    known: Mapping[str, frozenset[str]],
    idioms: Mapping[str, frozenset[str]],
) -> bool:
    """Whether the sentence's actors are the one the question names, by name or by office ("Moscow's top
    diplomat": Lavrov, a foreign minister; `idioms`: `question_aliases` without capitals). Not by country
    alone: a Russian deputy is not "the Kremlin"."""
    actors = actors_of(sent, pronoun_names)
    return _says_any(actor, actors.union(*(known[a] for a in actors if a in known)), idioms)


def named_by_office(
    name: str,
    words: frozenset[str],
    known: Mapping[str, frozenset[str]],
    idioms: Mapping[str, frozenset[str]],
) -> bool:
    """Whether a person is one the question names by office outside what it asks ("the Kremlin leader" is
    Putin, introduced as Russia's president; `words`: the question's stems outside the asked phrase, without
    its names, so a country alone names no one; `idioms`: `question_aliases` without capitals)."""
    pool = frozenset().union(*(known[s] for s in terms(name).stems if s in known))
    return bool(pool) and _says_any(words, pool, idioms)


def office_words(elsewhere: frozenset[str], question: str, doc: Any) -> frozenset[str]:
    """The question's words outside what it asks that may name someone by office ("the Kremlin leader"): not
    its names, nor an office it gives a person it names ("nominate Kelly Craft, the US ambassador to Canada,
    ..." names no other ambassador), nor what it says the asked one is ("Which Democrat became the first
    openly gay Texan elected to the House?" describes the answer). `doc`: the question's spaCy doc."""
    given = frozenset().union(*offices([doc]).values())
    return elsewhere - terms(question).names - given - _said_of_the_asked(doc)


def _said_of_the_asked(doc: Any) -> frozenset[str]:
    """Stems of what a question says its asked one is or became: the complement of a verb whose subject is
    the "which X" phrase ("Which company was named the official sponsor ...?")."""
    found: set[str] = set()
    for t in doc:
        if t.dep_ not in ("attr", "oprd", "acomp"):
            continue
        subjects = [c for c in t.head.children if c.dep_ in ("nsubj", "nsubjpass")]
        if any(c.dep_ == "det" and c.lower_ in ("which", "what") for s in subjects for c in s.children):
            found |= terms(" ".join(w.text for w in t.subtree)).stems
    return frozenset(found)


def _says_any(words: frozenset[str], pool: frozenset[str], idioms: Mapping[str, frozenset[str]]) -> bool:
    """Whether the pool holds one of the words, as written or in one of its idioms ("top diplomat": a
    foreign minister)."""
    return any(covers(w, pool) or any(covers(o, pool) for o in idioms.get(w, ())) for w in words)


# Verbs that report what someone else did; the reporter is not the doer ("Lavrov said Russia had proposed").
SAYING = frozenset(
    "say claim state note add announce confirm report reveal disclose argue remark insist stress emphasize "
    "explain assert contend acknowledge reiterate tell point".split()
)
SAYING_STEMS = terms(" ".join(SAYING)).stems
# "Who said ...?" asks someone's words; "Who is the union's president?" who holds an office, whatever the
# holder is reported saying ("the union's president Harold Daggett said ...")
_ASKS_WORDS = re.compile(
    r"\b(?:say|says|said|tell|tells|told)\b|^\s*who(?:\s+is|\s+was|['’]s)\b", re.IGNORECASE
)
# What only a speaker does, for telling a person from a thing: the verbs of saying and of speaking to or of
# someone ("Orbán urged", "Chepa called it a provocation").
PERSON_VERBS = SAYING | frozenset("describe call urge warn".split())


def only_reports(root: Any, asked: Sequence[Any], question_words: frozenset[str], question: str = "") -> bool:
    """Whether a name is only the one reporting what the question asks ("Lavrov said ... the Armenian
    government rejected the offer" for "Who rejected it?"): the subject of a verb of saying that is not the
    question's own verb (`asked`: the sentence's tokens of it), when the question asks no one's words
    (its stems, or its text: "say" and "tell" are stop words, which no stem holds) nor who someone is."""
    head = root.head
    return (
        root.dep_ == "nsubj"
        and head.lemma_.lower() in SAYING
        and all(t.i != head.i for t in asked)
        and not question_words & SAYING_STEMS
        and not _ASKS_WORDS.search(asked_part(question))  # not a lead-in's "Lavrov said ... . Who ...?"
    )
