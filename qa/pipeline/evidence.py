"""How well a mention answers the question: its sentence's match, its attachment to the question's words, its
type, and cues that the sentence does not state what was asked (a demand, another time, another country:
cues.py).

Hand-set, not learned: a logistic regression over the same features, cross-validated on the RealTime QA dev
weeks, was no better there and much worse on the seed set (docs/ablation.md). The weights in W were each set
once on both dev sets and are the reader's tuned parameters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from index.dates import WEEKDAY_PATTERN
from qa.pipeline.actors import SAYING
from qa.pipeline.answer_heads import label_fits
from qa.pipeline.candidates import Mention, close_to, words_of
from qa.pipeline.cues import cues
from qa.pipeline.nlp import appositions, governor, identified_with, slot_of, tree_distance
from qa.pipeline.paraphrases import SPEAKING, said_as
from qa.pipeline.question_facts import Question, predicate_forms
from qa.pipeline.support import CORPORATE, covers, terms, word_stems

W = {"cos": 0.5, "passage": 0.3, "attach0": 0.3, "governor": 0.8, "type0": 0.25, "named": 0.7, "cue": 0.6,
     "cue_support": 0.9, "head_near": 0.3, "list": 1.3, "about0": 0.3, "lead_in": 0.4}  # fmt: skip
_WEEKDAY = re.compile(rf"^(?:(?:last|this|next|on)\s+)?(?:{WEEKDAY_PATTERN})$", re.I)
_LOCATIVE = frozenset({"in", "at", "on"})
_SCALE = terms("hundred thousand million billion trillion percent dollars").stems


@dataclass
class Features:
    """A mention's features; `score` is the hand-set combination of them."""

    sentence: float = 0.0  # weighted share of the question's words in the mention's sentence
    context: float = 0.0  # the same, the sentence before counting half (pronoun subjects)
    cosine: float = 0.0  # embedding similarity of question and sentence
    passage: float = 0.0  # weighted share of the question's words in the passage and its title
    nearness: float = 0.0  # how close the question's words stand to the mention
    tree: float = 0.0  # 1 / (1 + dependency distance to the nearest question word)
    governor: float = 0.0  # the word the mention hangs on is a question word
    head_near: float = 0.0  # the question's head noun ("state") stands beside the mention
    named: float = 0.0  # share of the mention's words the question already has
    type_fit: float = 0.0  # how well its label fits the asked type (over all mentions of the answer, later)
    about: float = 1.0  # the sentence (or the one before) names what the question is about
    does_asked: bool = False  # the subject of the question's own verb ("Azerbaijan had proposed the draft")
    cues: dict[str, float] = field(default_factory=dict)  # modal, time, place: 1 when the cue fires

    def attachment(self) -> float:
        """How firmly the mention is tied to the question's words in its sentence."""
        return max(self.nearness, self.tree, W["governor"] * self.governor)

    def penalty(self, weight: float = W["cue"]) -> float:
        """The product of the cue penalties."""
        return math.prod(1 - weight * v for v in self.cues.values())

    def score(self) -> float:
        """Sentence match x attachment x type fit, less what the question names, times the cue penalties."""
        s = self.sentence + W["cos"] * self.cosine + W["passage"] * self.passage
        s *= W["attach0"] + (1 - W["attach0"]) * self.attachment()
        s *= (W["type0"] + self.type_fit) * (1 - W["named"] * self.named)
        return s * self.penalty() * (1 + W["head_near"] * self.head_near)

    def support(self, strict_type: bool = False) -> float:
        """How well the sentence states an answer to the question at all: the refusal decides on this.

        A cue (a demand, another time, another country) all but rules the sentence out as a statement of the
        answer; for strictly typed questions (who, when, how many) a span of another type is no answer.
        """
        if strict_type and self.type_fit < 0.4:
            return 0.0
        fit = min(1.0, self.type_fit / 0.5)
        about = W["about0"] + (1 - W["about0"]) * self.about
        return self.context * self.penalty(W["cue_support"]) * fit * about * (0.3 + 0.7 * self.attachment())


