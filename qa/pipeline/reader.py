"""The reader: the short answer the passages give, the sentence stating it, and whether they state it at all.

Typed questions (who, where, which company, how many ...) take the typed candidate with the most support
summed over independent stories; yes/no questions the polarity of the best-matching sentence; other questions
(why, how, what is the goal of ...) the clause of the best sentence after the question's words. When the best
candidate's sentence does not clearly state an answer (too little of the question in it, or a cue that it
states something else), the reader refuses: NewsQA answers "the articles do not say" instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from index.datelines import strip_dateline
from qa.models import Passage
from qa.pipeline.agreement import gather, like_head
from qa.pipeline.answer_heads import DATE_UNITS, names_a_date
from qa.pipeline.answer_types import AnswerType, answer_type
from qa.pipeline.answerability import AnswerClass, answer_class, threshold
from qa.pipeline.candidates import extract, question_acronyms
from qa.pipeline.evidence import W, agent_acts, focus_weights, is_modal, mention_features, overlap
from qa.pipeline.expansions import asked_abbreviation, find_expansion
from qa.pipeline.gazetteer import answer_filter, closed_set_applies, names_member
from qa.pipeline.headlines import asks, headline_mentions
from qa.pipeline.lists import items, joined, lists_kinds_of, several
from qa.pipeline.nlp import parse
from qa.pipeline.non_answers import no_answer
from qa.pipeline.pronouns import Fetch, antecedents, carried_names, names_in
from qa.pipeline.question_facts import Question, predicate_forms, question
from qa.pipeline.short_answers import function_words, tidy
from qa.pipeline.support import covers, denies, terms, word_stems

Similarity = Callable[[str, Sequence[str]], Sequence[float]]

CANDIDATES = 5  # best answers kept for a chooser
# Questions whose answer must be of their type: a who-question is not answered by a nationality.
STRICT = frozenset("PERSON PLACE DATE DURATION NUMBER MONEY PERCENT ORDINAL NORP LANGUAGE".split())
_DATE_OF_ARTICLE = re.compile(
    r"^(what is|what was|when was) (the|this) (article'?s? )?"
    r"(publication date|date of (the )?(article|publication)|article published)"
)
_CONNECTIVE = re.compile(
    r"^(meanwhile|however|in addition|additionally|also|moreover|furthermore|but|and|still|yet|separately|"
    r"in turn|for (his|her|their|its) part),?\s+",
    re.IGNORECASE,
)
_PRONOUN_SUBJECT = re.compile(r"^(he|she|they)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """The sentence an answer rests on: which passage, where in its text, and the claim to write."""

    passage: int
    start: int  # character span of the sentence in the passage's chunk text
    end: int
    claim: str  # the sentence as the answer states it (connective dropped, pronoun subject named)


@dataclass(frozen=True)
class Candidate:
    """One of the reader's best answers, with the sentence that supports it best."""

    text: str
    support: float
    evidence: Evidence


@dataclass(frozen=True)
class Reading:
    """What the reader made of the passages for a question."""

    asked: AnswerType
    short: str
    support: float
    evidence: Evidence | None
    candidates: tuple[Candidate, ...] = ()  # the best answers, best first (for a chooser)
    more: tuple[Evidence, ...] = ()  # the sentences stating the other items of a list answer

    def choosing(self, text: str | None) -> Reading:
        """The reading with another of its candidates as the answer (None: not stated, a refusal)."""
        picked = next((c for c in self.candidates if c.text == text), None)
        if picked is None:
            return Reading(self.asked, "", 0.0, None, self.candidates)
        return Reading(self.asked, picked.text, picked.support, picked.evidence, self.candidates)

    @property
    def refused(self) -> bool:
        """The passages do not state an answer clearly enough."""
        return self.evidence is None or not self.short or self.support < threshold(self.answer_class)

    @property
    def answer_class(self) -> AnswerClass:
        """Which refusal threshold the answer answers to."""
        return answer_class(self.asked.kind, self.asked.head, self.short)


