"""What the reader needs of a question: its type, words, qualifiers, main verb and subject, and its tense.

Each is read off the question's own spaCy parse once, before any passage is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from qa.pipeline.actors import PERSON_VERBS
from qa.pipeline.answer_heads import COUNTS
from qa.pipeline.answer_types import AnswerType
from qa.pipeline.nlp import identified_with
from qa.pipeline.pronouns import name_of
from qa.pipeline.quiz_sentences import asked_part
from qa.pipeline.support import CORPORATE, covers, terms, word_stems
from qa.pipeline.wordnet import is_verb, seat_of

MODALS = set("must should could would may might ought shall".split())
_COUNT_STEMS = terms(" ".join(COUNTS)).stems  # "two" is the stem "2", "both" its own
_ASKS_PAST = re.compile(r"\b(previous|previously|earlier|last|past|former|prior|first)\b", re.IGNORECASE)
FUTURE = re.compile(
    r"\b(upcoming|next|future|will|planned|plans?|preparations?|scheduled|forthcoming|to be held)\b",
    re.IGNORECASE,
)
PAST = re.compile(r"\b(previous(?:ly)?|earlier|past|former|prior|last|(?:was|were) held|took place)\b", re.I)

# Words that say when the question is asked, not what it asks ("recently", "this week": the as-of date limits
# the search), and "take place" ("faced off in New York City" states where the debate took place).
_WHEN_ASKED = re.compile(
    r"\b(recently|currently|nowadays|today|this (?:past )?(?:week|weekend|month|year)|"
    r"(?:last|past) (?:week|weekend|month)|(?:take|takes|took|taken|taking) place)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Question:
    """What the reader needs of the question, computed once."""

    text: str
    asked: AnswerType
    stems: frozenset[str]
    places: tuple[frozenset[str], ...]  # stems of each GPE/NORP the question names ("Armenia's")
    verbs: frozenset[str]  # stems of the question's verbs
    predicate: frozenset[str]  # forms of the question's main verb ("realised": realiz, unrealiz, ...)
    subject: Subject  # what the question is about ("the previous 3+3 ministerial meetings")
    agent: frozenset[str]  # stems of the named one who acts: "What did Viktor Orbán say?" -> viktor, orban
    title: Office | None  # the office a who-question asks after ("prime minister"), if it names one
    modal: bool
    past: bool  # asks about the past ("previous", "last") and not the future
    future: bool
    preposition: str = ""  # the one the asked phrase hangs on: "near" in "Near which building ...?"
    actor: frozenset[str] = frozenset()  # stems of the subject of its verb, whoever: "Moscow's top diplomat"
    possessed: frozenset[str] = frozenset()  # "Which country's president": the answer's president
    # words outside the asked phrase ("Which lawmaker in Moscow"): "the Kremlin leader" names someone else
    elsewhere: frozenset[str] = frozenset()
    # what the asked one is said to be: "face" in "Who is the face of ...?", "maker" in "Which company is the
    # largest maker of ...?"
    identity: frozenset[str] = frozenset()


def question(text: str, asked: AnswerType, doc: Any) -> Question:
    """The Question of a text, from its spaCy doc."""
    verbs: set[str] = set()
    for t in doc:
        if t.pos_ == "VERB" and t.lemma_.lower() not in ("do", "be", "have", "say", "take", "make", "get"):
            verbs |= word_stems(t)
    if (last := _verb_tagged_noun(doc)) is not None:
        verbs |= word_stems(last)
    # the tense of what is asked, not of a lead-in ("McConnell will step down next month. Which group hosted
    # the forum where he spoke?" asks of the past); `start`: where the asked sentence starts
    part = asked_part(text)
    start, low = max(0, text.rfind(part)), part.lower()
    roots = [t for t in doc if t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX")]
    # "Were the activists punished?": the auxiliary is the root, the last verb outside a relative clause
    # the predicate (the parser often hangs the participle on the wrong word)
    if roots and roots[0].pos_ == "AUX":
        roots = [t for t in doc if t.pos_ == "VERB" and t.dep_ != "relcl"][-1:] or roots
    predicate = {f for t in roots for w in (t.text, t.lemma_) for f in predicate_forms(w)}
    return Question(
        text=text,
        asked=asked,
        # "which two cities": the count says how many answers, not a word their sentences hold
        stems=terms(_WHEN_ASKED.sub(" ", text)).stems - (_COUNT_STEMS if asked.count else frozenset()),
        places=tuple(terms(p).stems for p in _qualifiers(doc)),
        verbs=frozenset(verbs),
        predicate=frozenset(predicate),
        subject=_subject(doc, asked.head, start),
        agent=_agent(doc, start),
        title=_office(doc) if asked.kind == "PERSON" else None,
        modal=any(t.lower_ in MODALS for t in doc),
        past=bool(_ASKS_PAST.search(low)) and not FUTURE.search(low),
        future=bool(FUTURE.search(low)),
        preposition=_asked_preposition(doc),
        actor=_actor(doc),
        possessed=_possessed(doc),
        elsewhere=_elsewhere(doc),
        identity=_identity(doc, start),
    )


def _identity(doc: Any, start: int) -> frozenset[str]:
    """Stems of the noun the asked sentence's wh-word (or its noun: "which company") is said to be, across a
    copula."""
    for t in doc:
        if t.idx >= start and t.lower_ in ("who", "what", "which"):
            asked = t.head if t.dep_ == "det" else t
            return frozenset(s for w in identified_with(asked) if w.pos_ == "NOUN" for s in word_stems(w))
    return frozenset()


def _verb_tagged_noun(doc: Any) -> Any | None:
    """The question's last word when it is a verb the small tagger calls a noun: "hinder" in "What did
    Aliyev say territorial claims hinder?" (a bare word after a noun, which WordNet knows as a verb)."""
    words = [t for t in doc if not t.is_punct]
    if len(words) < 3:
        return None
    last, before = words[-1], words[-2]
    bare = not any(c.dep_ in ("det", "poss", "nummod") for c in last.children)
    if last.pos_ == "NOUN" and before.pos_ in ("NOUN", "PROPN") and bare and is_verb(last.lemma_):
        return last
    return None