def focus_weights(stems: frozenset[str], sentences: Sequence[frozenset[str]]) -> dict[str, float]:
    """Weight of each question word: words in few of the candidate sentences tell them apart (an IDF)."""
    n = len(sentences)
    return {t: math.log((n + 1) / (sum(1 for p in sentences if covers(t, p)) + 0.5)) + 0.1 for t in stems}


def overlap(weights: dict[str, float], pool: frozenset[str]) -> float:
    """Share of the question's weighted words found in a pool of stems."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if covers(t, pool)) / total if total else 0.0


def mention_features(
    m: Mention,
    doc: Any,
    sent: Any,
    q: Question,
    weights: dict[str, float],
    pronouns: Mapping[int, str] | None = None,
    aliases: Mapping[str, frozenset[str]] | None = None,
) -> Features:
    """The features of one mention except sentence, context, cosine and passage (set by the reader;
    `aliases`: the question's words said otherwise, `paraphrases.question_aliases`)."""
    span = doc[m.start : m.end]
    root = span.root
    matched = []
    for t in sent:
        if m.start <= t.i < m.end or t.is_stop or t.is_punct:
            continue
        st = said_as(terms(t.text).stems, aliases)
        hits = [weights.get(s, 0.0) for s in q.stems if covers(s, st)] if st else []
        if hits:
            matched.append((t, max(hits)))
    f = Features()
    total = sum(weights.values()) or 1.0
    if matched:
        f.nearness = (
            sum(w / (1 + min(abs(t.i - m.start), abs(t.i - (m.end - 1))) / 4) for t, w in matched) / total
        )
        f.tree = max(w / (1 + tree_distance(root, t)) for t, w in matched) / max(w for _, w in matched)
    gov = governor(root)
    if root.lemma_ == "anniversary":  # "the 30th anniversary of the establishment": the establishment's date
        of = [o for p in root.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
        gov = of[0] if of else gov
    gov_stems = word_stems(gov)
    f.governor = float(_asked_word(gov, m, q, aliases))
    if q.identity:  # "Who is the face of X?": "Alexa Chung is the face of Y" says she is; Y stands for X
        said_to_be = any(covers(s, word_stems(w)) for w in identified_with(root) for s in q.identity)
        of_it = root.dep_ == "pobj" and root.head.lower_ == "of" and bool(q.identity & word_stems(gov))
        f.governor = 1.0 if said_to_be else 0.0 if of_it else f.governor
    # "told NEWS.ru" for "Which outlet did he speak to?" (or "give his comments to")
    if (q.verbs | q.stems) & SPEAKING and gov_stems & SPEAKING:
        f.governor = 1.0
    if q.possessed:  # "Which country's president ...?": the word that qualifies a president, not Orbán
        chain: list[Any] = []
        t = root
        while t.dep_ in ("amod", "compound", "poss", "nmod") and t.head.i != t.i and len(chain) < 4:
            t = t.head
            chain.append(t)
        f.governor = float(any(covers(s, word_stems(w)) for w in chain for s in q.possessed))
    slot = slot_of(root)
    # the question's main verb where the sentence has it
    asked = [t for t in sent if q.predicate & predicate_forms(t.text)] if q.predicate else []
    # "in February" of "announced in February" is the date of the report, not of what the question asks;
    # nor is "in 1934" of "Detroit playing in 1934 and Dallas joining in 1966" the year Dallas joined: a
    # date hangs on the asked verb where its sentence has it, whatever its preposition
    other_verb = gov.lemma_ in SAYING or (bool(asked) and all(t.i != gov.i for t in asked))
    if q.preposition and slot == q.preposition and not (q.asked.kind == "DATE" and other_verb):
        f.governor = 1.0  # "near the Russian Embassy" for "Near which building ...?"
    heads = terms(q.asked.head).stems if q.asked.head else frozenset()
    if heads:
        window = doc[max(sent.start, m.start - 4) : min(sent.end, m.end + 4)]
        last = word_stems(doc[m.end - 1])
        # beside it, or the noun in apposition, which says what the name is ("ATACMS, U.S.-provided missiles")
        # or the noun it qualifies ("the “Crossroads of Peace” initiative"); a head noun only nearby ("the
        # initiative as a strategic vision") counts half
        linked = appositions(root) + ([root.head] if not m.start <= root.head.i < m.end else [])
        near = [t for t in window if not m.start <= t.i < m.end]
        if any(covers(h, last) for h in heads):
            f.head_near = 1.0  # the name ends in the head noun: "Kievyan Bridge" for "which bridge"
        elif any(covers(h, word_stems(t)) for t in linked for h in heads):
            f.head_near = 1.0
        elif any(covers(h, st) for st in [terms(span.text).stems, *map(word_stems, near)] for h in heads):
            f.head_near = 0.5  # the head noun inside the span, or only nearby
    said = terms(m.text)
    # a figure's scale is no name ("159 million" for a question that says "81 million"), nor a company's "Co."
    stems = said.stems - (_SCALE if said.numbers else CORPORATE)
    # what the question already names; not the asked noun itself ("Interregional Forum" for "which forum")
    named = q.stems - heads
    # of a quoted title, out of all its words: "Don't Fence Me In" is a quarter named by "fence project"
    whole = len(words_of(m.text)) if m.label == "QUOTE" else 0
    f.named = sum(1 for s in stems if close_to(s, named)) / max(len(stems), whole) if stems else 0.0
    f.type_fit = label_fits(q.asked.kind, q.asked.head).get(m.label, 0.0)
    # the subject of the question's main verb (or its "by" in the passive: "an offer rejected by the Armenian
    # government")
    by = root.dep_ == "pobj" and root.head.dep_ == "agent"
    verb = root.head.head if by else root.head
    f.does_asked = (by or root.dep_ in ("nsubj", "nsubjpass")) and any(verb.i == t.i for t in asked)
    f.cues = cues(m, doc, sent, q, root, pronouns or {}, asked)
    # "on Kievyan Bridge" where the sentence also has the asked preposition ("near the ..."): the other slot
    # (in, at and on say the same of a place)
    f.cues["preposition"] = float(
        bool(q.preposition and slot and slot != q.preposition)
        and not {slot, q.preposition} <= _LOCATIVE
        and any(t.lower_ == q.preposition and t.pos_ == "ADP" for t in sent)
    )
    if q.asked.kind == "DATE" and q.predicate:
        # "When was the mission deployed?" is not answered by the date of the attack the sentence also names:
        # the date hangs on another word than the question's while the asked verb stands elsewhere in it
        asked_here = any(not m.start <= t.i < m.end for t in asked)
        # ("the 1991 Alma-Ata Declaration" dates another declaration than the one the question names). A
        # date before a name dates the name, which the small model parses as the date's apposition ("the
        # October 6, 2022 Prague Declaration"); only for this cue, as the question may name two such things
        dated = _name_dated(doc, m, root)
        on, on_asked = (
            (dated, _asked_word(dated, m, q, aliases)) if dated is not None else (gov, bool(f.governor))
        )
        f.cues["event"] = float(on.pos_ in ("VERB", "NOUN", "PROPN") and not on_asked and asked_here)
    if q.asked.kind == "DATE" and q.asked.head == "date" and _WEEKDAY.match(m.text):
        f.cues["weekday"] = 1.0  # "On what date ...?" asks the calendar's date, not "Saturday" of some week
    return f


def _asked_word(gov: Any, m: Mention, q: Question, aliases: Mapping[str, frozenset[str]] | None) -> bool:
    """Whether the word a mention hangs on is one of the question's, and if a named thing, the one it names
    ("the 1991 Alma-Ata Declaration" is another declaration than the Prague one asked about)."""
    gov_stems = said_as(word_stems(gov), aliases)
    if not gov_stems or not any(covers(s, gov_stems) for s in q.stems):
        return False
    if gov.pos_ not in ("NOUN", "PROPN"):
        return True
    names = [
        c for c in gov.children if c.dep_ == "compound" and c.pos_ == "PROPN" and not m.start <= c.i < m.end
    ]
    return not names or any(covers(s, q.stems) for c in names for s in word_stems(c))


def _name_dated(doc: Any, m: Mention, root: Any) -> Any | None:
    """The name a date stands before in one noun phrase, which spaCy's small model often parses as the
    date's apposition ("the October 6, 2022 Prague Declaration"): the name's head, else None."""
    for c in root.children:
        if c.dep_ == "appos" and c.i >= m.end and all(t.pos_ == "PROPN" for t in doc[m.end : c.i + 1]):
            return c
    return None
