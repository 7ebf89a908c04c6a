"""Answers that are no typed span: yes or no, and the clause of the best sentence (why, how, what said)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from qa.pipeline.actors import acts_as, agent_acts
from qa.pipeline.cues import is_modal
from qa.pipeline.evidence import W
from qa.pipeline.nlp import parse
from qa.pipeline.paraphrases import DESCRIBING, DESCRIBING_STEMS, question_aliases
from qa.pipeline.pronouns import names_in
from qa.pipeline.question_facts import Question, predicate_forms
from qa.pipeline.quiz_sentences import lead_in
from qa.pipeline.readings import Reading, evidence_of
from qa.pipeline.short_answers import function_words
from qa.pipeline.support import covers, denies, terms, word_stems


def best_sentence(
    sentences: Sequence[tuple[int, Any]],
    matched: dict[tuple[int, int], float],
    cosine: dict[tuple[int, int], float],
) -> tuple[int, Any] | None:
    """The (passage, sentence) that matches the question best, its words first, its embedding half."""
    return max(
        sentences,
        key=lambda s: matched[(s[0], s[1].start)] + 0.5 * cosine.get((s[0], s[1].start), 0.0),
        default=None,
    )


def yes_no(
    q: Question, sentences: Any, matched: Any, cosine: Any, pronouns: Sequence[Mapping[int, str]]
) -> Reading:
    """Yes or no by the negation next to the question's words in the best sentence holding the question's
    main verb (else the best-matching sentence, its support halved)."""

    # "Did chairman John Fervier vote for it?": a sentence on the board's vote that never names him (nor a
    # "he" standing for him) says nothing of his
    people = [terms(name).stems for name in _asked_people(q.text)]
    named = [
        (i, s)
        for i, s in sentences
        if all(p & terms(s.text + " " + names_in(s, pronouns[i])).stems for p in people)
    ]
    with_verb = [s for s in named if _states(q, s[1])]
    best = best_sentence(with_verb or named, matched, cosine)
    if best is None:
        return Reading(q.asked, "", 0.0, None)
    i, sent = best
    answer = (
        "no"
        if denies(sent.text, q.text) or _DENIAL.search(sent.text) or _contradicts(sent.text, q.text)
        else "yes"
    )
    verbs = [
        t for t in sent if t.pos_ == "VERB" and (st := word_stems(t)) and any(covers(s, st) for s in q.verbs)
    ]
    # "They must be punished" says nothing of whether they were: a demand or a possibility is no answer.
    modal = any(is_modal(t, q.stems) for t in verbs) and not q.modal
    # "could not reach a consensus on whether to release the report" says neither that they did nor not
    # (of the verbs the asked sentence has, not a quiz's lead-in: "met this week")
    lead = lead_in(q.text)
    asked = [t for t in verbs if not word_stems(t) <= lead]
    undecided = bool(asked) and all(_whether(t) for t in asked)
    support = 0.0 if modal or undecided else matched[(i, sent.start)] * (1.0 if with_verb else 0.5)
    return Reading(q.asked, answer, support, evidence_of(i, sent, pronouns))


def _asked_people(question: str) -> list[str]:
    """The surnames of the people the asked sentence names (not a quiz's lead-in's)."""
    sents = list(parse([question])[0].sents)
    return [e[-1].text for e in sents[-1].ents if e.label_ == "PERSON"] if sents else []


def _whether(verb: Any) -> bool:
    """Whether a verb is put as an open question ("whether to release", "whether it will release")."""
    return any(c.dep_ == "mark" and c.lower_ in ("whether", "if") for c in verb.children)


def _states(q: Question, sent: Any) -> bool:
    """Whether the sentence holds the question's main verb (any sentence does, for a question without one)."""
    return not q.predicate or bool(q.predicate & {f for t in sent for f in predicate_forms(t.text)})


_HOW_OR_WHAT = re.compile(r"(?:^|,)\s*(how|what)\b", re.IGNORECASE)  # also after "According to X,"
_ENDS_AS = re.compile(r"\bas\W*$", re.IGNORECASE)  # "What did it recognise Nagorno-Karabakh as?"
_OF_WHAT = re.compile(r"\b([a-z]+) of what\W*$", re.IGNORECASE)  # "a corridor of what?"
# Words that say no without a negation: "at no point", "rejected", "remains unrealized".
_DENIAL = re.compile(
    r"\b(at no point|rejected|refused|declined|denied|unrealized|unrealised|failed to)\b", re.I
)