def _asked_preposition(doc: Any) -> str:
    """The preposition of "near which building", "from what country" ("" when the asked phrase has none).

    Read from the words, not the parse: the small parser attaches a fronted preposition to the verb."""
    for t in doc:
        if t.lower_ in ("which", "what", "whom", "whose"):
            before = doc[t.i - 1] if t.i > 0 else None
            if before is not None and before.pos_ == "ADP" and before.lower_ != "of":
                return before.lower_
            return ""
    return ""


_WH_WORDS = set("who whom whose what which where when why how".split())


@dataclass(frozen=True)
class Subject:
    """What a question is about: its head noun, and the names it gives it."""

    head: frozenset[str]
    names: frozenset[str]

    def named_in(self, stems: frozenset[str]) -> bool:
        """Whether text with these stems speaks of it: its head noun, or every one of its names."""
        if not self.head:
            return True
        return any(covers(s, stems) for s in self.head) or (
            bool(self.names) and all(covers(s, stems) for s in self.names)
        )


@dataclass(frozen=True)
class Office:
    """An office a question names: its head word ("minister") and all its words ("prime minister")."""

    head: frozenset[str]
    words: frozenset[str]


def _office(doc: Any) -> Office | None:
    """The office in "Who is Armenia's prime minister?" or "Which Hungarian prime minister ...?"."""
    for t in doc:
        if _common(t, ("NOUN",)) and t.dep_ in ("attr", "nsubj", "ROOT"):
            modifiers = [
                c for c in t.children if c.dep_ in ("amod", "compound") and _common(c, ("ADJ", "NOUN"))
            ]
            if modifiers:
                return Office(terms(t.text).stems, terms(" ".join(c.text for c in [*modifiers, t])).stems)
    return None


def _common(t: Any, pos: tuple[str, ...]) -> bool:
    """A word of one of these parts of speech, or a capitalised office ("Prime Minister") the tagger calls a
    proper noun but no named entity."""
    return t.pos_ in pos or (t.pos_ == "PROPN" and not t.ent_type_)


def _subject(doc: Any, asked_head: str, start: int = 0) -> Subject:
    """Stems of the head noun the question is about (`_topic`); after a lead-in (the asked sentence from
    character `start`), none if the asked sentence has no subject ("Trump nominated Craft ... Which town is
    Craft a native of?" is not about Trump), either if it has one, the lead-in's if it is a "he"."""
    whole, asked = _topic(list(doc), asked_head), [t for t in doc if t.idx >= start]
    own = next((t for t in asked if t.dep_ in ("nsubj", "nsubjpass")), None)
    if not start or (own is not None and own.pos_ == "PRON" and own.lower_ not in _WH_WORDS):
        return whole
    mine = _topic(asked, asked_head)
    return Subject(mine.head | whole.head, mine.names or whole.names) if mine.head else mine


def _topic(tokens: list[Any], asked_head: str) -> Subject:
    """The tokens' subject, or what a wh-subject is said to be; never the asked noun ("which territory")."""

    def topic(t: Any) -> bool:
        asked = t.lemma_.lower() == asked_head or any(c.lower_ in _WH_WORDS for c in t.children)
        return t.lower_ not in _WH_WORDS and t.pos_ in ("NOUN", "PROPN") and not asked

    # Only a grammatical subject: "Which country sent soldiers to Russia?" is not about Russia.
    for dep in ("nsubj", "nsubjpass"):
        heads = [t for t in tokens if t.dep_ == dep and topic(t)]
        # and the names it is given by: "the abbreviation CSTO", "the Russia-Armenia Interregional Forum"
        names = [
            c for t in heads for c in t.children if c.dep_ in ("compound", "appos") and c.pos_ == "PROPN"
        ]
        if heads:
            return Subject(
                terms(" ".join(t.text for t in heads)).stems, terms(" ".join(n.text for n in names)).stems
            )
    return Subject(frozenset(), frozenset())