def read(
    question_text: str,
    passages: Sequence[Passage],
    similarity: Similarity | None = None,
    fetch: Fetch | None = None,
) -> Reading:
    """Read the passages for a question (`fetch`: chunks by id, for the name a passage's opening "He" stands
    for, which its article's previous passage holds; see `pronouns.carried_names`)."""
    leads = carried_names(passages, fetch) if fetch is not None else {}
    asked = answer_type(question_text)
    docs = parse([p.chunk.text for p in passages])
    pronouns = [antecedents(doc, leads.get(i, "")) for i, doc in enumerate(docs)]  # "he" -> the name, by doc
    published = passages[0].chunk.article.published if passages else None
    if published is not None and _DATE_OF_ARTICLE.match(question_text.lower().replace("’", "'")):
        first = next(iter(docs[0].sents))  # the metadata says it; the article's opening is what it dates
        return Reading(asked, published.isoformat(), 1.0, _evidence(0, first, pronouns))
    if (acronym := asked_abbreviation(question_text)) and (found := find_expansion(acronym, docs)):
        i, sent, name = found  # "What does CSTO stand for?": the name written out beside it
        return Reading(asked, name, 1.0, _evidence(i, sent, pronouns))
    qdoc = parse([question_text])[0]
    q = question(question_text, asked, qdoc)
    # a question the article asks ("What does a state of emergency do?", a heading) states no answer
    sentences = [(i, s) for i, d in enumerate(docs) for s in d.sents if s.text.strip() and not asks(s.text)]
    stems = [terms(s.text).stems for _, s in sentences]
    closed = closed_set_applies(asked.kind, asked.head, q.places)  # "which country", "which (US) state"
    if closed or (asked.kind in ("NUMBER", "DATE") and asked.head):
        # a sentence naming a country names the category ("landed in Angola"); one listing languages
        # names "languages" for "how many languages"; one holding a date, "year" and "month"
        category = terms(asked.head).stems if asked.kind != "DATE" else terms(" ".join(DATE_UNITS)).stems
        names = names_member if closed else lists_kinds_of if asked.kind == "NUMBER" else names_a_date
        named = [names(asked.head, s) for _, s in sentences]
        stems = [st | category if n else st for st, n in zip(stems, named, strict=True)]
    weights = focus_weights(q.stems, stems)
    sims = list(similarity(question_text, [s.text for _, s in sentences])) if similarity else []
    cosine = {(i, s.start): float(c) for (i, s), c in zip(sentences, sims, strict=True)} if sims else {}
    matched = {(i, s.start): overlap(weights, st) for (i, s), st in zip(sentences, stems, strict=True)}
    if asked.kind == "YESNO":
        return _yes_no(q, sentences, matched, cosine, pronouns)
    if asked.kind == "PHRASE":
        return _phrase(q, sentences, matched, cosine, pronouns)
    scored = []
    acronyms = question_acronyms(question_text)
    for i, (p, doc) in enumerate(zip(passages, docs, strict=True)):
        passage_match = overlap(weights, terms(p.chunk.article.title).stems | terms(p.chunk.text).stems)
        sents = list(doc.sents)
        for m in extract(doc, asked, q.stems, i, acronyms, pronouns[i], p.chunk.article.published):
            if no_answer(m, doc, q):
                continue
            sent = sents[m.sentence]
            f = mention_features(m, doc, sent, q, weights, pronouns[i])
            f.sentence = matched.get((i, sent.start), 0.0)
            before = matched.get((i, sents[m.sentence - 1].start)) if m.sentence else None
            f.context = max(f.sentence, 0.5 * before + 0.5 * f.sentence) if before is not None else f.sentence
            f.cosine = cosine.get((i, sent.start), 0.0)
            if q.subject.head:  # "Where were the previous meetings held?" is not answered by talks
                # the sentence and the one before, "he" counting as the person it stands for
                near_sents = [sent, sents[m.sentence - 1]] if m.sentence else [sent]
                near = frozenset().union(
                    *(terms(s.text + " " + names_in(s, pronouns[i])).stems for s in near_sents)
                )
                f.about = float(q.subject.named_in(near))
            f.passage = passage_match
            scored.append((m, f))
    scored += headline_mentions(passages, q, weights, acronyms, similarity)
    answers = gather(scored, passages, asked.kind, asked.plural, asked.head)
    like_head(answers, asked.kind, asked.head, similarity)
    # a city or a continent is no answer to "which country", a county none to "which state", "U.S." no company
    if allowed := answer_filter(asked.kind, asked.head, q.places, question_text):
        answers = [a for a in answers if allowed(a.text)]
    answers.sort(key=lambda a: -a.vote)
    if not answers or answers[0].best is None:
        return Reading(asked, "", 0.0, None)
    top = []
    for a in answers:
        m, f = a.best  # type: ignore[misc]
        quotable = [mf for mf in a.mentions if not mf[0].headline]
        if not quotable:  # stated only in a headline, which a citation cannot quote
            continue
        m = m if not m.headline else max(quotable, key=lambda mf: mf[1].score())[0]
        sent = list(docs[m.passage].sents)[m.sentence]
        top.append(
            Candidate(
                tidy(a.text, asked.kind),
                f.support(asked.kind in STRICT),
                _evidence(m.passage, sent, pronouns),
            )
        )
        if len(top) == CANDIDATES:
            break
    if not top:
        return Reading(asked, "", 0.0, None)
    chosen = [top[i] for i in several([c.text for c in top], [c.support for c in top], asked.count)]
    more = tuple(dict.fromkeys(c.evidence for c in chosen[1:] if c.evidence != chosen[0].evidence))
    support = min(c.support for c in chosen)  # a list is only as well stated as its least stated item
    if asked.count > sum(items(c.text) for c in chosen):
        support *= 0.5  # fewer than the question asks for: at best part of the answer
    short = joined([c.text for c in chosen], asked.kind)
    return Reading(asked, short, support, top[0].evidence, tuple(top), more)