# Values of one slot a sentence gives otherwise than the question: "pro-European" for "pro-Russian", a year.
_PREFIXED = re.compile(r"\b(pro|anti|non|ex|post|pre|pan)-(\w+)", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
_VOTED_FOR = re.compile(r"\bvot(?:e|es|ed|ing) (?:for|in favou?r)\b", re.IGNORECASE)
_VOTED_AGAINST = re.compile(
    r"\bvot(?:e|es|ed|ing) against\b|\bthe (?:lone|only|sole) (?:no|dissenting) vote", re.I
)

# A question whether something had happened before, and a sentence calling it the first in a while.
_EVER_BEFORE = re.compile(
    r"\b(?:at any (?:time|point)|ever|previously|before|prior|in the (?:previous|past|last)\b)", re.I
)
_FIRST = re.compile(r"\bfirst\b", re.I)
_FIRST_IN_A_WHILE = re.compile(
    r"\bfirst\b[^.;:]{0,40}?\b(?:in|since)\b(?: at least| more than| over| nearly| almost)?"
    r" (?:(?:\w+|\d+) (?:years?|decades?|months?)|(?:1[89]|20)\d\d)\b",
    re.I,
)


def _contradicts(sentence: str, question: str) -> bool:
    """Whether the sentence gives another value than the question's in the same slot: "activists aligned
    with the pro-European party" for "Was the party pro-Russian?", "in 2022" for "Did it happen in 2021?",
    "voted against" for "Did he vote for it?", "the first time in four years" for "Had it happened at any time
    in the previous four years?"."""
    if _VOTED_FOR.search(question) and _VOTED_AGAINST.search(sentence):
        return True
    if _EVER_BEFORE.search(question) and not _FIRST.search(question) and _FIRST_IN_A_WHILE.search(sentence):
        return True
    for pattern in (_PREFIXED, _YEAR):
        said = {m.group(0).lower() for m in pattern.finditer(sentence)}
        for value in (m.group(0).lower() for m in pattern.finditer(question)):
            key = value.split("-")[0]
            same_slot = {v for v in said if pattern is _YEAR or v.startswith(key + "-")}
            if same_slot and value not in said:
                return True
    return False


def asks_description(q: Question) -> bool:
    """Whether the question asks what someone called something ("How did Chepa characterise the protest?")."""
    return (bool(q.verbs & DESCRIBING_STEMS) and bool(_HOW_OR_WHAT.search(q.text))) or asks_slot(q)


def asks_slot(q: Question) -> bool:
    """Whether a question asks the object of its last word ("recognise X as?", "a corridor of what?")."""
    return asks_as(q) or bool(asks_of(q))


def asks_of(q: Question) -> frozenset[str]:
    """Stems of the noun whose "of" phrase the question asks ("into a corridor of what?"), else empty."""
    m = _OF_WHAT.search(q.text)
    return terms(m.group(1)).stems if m else frozenset()


def asks_as(q: Question) -> bool:
    """Whether the question asks what something was taken as ("What did the declaration recognise X as?"):
    the answer is the object of that "as", whatever the verb."""
    return bool(q.predicate) and bool(_ENDS_AS.search(q.text))


def description(sent: Any, verb: frozenset[str] = frozenset()) -> Any:
    """The span a describing verb says its object is: "called the demonstration a “provocation”", "which
    Lavrov described as a cornerstone of ...", "Calling the group obsolete and ineffective in ..."."""
    for t in sent:
        if t.lemma_.lower() not in DESCRIBING and not verb & predicate_forms(t.text):
            continue
        said = [c for c in t.children if c.dep_ == "oprd"]
        if not said:  # "described X as Y", "framed the desire ... as a matter of ..."
            said = [
                o
                for a in t.subtree
                if a.lower_ == "as" and a.dep_ == "prep" and a.i > t.i
                for o in a.children
                if o.dep_ == "pobj"
            ][:1]
        if said:
            return _phrase(sent, said[0])
    return None


def of_phrase(sent: Any, noun: frozenset[str]) -> Any:
    """The "of" phrase of a noun: "a corridor of connectivity, economic exchange and reconciliation"."""
    for t in sent:
        if t.pos_ == "NOUN" and any(covers(n, word_stems(t)) for n in noun):
            objects = [o for p in t.children if p.dep_ == "prep" and p.lower_ == "of" for o in p.children]
            if objects := [o for o in objects if o.dep_ == "pobj"]:
                span = _phrase(sent, objects[0])
                # the small parser hangs the list's next items on the noun ("a corridor of connectivity,
                # economic exchange and reconciliation"); bare nouns after the "of" phrase are its items
                more = [c for c in t.children if c.dep_ == "conj" and c.i > span.end]
                between = sent.doc[span.end : max(c.i for c in more)] if more else []
                if more and not any(w.pos_ == "DET" or w.lower_ == "not" for w in [*between, *more]):
                    return sent.doc[span.start : max(w.i for c in more for w in c.subtree) + 1]
                return span
    return None


def _phrase(sent: Any, head: Any) -> Any:
    """The phrase a word heads, without a clause on it."""
    words = list(head.subtree)
    if head.pos_ == "ADJ":  # "obsolete and ineffective", not "... in resolving the conflict"
        cut = min((p.i for p in words if p.dep_ == "prep" and p.head.pos_ == "ADJ"), default=None)
        words = [w for w in words if cut is None or w.i < cut]
    else:  # "a strategic vision", not "... to transform the South Caucasus into ..."
        cut = min((c.left_edge.i for c in head.children if c.dep_ in ("acl", "relcl")), default=None)
        words = [w for w in words if cut is None or w.i < cut] or words
    end = words[-1].i + 1
    if end < sent.end and sent.doc[end].text in ("”", '"') and "“" in sent.doc[words[0].i : end].text:
        end += 1  # the closing quote of a "provocation" the span opens
    return sent.doc[words[0].i : end]


def described(
    q: Question,
    sentences: Any,
    matched: Any,
    cosine: Any,
    pronouns: Sequence[Mapping[int, str]],
    known: Mapping[str, frozenset[str]],
) -> Reading | None:
    """What the best sentence with a describing verb calls the thing asked about, when its describer is the
    question's, by name or by office (`known`: the passages' `offices`); None when no sentence describes
    anything."""
    verb = q.predicate if asks_as(q) else frozenset()  # "recognizing X as part of Y", besides "called X Y"
    noun = asks_of(q)
    spans = {
        (i, s.start): d
        for i, s in sentences
        if (d := of_phrase(s, noun) if noun else description(s, verb)) is not None
    }
    best = best_sentence([s for s in sentences if (s[0], s[1].start) in spans], matched, cosine)
    if best is None:
        return None
    i, sent = best
    support = matched[(i, sent.start)]
    idioms = question_aliases(q.text, seats=False, forms=False)
    # someone else's words for it (what a thing is taken as, "recognizing X as part of Y", is nobody's words)
    speech = bool(q.verbs & DESCRIBING_STEMS)
    if speech and q.actor and not acts_as(q.actor, sent, names_in(sent, pronouns[i]), known, idioms):
        support *= 1 - W["cue_support"]
    short = spans[(i, sent.start)].text.strip(" ,.;:")
    if short[:1] in '"“' and short[-1:] in '"”':  # a whole quotation, not "a “provocation”"
        short = short[1:-1]
    # the verb's complement is a noun phrase or an adjective, held to the free noun phrase's threshold (a
    # clause's is for a whole sentence's match; this is a slot in it, as a typed answer is)
    asked = replace(q.asked, kind="NP", head="", rule=f"{q.asked.rule}; described")
    return Reading(asked, short, support, evidence_of(i, sent, pronouns))


def phrase(
    q: Question,
    sentences: Any,
    matched: Any,
    cosine: Any,
    pronouns: Sequence[Mapping[int, str]],
    known: Mapping[str, frozenset[str]],
) -> Reading:
    """The clause of the best sentence holding the question's main verb (else of the best sentence) after
    the last of the question's words it holds; for a question of what someone called something, what the
    best sentence with a describing verb calls it."""
    if asks_description(q):
        reading = described(q, sentences, matched, cosine, pronouns, known)
        if reading is not None:
            return reading
    with_verb = [s for s in sentences if any(covers(v, word_stems(t)) for t in s[1] for v in q.verbs)]
    best = best_sentence(with_verb or sentences, matched, cosine)
    if best is None:
        return Reading(q.asked, "", 0.0, None)
    i, sent = best
    tokens = [t for t in sent if not t.is_space]
    hits = [t.i for t in tokens if (st := terms(t.text).stems) and any(covers(s, st) for s in q.stems)]
    clause: list[Any] = []
    for t in (t for t in tokens if hits and t.i > max(hits)):
        if (
            t.text in (";", ":")
            or (t.text == "," and len(clause) >= 4)
            or (t.dep_ == "cc" and len(clause) >= 6)
        ):
            break
        clause.append(t)
    if len(clause) > 1 and q.text.rstrip(" ?").lower().endswith(" " + clause[0].lower_):
        clause = clause[1:]  # "diverged from?": the answer is what follows "from"
    span = sent.doc[clause[0].i : clause[-1].i + 1] if clause else None
    short = span.text.strip(' ,.;:"“”') if span is not None else ""
    # a fragment ("’s population", "?", "team" of "transition team") reads worse than the whole sentence
    fragment = span is not None and (
        clause[0].text in ("’s", "'s", "?")
        or function_words(span, span.text)
        or sent.doc[max(hits)].head.i == clause[0].i
    )
    if fragment:
        short = ""
    evidence = evidence_of(i, sent, pronouns)
    support = matched[(i, sent.start)]
    if not agent_acts(q.agent, sent, names_in(sent, pronouns[i])):
        support *= 1 - W["cue_support"]  # what another person said or did, however well it matches
    return Reading(q.asked, short or sent.text.strip(), support, evidence)
