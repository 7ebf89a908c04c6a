"""Signs that a sentence does not state the asked fact of a mention: a demand or a modal, another time,
another country, another actor, another office, another thing of a kind the question names, the figure a
change starts from, or only a report of what someone else did."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from qa.pipeline.actors import agent_acts, only_reports
from qa.pipeline.candidates import Mention
from qa.pipeline.gazetteer import country_of_people
from qa.pipeline.named_kinds import names_another
from qa.pipeline.nlp import appositions, clause_verb
from qa.pipeline.pronouns import names_in
from qa.pipeline.question_facts import FUTURE, MODALS, PAST, Question
from qa.pipeline.support import covers, terms

_DEMANDS = set(
    "urge demand call propose suggest want ask plan intend hope seek threaten vow consider recommend insist "
    "push expect aim".split()
)
_DEMAND_STEMS = terms(" ".join(_DEMANDS)).stems
# The figure a change starts from: "131,000 people cast ballots, up from roughly 71,000 in 2018" states an
# earlier count, not the one asked, unless the question asks what it was before.
_FROM_FIGURE = re.compile(
    r"(?:\b(?:up|down|rising|rose|falling|fell|increased?|decreased?|jump(?:ed|ing)?|climb(?:ed|ing)?|"
    r"drop(?:ped|ping)?|grew|growing|declined?|declining|dipped|slipped|surged?|soared?) from|"
    r"\bcompared (?:with|to)|\bversus|\bvs\.?)\s+"
    r"(?:(?:about|roughly|around|nearly|almost|some|just|more than|less than|fewer than|over|under)\s+)?$",
    re.IGNORECASE,
)
_ASKS_EARLIER = re.compile(
    r"\b(?:from|before|previous(?:ly)?|earlier|prior|compared|last year|a year (?:ago|earlier)|used to)\b",
    re.IGNORECASE,
)
_FIGURES = frozenset({"NUMBER", "MONEY", "PERCENT"})
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def cues(
    m: Mention, doc: Any, sent: Any, q: Question, root: Any, pronouns: Mapping[int, str], asked: Sequence[Any]
) -> dict[str, float]:
    """Signs that the sentence does not state the asked fact: a demand, another time, another country
    (`asked`: the sentence's tokens of the question's main verb)."""
    verb = clause_verb(root, steps=5)
    text = sent.text
    # The asked verb only under a modal ("those who hung the posters must be punished") states no one did it
    found = {
        "modal": float(
            not q.modal and (is_modal(verb, q.stems) or (bool(asked) and all(is_modal(t) for t in asked)))
        ),
        "time": float(
            (q.past and bool(FUTURE.search(text)) and not PAST.search(text))
            or (q.future and bool(PAST.search(text)) and not FUTURE.search(text))
        ),
        "place": 0.0,
    }
    # "What did Orbán say?" is not answered by what Aliyev said beside him
    found["agent"] = float(not agent_acts(q.agent, sent, names_in(sent, pronouns)))
    # "the Borel Fire" for "the Line Fire": another thing of the kind the question names
    found["another"] = float(names_another(q.text, sent, q.asked.head, root))
    if q.asked.kind in _FIGURES and not _ASKS_EARLIER.search(q.text):
        found["earlier"] = float(_from_figure(m, doc, sent, q.text))
    # who did the asked thing, not who told of it; where the sentence lacks the asked verb, a demand is what
    # the quoted words do ("“They must be punished,” Varga said" for "Who demanded ...?")
    if q.asked.kind == "PERSON" and q.verbs and (asked or not q.verbs & _DEMAND_STEMS):
        found["speaker"] = float(
            only_reports(root, asked, q.verbs | q.stems, q.text) and not _cast_as(root, q)
        )
    if q.places:
        # "Hungarian Prime Minister Orbán" does not answer "Armenia's prime minister": a country before the
        # name in its own phrase, at most a title between ("... Orbán in Budapest": not Budapest's); a place
        # inside a name of the asked kind is part of the name ("the San Francisco-Oakland Bay Bridge")
        heads = terms(q.asked.head).stems if q.asked.head else frozenset()
        named_so = any(covers(h, terms(doc[m.end - 1].text).stems) for h in heads)
        near = [
            e
            for e in doc.ents
            if e.label_ in ("GPE", "NORP")
            and max(sent.start, m.start - 5) <= e.start < e.end <= root.i
            and all(t.pos_ in ("PROPN", "NOUN", "ADJ") for t in doc[e.end : m.start])
            and not (named_so and e.start >= m.start)
        ]
        same = any(
            any(covers(s, stems) for s in place) or any(covers(x, place) for x in stems)
            for stems in (terms(e.text).stems for e in near)
            for place in q.places
        )
        # a people names its country; a party or a faith ("Republican State Superintendent") none, though it
        # may be the question's own ("legendary Republican U.S. Sen. Barry Goldwater")
        placed = any(e.label_ == "GPE" or _a_people(e.text) for e in near)
        found["place"] = float(placed and not same)
    if q.title and m.label == "PERSON":
        # "Foreign Minister Mirzoyan" is not the "prime minister" asked for: the same office, another kind
        before = doc[max(sent.start, m.start - 4) : m.start]
        held = frozenset(s for t in before if t.pos_ in ("PROPN", "NOUN", "ADJ") for s in terms(t.text).stems)
        if (
            held
            and any(covers(h, held) for h in q.title.head)
            and not all(covers(w, held) for w in q.title.words)
        ):
            found["office"] = 1.0
    return found


def _from_figure(m: Mention, doc: Any, sent: Any, question: str) -> bool:
    """Whether the mention is the figure a change starts from, and not of a year the question names ("up
    from 71,000 in 2018" answers "How many ... in 2018?")."""
    if not _FROM_FIGURE.search(doc.text[sent.start_char : doc[m.start].idx]):
        return False
    after = doc[m.end : min(sent.end, m.end + 6)].text
    return not any(year in after for year in _YEAR.findall(question))


def is_modal(verb: Any, question_stems: frozenset[str] = frozenset()) -> bool:
    """The verb or its head chain carries modality the question lacks: must, should, urged to, called for."""

    def not_asked(word: str) -> bool:
        stems = terms(word).stems
        return not stems or not any(covers(s, stems) for s in question_stems)

    v = verb
    for _ in range(3):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in MODALS for c in v.children):
            return True
        if v is not verb and v.lemma_.lower() in _DEMANDS and not_asked(v.lemma_):
            return True
        if v.dep_ not in ("xcomp", "ccomp"):  # only a complement ("urged them to act") takes its head's mood
            break
        v = v.head
    return False


def _a_people(text: str) -> bool:
    """Whether a NORP is a country's people ("Hungarian", "American"), not a party or a faith."""
    return bool(country_of_people(text)) or text.lower().rstrip("s") == "american"


def _cast_as(root: Any, q: Question) -> bool:
    """Whether a name is said, in apposition, to be what the question's verb asks, with more of its words:
    "Sir Graham Brady, chairman of the 1922 Committee, announced ..." for "Who chairs the 1922 Committee?".
    The one announcing is then also the one asked for."""
    said = frozenset().union(*(terms(" ".join(t.text for t in a.subtree)).stems for a in appositions(root)))
    return any(covers(v, said) for v in q.verbs) and any(covers(s, said) for s in q.stems - q.verbs)
