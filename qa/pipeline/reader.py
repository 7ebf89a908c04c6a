"""The reader: the short answer the passages give, the sentence stating it, and whether they state it at all.

Typed questions (who, where, which company, how many ...) take the typed candidate with the most support
summed over independent stories; yes/no questions the polarity of the best-matching sentence; other questions
(why, how, what is the goal of ...) the clause of the best sentence after the question's words. When the best
candidate's sentence does not clearly state an answer (too little of the question in it, or a cue that it
states something else), the reader refuses: NewsQA answers "the articles do not say" instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from qa.models import Passage
from qa.pipeline.actors import named_by_office, office_words
from qa.pipeline.agreement import gather, like_head
from qa.pipeline.answer_heads import DATE_UNITS, names_a_date
from qa.pipeline.answer_types import answer_type, plain_question
from qa.pipeline.candidates import extract, question_acronyms, words_of
from qa.pipeline.clause_answers import asks_description, asks_slot, phrase, yes_no
from qa.pipeline.evidence import W, focus_weights, mention_features, overlap
from qa.pipeline.expansions import asked_abbreviation, find_expansion
from qa.pipeline.gazetteer import answer_filter, closed_set_applies, names_member
from qa.pipeline.headlines import asks, headline_mentions, links_elsewhere
from qa.pipeline.leagues import asked_league, full_names
from qa.pipeline.lists import items, joined, lists_kinds_of, several
from qa.pipeline.nlp import parse
from qa.pipeline.non_answers import no_answer
from qa.pipeline.paraphrases import DESCRIBING_STEMS, offices, question_aliases, said_otherwise
from qa.pipeline.pronouns import Fetch, antecedents, carried_names, names_in
from qa.pipeline.question_facts import question
from qa.pipeline.quiz_sentences import lead_in
from qa.pipeline.readings import Candidate, Reading, evidence_of
from qa.pipeline.short_answers import tidy, with_head
from qa.pipeline.support import terms

Similarity = Callable[[str, Sequence[str]], Sequence[float]]

CANDIDATES = 5  # best answers kept for a chooser
# Questions whose answer must be of their type: a who-question is not answered by a nationality.
STRICT = frozenset("PERSON PLACE DATE DURATION NUMBER MONEY PERCENT ORDINAL NORP LANGUAGE".split())
_DATE_OF_ARTICLE = re.compile(
    r"^(what is|what was|when was) (the|this) (article'?s? )?"
    r"(publication date|date of (the )?(article|publication)|article published)"
)


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
        return Reading(asked, published.isoformat(), 1.0, evidence_of(0, first, pronouns))
    if (acronym := asked_abbreviation(question_text)) and (found := find_expansion(acronym, docs)):
        i, sent, name = found  # "What does CSTO stand for?": the name written out beside it
        return Reading(asked, name, 1.0, evidence_of(i, sent, pronouns))
    plain = plain_question(question_text, asked)
    qdoc = parse([plain])[0]
    q = question(plain, asked, qdoc)
    # a question the article asks ("What does a state of emergency do?", a heading) states no answer
    sentences = [(i, s) for i, d in enumerate(docs) for s in d.sents if s.text.strip() and not asks(s.text)]
    stems = _under_headings(sentences, [terms(s.text).stems for _, s in sentences])
    closed = closed_set_applies(asked.kind, asked.head, q.places)  # "which country", "which (US) state"
    if closed or (asked.kind in ("NUMBER", "DATE") and asked.head):
        # a sentence naming a country names the category ("landed in Angola"); one listing languages
        # names "languages" for "how many languages"; one holding a date, "year" and "month"
        category = terms(asked.head).stems if asked.kind != "DATE" else terms(" ".join(DATE_UNITS)).stems
        names = names_member if closed else lists_kinds_of if asked.kind == "NUMBER" else names_a_date
        named = [names(asked.head, s) for _, s in sentences]
        stems = [st | category if n else st for st, n in zip(stems, named, strict=True)]
    weights = focus_weights(q.stems, stems)  # rarity as written: an office said of every mention is no rarer
    lead = lead_in(question_text)  # a quiz's lead-in tells the story; its last sentence what is asked
    weights = {t: w * (W["lead_in"] if t in lead else 1.0) for t, w in weights.items()}
    stems = _story_nearby([i for i, _ in sentences], stems, lead)
    known = offices(docs)  # "Lavrov": a foreign minister, as the passages introduce him
    aliases = question_aliases(question_text)
    stems = said_otherwise(aliases, question_text, known, sentences, stems, pronouns)  # "Moscow" as "Russia"
    sims = list(similarity(question_text, [s.text for _, s in sentences])) if similarity else []
    cosine = {(i, s.start): float(c) for (i, s), c in zip(sentences, sims, strict=True)} if sims else {}
    matched = {(i, s.start): overlap(weights, st) for (i, s), st in zip(sentences, stems, strict=True)}
    # nor does a link to another story ("More:..."), though its words still count in how rare a word is
    # (left out there too, they moved supports across the thresholds both ways on RealTime QA dev)
    links = {(i, s.start) for i, d in enumerate(docs) for s in d.sents if links_elsewhere(s.text)}
    said = [(i, s) for i, s in sentences if (i, s.start) not in links]
    if asked.kind == "YESNO":
        return yes_no(q, said, matched, cosine, pronouns)
    # "What did X call Y?", "What did X recognise Y as?", "... into a corridor of what?"
    if (
        asked.kind == "PHRASE"
        or (asked.kind == "NAME" and asks_description(q))
        or (asked.kind == "NP" and asks_slot(q))
    ):
        return phrase(q, said, matched, cosine, pronouns, known)
    scored = []
    # the words that tie a mention to the question, said otherwise; not a describing verb for another
    # ("framed the desire of ... Western Azerbaijanis" for "call")
    at_mention = {stem: said for stem, said in aliases.items() if stem not in DESCRIBING_STEMS}
    acronyms, words = question_acronyms(question_text), words_of(question_text)
    others = office_words(q.elsewhere, question_text, qdoc)
    idioms = question_aliases(question_text, seats=False, forms=False)
    for i, (p, doc) in enumerate(zip(passages, docs, strict=True)):
        passage_match = overlap(weights, terms(p.chunk.article.title).stems | terms(p.chunk.text).stems)
        sents = list(doc.sents)
        for m in extract(doc, asked, q.stems, i, acronyms, pronouns[i], p.chunk.article.published, words):
            sent = sents[m.sentence]
            if no_answer(m, doc, q) or (i, sent.start) in links:
                continue
            f = mention_features(m, doc, sent, q, weights, pronouns[i], at_mention)
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
            if others and named_by_office(m.text, others, known, idioms):
                f.named = 1.0  # someone the question names by office: "the Kremlin leader" for Putin
            scored.append((m, f))
    scored += headline_mentions(passages, q, weights, acronyms, similarity)
    answers = gather(scored, passages, asked.kind, asked.plural, asked.head)
    # how like "which planet" an answer is; a country of the list is one, however like the word it looks
    like_head(answers, asked.kind, asked.head, None if closed else similarity)
    # a city or a continent is no answer to "which country", a county none to "which state", "U.S." no company
    # (and "Which NFL team" a team of the league, not Birmingham City)
    if allowed := answer_filter(asked.kind, asked.head, q.places, question_text):
        answers = [a for a in answers if allowed(a.text)]
    answers.sort(key=lambda a: -a.vote)
    if not answers or answers[0].best is None:
        return Reading(asked, "", 0.0, None)
    top = []
    heads = terms(asked.head).stems if asked.head else frozenset()
    league = asked_league(question_text, asked.head)
    strict = asked.kind in STRICT
    for a in answers:
        quotable = [mf for mf in a.mentions if not mf[0].headline]
        if not quotable:  # stated only in a headline, which a citation cannot quote
            continue
        # the answer as its best-stated sentence states it: the votes rank answers, the sentence is quoted
        m, f = max(quotable, key=lambda mf: (mf[1].support(strict), mf[1].score()))
        support = f.support(strict)
        # a headline states it, a sentence of the passage is quoted
        if a.best is not None and a.best[0].headline:
            support = max(support, a.best[1].support(strict))
        sent = list(docs[m.passage].sents)[m.sentence]
        written = tidy(a.text, asked.kind)
        top.append(
            Candidate(
                # a team in full ("Cavs": the Cleveland Cavaliers), which needs no head noun ("teammates")
                full_names(league, written)
                if league
                else with_head(written, docs[m.passage], m.start, m.end, heads),
                support,
                evidence_of(m.passage, sent, pronouns),
            )
        )
        if len(top) == CANDIDATES:
            break
    if not top:
        return Reading(asked, "", 0.0, None)
    chosen = [top[i] for i in several([c.text for c in top], [c.support for c in top], asked.count)]
    if len({c.evidence for c in chosen}) == 1:  # one sentence's list in its order: "Poland, Germany and ..."
        ev = chosen[0].evidence
        stated = passages[ev.passage].chunk.text[ev.start : ev.end]
        chosen.sort(key=lambda c: stated.find(c.text) if c.text in stated else len(stated))
    more = tuple(dict.fromkeys(c.evidence for c in chosen[1:] if c.evidence != chosen[0].evidence))
    support = min(c.support for c in chosen)  # a list is only as well stated as its least stated item
    if asked.count > sum(items(c.text) for c in chosen):
        support *= 0.5  # fewer than the question asks for: at best part of the answer
    short = joined([c.text for c in chosen], asked.kind)
    return Reading(asked, short, support, top[0].evidence, tuple(top), more)


def _story_nearby(
    passage_of: Sequence[int], stems: list[frozenset[str]], lead: frozenset[str]
) -> list[frozenset[str]]:
    """Each sentence's stems with the quiz lead-in's words that the sentences beside it in its passage hold:
    a lead-in gathers the story from several sentences ("Dockworkers at ports from Maine to Texas have walked
    off the job in a fight over pay and automation. Which union is on strike?"), the asked thing stands in
    one."""
    if not lead:
        return stems
    out = []
    for k, own in enumerate(stems):
        near = [stems[j] for j in (k - 1, k + 1) if 0 <= j < len(stems) and passage_of[j] == passage_of[k]]
        out.append(own | (lead & frozenset().union(*near)))
    return out


# How a sentence ends; a line that ends otherwise, above a blank line, is a heading (or a byline, a caption).
_SENTENCE_END = re.compile(r"[.!?…\"”’')\]]$")


def _under_headings(
    sentences: Sequence[tuple[int, Any]], stems: list[frozenset[str]]
) -> list[frozenset[str]]:
    """Each sentence's stems with those of a heading line right above it: the heading says what the
    paragraph is about, though it is quoted apart from it (`nlp` starts a sentence after a blank line). A
    link to another story there lends its words too ("THE OTHER '34 CONNECTION:Lions have won 8 straight
    games ..." above "The Lions have played 84 times on Turkey Day"): lending none moved supports both ways
    on RealTime QA dev (docs/ablation.md, nineteenth session)."""
    out = list(stems)
    for k in range(1, len(sentences)):
        (i, prev), (j, sent) = sentences[k - 1], sentences[k]
        if i == j and prev.end == sent.start and not _SENTENCE_END.search(prev.text.strip()):
            out[k] = stems[k] | stems[k - 1]
    return out