def _best_sentence(
    sentences: Sequence[tuple[int, Any]],
    matched: dict[tuple[int, int], float],
    cosine: dict[tuple[int, int], float],
) -> tuple[int, Any] | None:
    return max(
        sentences,
        key=lambda s: matched[(s[0], s[1].start)] + 0.5 * cosine.get((s[0], s[1].start), 0.0),
        default=None,
    )


def _yes_no(
    q: Question, sentences: Any, matched: Any, cosine: Any, pronouns: Sequence[Mapping[int, str]]
) -> Reading:
    """Yes or no by the negation next to the question's words in the best sentence holding the question's
    main verb (else the best-matching sentence, its support halved)."""

    with_verb = [s for s in sentences if _states(q, s[1])]
    best = _best_sentence(with_verb or sentences, matched, cosine)
    if best is None:
        return Reading(q.asked, "", 0.0, None)
    i, sent = best
    answer = "no" if denies(sent.text, q.text) or _DENIAL.search(sent.text) else "yes"
    verbs = [
        t for t in sent if t.pos_ == "VERB" and (st := word_stems(t)) and any(covers(s, st) for s in q.verbs)
    ]
    # "They must be punished" says nothing of whether they were: a demand or a possibility is no answer.
    modal = any(is_modal(t, q.stems) for t in verbs) and not q.modal
    support = 0.0 if modal else matched[(i, sent.start)] * (1.0 if with_verb else 0.5)
    return Reading(q.asked, answer, support, _evidence(i, sent, pronouns))


def _states(q: Question, sent: Any) -> bool:
    """Whether the sentence holds the question's main verb (any sentence does, for a question without one)."""
    return not q.predicate or bool(q.predicate & {f for t in sent for f in predicate_forms(t.text)})


# Words that say no without a negation: "at no point", "rejected", "remains unrealized".
_DENIAL = re.compile(
    r"\b(at no point|rejected|refused|declined|denied|unrealized|unrealised|failed to)\b", re.I
)


def _phrase(
    q: Question, sentences: Any, matched: Any, cosine: Any, pronouns: Sequence[Mapping[int, str]]
) -> Reading:
    """The clause of the best sentence holding the question's main verb (else of the best sentence) after
    the last of the question's words it holds."""
    with_verb = [s for s in sentences if any(covers(v, word_stems(t)) for t in s[1] for v in q.verbs)]
    best = _best_sentence(with_verb or sentences, matched, cosine)
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
    if span is not None and (clause[0].text in ("’s", "'s", "?") or function_words(span, span.text)):
        short = ""  # a fragment ("’s population", "?") reads worse than the whole sentence
    evidence = _evidence(i, sent, pronouns)
    support = matched[(i, sent.start)]
    if not agent_acts(q.agent, sent, names_in(sent, pronouns[i])):
        support *= 1 - W["cue_support"]  # what another person said or did, however well it matches
    return Reading(q.asked, short or sent.text.strip(), support, evidence)


def _evidence(passage: int, sent: Any, pronouns: Sequence[Mapping[int, str]]) -> Evidence:
    """The sentence as evidence, with a claim that reads on its own."""
    return Evidence(passage, sent.start_char, sent.end_char, standalone(sent, pronouns[passage]))


def standalone(sent: Any, pronouns: Mapping[int, str] | None = None) -> str:
    """The sentence without a dateline or an opening connective ("Meanwhile, ..."), its pronoun subject named
    when the passage names that person just before ("He confirmed ..." -> "Lavrov confirmed ...")."""
    # No dateline: the answer names outlet and date, and "reported that YEREVAN—Armenian ..." reads garbled.
    text = strip_dateline(sent.text.strip()) or sent.text.strip()
    text = _CONNECTIVE.sub("", text, count=1)
    text = text[:1].upper() + text[1:]
    if (m := _PRONOUN_SUBJECT.match(text)) and m.group(1).lower() in ("he", "she"):
        pronoun = next((t for t in sent if t.lower_ == m.group(1).lower()), None)
        found = antecedents(sent.doc) if pronouns is None else pronouns  # the reader's, with carried names
        named = found.get(pronoun.i) if pronoun is not None else None
        if named:
            text = named.split()[-1] + text[m.end() :]  # the surname, as a second mention in news reads
    return text