def _agent(doc: Any, start: int = 0) -> frozenset[str]:
    """The person the question says acts: the proper-noun subject of its verb, tagged a PERSON, with its
    compound words ("Vladimir Putin"). Not a document or a body: "the Prague Declaration referred to".

    After a lead-in (the asked sentence from character `start`), the asked sentence's own subject decides:
    "President Biden toured IBM's site ... How much is IBM investing?" and "Liz Cheney lost her primary. Who
    defeated her?" name no one who acts in what is asked; a "he" there stands for the lead-in's actor.
    """
    people = {t.i for e in doc.ents if e.label_ == "PERSON" for t in e}

    def named(t: Any) -> bool:
        # the small tagger often leaves a lone surname untagged ("What did Orbán say ...?"): an untagged
        # name that says something is someone
        someone = t.i in people or (not t.ent_type_ and t.head.lemma_ in PERSON_VERBS)
        # a capital that acts is its government ("Yerevan announced"), however the tagger labels it
        someone = someone and not seat_of(name_of(t))
        return t.dep_ == "nsubj" and t.pos_ == "PROPN" and t.head.pos_ == "VERB" and someone

    subjects = (t for t in doc if t.idx >= start and t.dep_ in ("nsubj", "nsubjpass"))
    own = next(subjects, None) if start else None
    # a "he" the asked sentence acts on ("When is he to be sentenced?") is no actor, as a name there is none
    if own is not None and (own.pos_ != "PRON" or own.lower_ in _WH_WORDS or own.dep_ == "nsubjpass"):
        return terms(name_of(own)).stems if named(own) else frozenset()
    return next((terms(name_of(t)).stems for t in doc if named(t)), frozenset())


def _actor(doc: Any) -> frozenset[str]:
    """Stems of the first subject of a verb that is no wh-word or pronoun, with its words ("Moscow's top
    diplomat")."""
    for t in doc:
        if t.dep_ == "nsubj" and t.pos_ != "PRON" and t.lower_ not in _WH_WORDS and t.head.pos_ == "VERB":
            return terms(" ".join(w.text for w in t.subtree if w.lower_ not in _WH_WORDS)).stems
    return frozenset()


def _elsewhere(doc: Any) -> frozenset[str]:
    """Stems of the words outside the "which X ..." phrase; none for a question without one."""
    for t in doc:
        if t.lower_ in ("which", "what") and t.dep_ == "det":
            asked = {w.i for w in t.head.subtree}
            return terms(" ".join(w.text for w in doc if w.i not in asked)).stems
    return frozenset()


def _possessed(doc: Any) -> frozenset[str]:
    """Stems of what "which country's" or "whose" owns: "president" in "Which country's president ...?" or
    "... president of which country?"."""
    for t in doc:
        if t.dep_ == "poss" and (t.lower_ == "whose" or any(c.lower_ in _WH_WORDS for c in t.children)):
            return terms(t.head.text).stems
        of = t.head
        if (
            t.dep_ == "pobj"
            and of.lower_ == "of"
            and of.head.pos_ == "NOUN"
            and any(c.lower_ in _WH_WORDS for c in t.children)
        ):
            return terms(of.head.text).stems
    return frozenset()


_NEGATING_PREFIX = re.compile(r"^(un|in|im|non|dis)(?=[a-z]{4})")


@lru_cache(maxsize=1 << 14)
def predicate_forms(word: str) -> frozenset[str]:
    """Stems a verb may take in a sentence: British and American spelling, with or without a negating
    prefix ("realised" ~ "unrealized")."""
    w = word.lower().replace("ise", "ize").replace("isa", "iza")
    bare = _NEGATING_PREFIX.sub("", w)
    return frozenset(s for form in {w, bare} for s in terms(form).stems)


def _qualifiers(doc: Any) -> list[str]:
    """The places and peoples a question qualifies its subject by: its GPE/NORP/LOC entities, and the proper
    noun of a possessive ("Armenia's prime minister"), which the small tagger often calls an ORG."""
    found = [e.text for e in doc.ents if e.label_ in ("GPE", "NORP", "LOC")]
    owners = [t for t in doc if t.tag_ == "NNP" and t.i + 1 < len(doc) and doc[t.i + 1].tag_ == "POS"]
    found += [t.text for t in owners if not terms(t.text).stems <= CORPORATE]  # not "Nails Inc.'s"
    return list(dict.fromkeys(found))
