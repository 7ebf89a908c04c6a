"""Spans that are no answer to the question, whatever their type: function words, the things a question
counts, where a person is from, a qualifier of the very category the question asks for, that category said
of a name ("Kestrels, long-range missiles": the name is the answer) or standing with no name at all, a name
made into an adjective ("Korean-language"), a news service credited in a byline or a dateline, a reporter
in the byline, a ticker or a bracketed abbreviation of a company the question names, and a year for "what
date". A work's title is no function words, whatever its words ("Everything Everywhere All at Once").
"""

from __future__ import annotations

import re
from typing import Any

from index.datelines import BROADCASTERS, strip_dateline
from qa.pipeline.candidates import Mention, close_to
from qa.pipeline.figures import numbered_label, other_measure
from qa.pipeline.gazetteer import country_of_people
from qa.pipeline.named_kinds import describes_the_named
from qa.pipeline.nlp import appositions, in_brackets
from qa.pipeline.question_facts import Question
from qa.pipeline.short_answers import function_words
from qa.pipeline.support import CORPORATE, covers, terms, word_stems
from qa.pipeline.wordnet import is_kind_of

# Places that act through their officials: "California Gov. Gavin Newsom declared ..." is California's act.
_POLITIES = frozenset({"state", "country", "nation", "province", "city", "county", "region"})
# A question that asks where someone is from, or whose someone is ("Which state's senator ...?").
_ASKS_ORIGIN = re.compile(
    r"\b(from|represents?|represented|home|hometown|born|native|hails?|(which|what) \w+['’]s)\b", re.I
)
# Nouns that count or gather what their "of" names: "a group of activists" is the activists.
_COLLECTIVES = frozenset(
    "group groups number lot lots dozens hundreds thousands millions series couple pair handful majority "
    "crowd bunch wave flurry host".split()
)
# ... and nouns that say which form of the thing their "of" names it is: "a frozen version of their rolls".
_VERSIONS = frozenset("version versions form forms edition editions variant variants".split())
# Labels of words that qualify a category ("English soccer team", "Thanksgiving side dish"); a name may
# stand before the category it belongs to ("the Texas Rangers team", "the “For the Republic” party").
_QUALIFIERS = frozenset({"NORP", "GPE", "LOC", "DATE", "TIME", "LANGUAGE"})
# A stretch of time with no date in it: "months", "the weekend", "recent years", "a six-month" (stay),
# "week-long" say no when.
_VAGUE_TIME = re.compile(
    r"^(?:(?:the|a|this|that|these|those|last|next|coming|past|recent|few|several|many|some|early|late|"
    r"earlier|later)\s+)*(?:weeks?|weekends?|months?|years?|days?|decades?|times?|centur(?:y|ies)|recently"
    r"|[\w-]+-(?:hour|day|week|month|year|decade)(?:-long)?|(?:hour|day|week|month|year)-long)$",
    re.IGNORECASE,
)
# "On what date ...?" asks a day: a year alone ("2024"), or a number the tagger took for a date, is none.
_DAY_HEADS = frozenset({"date", "day"})
_NO_DAY = re.compile(r"^(?:(?:19|20)\d\d(?:s|'s)?|\d{1,3})$")
# The kinds of question a name answers: a person, an organisation or a place.
_NAMED = ("ORG", "PERSON", "PLACE")
# ... and the named things: "Which vessel was the Love Boat?" asks for a ship's name, not "the six vessels"
# (unless it asks a kind: "Which type of drink ...?" may be answered "energy drinks"), and names: "What is
# the word of the year?" is not answered "the most searched words".
_NAMED_THINGS = ("PRODUCT", "WORK", "EVENT", "LAW", "NAME")
# An observance or a season is no company, place or person: "Black History Month", "Fashion Week".
_OBSERVANCE = re.compile(r"^(?!the\s)\S.*\s(?:Month|Week|Weekend|Eve|Season)$", re.IGNORECASE)
_A_KIND_OF = re.compile(r"\b(?:type|kind|sort|form|variety|category|genre|style)s? of\b", re.IGNORECASE)
# A title in title case, which may be all function words ("Everything Everywhere All at Once", "It Ends with
# Us"): each word capitalised but the short ones inside.
_TITLE = re.compile(
    r"^[A-Z][\w'’]*(?:\s+(?:[A-Z][\w'’]*|a|an|the|and|or|of|at|in|on|to|for|with|by))*\s+[A-Z][\w'’]*$"
)
# A name made into an adjective by a lowercase word after a hyphen ("Korean-language", "Moscow-backed",
# "Lockheed Martin-manufactured"): it qualifies a thing, and names no one.
_MADE_ADJECTIVE = re.compile(r"\w-[a-z]+$")
# ... or by a lowercase prefix before it ("anti-Putin poster", "pro-Kremlin media"): read before the mention.
_PREFIXED = re.compile(r"(?<![\w-])[a-z]+-$")
# News services and broadcasters, as a report's credits name them: a byline ("The Associated Press"), a
# dateline ("BIRMINGHAM, England (AP) —", "New York CNN —") or a photo credit ("Chamila Karunarathne/AP").
_SERVICES = frozenset(b.casefold() for b in BROADCASTERS) | {
    "associated press",
    "reuters",
    "agence france-presse",
    "usa today",
}
# A byline: one to three names, each of capitalised words, on a line of their own ("By Jill Lawless").
_NAME_WORDS = r"[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}"
_BYLINE = re.compile(rf"^(?:By\s+)?{_NAME_WORDS}(?:(?:,\s*|,?\s+and\s+){_NAME_WORDS}){{0,2}}$")
# A company's stock ticker ("(NYSE: NEWM)"), which names it only for traders.
_TICKER = re.compile(r"\b(?:NYSE|NASDAQ|Nasdaq|TSX|LSE|OTC)(?: American)?\s*:\s*$")
# A question about the news media themselves, which a credit may answer ("Which outlet reported ...?").
_ASKS_MEDIA = re.compile(
    r"\b(news|outlets?|newspapers?|papers?|networks?|broadcasters?|channels?|wire|media|magazines?|"
    r"journalists?|reporters?|photographers?|interview\w*|told|report\w*)\b",
    re.IGNORECASE,
)


def _titled(m: Mention) -> bool:
    """Whether a mention is a work's title: tagged or quoted as one, of several words in title case."""
    return m.label in ("WORK_OF_ART", "QUOTE") and bool(_TITLE.match(m.text))


def no_answer(m: Mention, doc: Any, q: Question) -> bool:
    """Whether a mention answers nothing the question asks, whatever it scores."""
    head = terms(q.asked.head).stems if q.asked.head else frozenset()
    return (
        (function_words(doc[m.start : m.end], m.text) and not _titled(m))  # "However", "In response to"
        or "\n" in m.text  # a byline or a heading run into the next line: "Associated Press\n\nMONTGOMERY"
        # the things counted ("What two conditions": "two primary conditions"; yet "What kind of
        # cooperation" may be "intelligence cooperation")
        or (q.asked.count > 0 and m.text[:1].islower() and bool(head & terms(m.text.split()[-1]).stems))
        or affiliation(m, doc, q)
        or qualifies_category(m, doc, q, head)
        or counts_the_named(m, doc, q)
        or describes_a_name(m, doc, head)
        or (q.asked.kind == "DATE" and bool(_VAGUE_TIME.match(m.text)))
        or (q.asked.kind == "DATE" and q.asked.head in _DAY_HEADS and bool(_NO_DAY.match(m.text)))
        or other_measure(m.start, m.end, doc, q.asked.kind, q.asked.head)
        or place_adjective(m, doc, q)
        or (q.asked.kind in _NAMED and made_adjective(m, doc))
        or (q.asked.kind in _NAMED and describes_the_named(doc[m.start : m.end], q.stems))
        or (q.asked.kind in _NAMED and m.text[:1].isupper() and bool(_OBSERVANCE.match(m.text)))
        or credit(m, doc, q)
        or byline(m, doc, q)
        or bracketed_alias(m, doc, q)
        or bool(_TICKER.search(_before(m, doc)))  # "NYSE: X"
        or numbered_label(m.start, m.end, doc)  # "Top 10 teams", "the Del. 1 location"
        or the_category(m, doc, q, head)
    )


def _before(m: Mention, doc: Any) -> str:
    """The text just before the mention, where a ticker's exchange or an "anti-" stands."""
    return doc.text[max(0, doc[m.start].idx - 12) : doc[m.start].idx]


def made_adjective(m: Mention, doc: Any) -> bool:
    """Whether the mention is a name made into an adjective ("Korean-language", "anti-Putin")."""
    return bool(_MADE_ADJECTIVE.search(m.text) or _PREFIXED.search(_before(m, doc)))


def _service_name(text: str) -> str:
    """A name as `_SERVICES` holds it: without "The", case folded ("The Associated Press")."""
    return re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE).casefold()


def credit(m: Mention, doc: Any, q: Question) -> bool:
    """Whether the mention is a news service credited with the report, no party to it: in a byline, a
    dateline or a photo credit. A credit stands on a line of its own or in the dateline, and scores on the
    words of the sentence it is glued to ("The Associated Press MONTGOMERY — The founder ... filed a
    lawsuit against the Southern Poverty Law Center")."""
    name = _service_name(m.text)
    # "Associated Press", "USA TODAY", and a service's desk with the dateline's place ("Verrin CNN Business")
    credited = name in _SERVICES or any(w in _SERVICES for w in name.split())
    if not credited or _ASKS_MEDIA.search(q.text):
        return False
    text = doc.text
    a, b = doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1])
    line_start = text.rfind("\n", 0, a) + 1
    line = text[line_start:]
    if a - line_start < len(line) - len(strip_dateline(line)):
        return True  # within the line's dateline, with the place before it or not ("Verrin CNN")
    if name not in _SERVICES:
        return False
    before = re.sub(r"\bthe\s*$", "", text[line_start:a], flags=re.IGNORECASE).rstrip()[-1:]
    after = text[b:].lstrip(" \t")
    alone_before = before in ("", "(", "/")
    return alone_before and (after[:1] in ("", "\n", ")", "—", "–") or strip_dateline(after) != after)


def byline(m: Mention, doc: Any, q: Question) -> bool:
    """Whether the mention is a reporter named in the byline ("Hillel Italie and Bob Thomas" on a line of
    their own, above "Associated Press" or the dateline), unless the question asks about the news media."""
    if q.asked.kind != "PERSON" or _ASKS_MEDIA.search(q.text):
        return False
    text, a = doc.text, doc[m.start].idx
    start, end = text.rfind("\n", 0, a) + 1, text.find("\n", a)
    end = len(text) if end < 0 else end
    if not _BYLINE.match(text[start:end].strip()):
        return False
    below = next((line.strip() for line in text[end:].split("\n") if line.strip()), "")
    return _service_name(below) in _SERVICES or strip_dateline(below) != below


def bracketed_alias(m: Mention, doc: Any, q: Question) -> bool:
    """Whether the mention is an abbreviation or a ticker in brackets after a name the question names: "New
    Media Investment Group (NEWM)", "Gannett Co. (GCI)" for a question on the group or on Gannett."""
    if not (m.start > 1 and in_brackets(doc, m.start, m.end) and m.text.isupper()):
        return False
    words: list[str] = []
    i = m.start - 2
    while i >= 0 and len(words) < 8 and (doc[i].text[:1].isupper() or doc[i].lower_ in ("of", "and", "for")):
        words.append(doc[i].text)
        i -= 1
    stems = terms(" ".join(words)).stems - CORPORATE
    return bool(stems) and all(close_to(s, q.stems) for s in stems)


def the_category(m: Mention, doc: Any, q: Question, head: frozenset[str]) -> bool:
    """Whether the mention is the category a name is asked for, with no name in it: "the two
    Japanese-headquartered automakers" for "Which automaker is Honda talking to?", "the line's first six
    vessels" for "Which vessel was the Love Boat?". A people or a place may
    qualify it ("Japanese"), a name may not ("the Texas Rangers team", "New York City")."""
    things = q.asked.kind in _NAMED_THINGS and not _A_KIND_OF.search(q.text)
    if not head or not (q.asked.kind in _NAMED or things):
        return False
    span = doc[m.start : m.end]
    if any(t.pos_ == "PROPN" and t.ent_type_ not in _QUALIFIERS for t in span):
        return False
    # or its qualifier, which the reader writes with the noun after it (`short_answers.with_head`)
    after = (
        span.root.head
        if span.root.dep_ in ("amod", "compound", "nmod") and span.root.head.i == m.end
        else None
    )
    # the category as a common noun, in lower case: "New York City" is a city's name
    nouns = [t for t in (span.root, after) if t is not None and t.pos_ == "NOUN" and t.text.islower()]
    return any(covers(h, word_stems(t)) for t in nouns for h in head)


def place_adjective(m: Mention, doc: Any, q: Question) -> bool:
    """A people's or region's adjective on a place noun ("the Middle Eastern country") names no group or
    company, whatever its label."""
    span = doc[m.start : m.end]
    if q.asked.kind not in ("ORG", "PERSON") or not all(t.ent_type_ == "NORP" for t in span):
        return False
    t = span.root
    return (
        t.dep_ in ("amod", "compound")
        and t.head.pos_ == "NOUN"
        and bool(is_kind_of(t.head.lemma_, "location"))
    )


def affiliation(m: Mention, doc: Any, q: Question) -> bool:
    """Whether a place mention only says where a person is from ("Sen. JD Vance of Ohio", "Ohio Sen. JD
    Vance", "(D-Ohio)"): no answer to where an event was, unless the question asks after a polity, which acts
    through its officials ("California Gov. Gavin Newsom declared ..."), or after where someone is from."""
    if q.asked.kind != "PLACE" or q.asked.head in _POLITIES or _ASKS_ORIGIN.search(q.text):
        return False
    t = doc[m.start : m.end].root
    # "his Russian counterpart", "Russian arms": a people, no place ("the Angolan port city" is a place)
    if country_of_people(m.text) and t.dep_ in ("amod", "compound"):
        return not is_kind_of(t.head.lemma_, "location")
    for _ in range(3):
        if t.dep_ == "pobj" and t.head.lower_ in ("of", "from") and t.head.head.i != t.head.i:
            t = t.head.head
        elif t.dep_ in ("compound", "amod", "appos", "nmod", "npadvmod") and t.head.i != t.i:
            t = t.head
        else:
            return False
        if t.ent_type_ == "PERSON":
            return True
    return False


def qualifies_category(m: Mention, doc: Any, q: Question, head: frozenset[str]) -> bool:
    """Whether the mention only qualifies the category asked for: "English" in "second-tier English soccer
    team" for "which NFL team", "Thanksgiving" in "the most popular Thanksgiving side dish" for "which
    holiday side". The answer is the team or the dish itself. Not for a nationality or language question,
    nor for a name, which may stand before its category ("the Texas Rangers team")."""
    root = doc[m.start : m.end].root
    # the tagger's type of the word, not only the mention's label: a capitalised run or a noun chunk may be
    # the same "English" the tagger calls a nationality
    if not head or q.asked.kind in ("NORP", "LANGUAGE") or not {m.label, root.ent_type_} & _QUALIFIERS:
        return False
    if root.dep_ not in ("amod", "compound", "nmod") or m.start <= root.head.i < m.end:
        return False
    category = [root.head, *(c for c in root.head.children if c.dep_ == "compound" and c.i > root.i)]
    return any(covers(h, word_stems(t)) for t in category for h in head)


def counts_the_named(m: Mention, doc: Any, q: Question) -> bool:
    """Whether the mention is a collective of what the question already names ("a group" in "a group of
    activists" for "On what occasion did the activists ...?"), or a version of anything ("a frozen
    version" of the rolls)."""
    root = doc[m.start : m.end].root
    if root.lower_ not in _COLLECTIVES | _VERSIONS:
        return False
    named = [
        t
        for c in root.children
        if c.dep_ == "prep" and c.lower_ == "of" and c.i >= m.end
        for t in c.children
        if t.dep_ == "pobj"
    ]
    if root.lower_ in _VERSIONS:
        return bool(named)  # whatever the question names: the answer is the rolls, in whichever form
    return any(covers(s, q.stems) for t in named for s in terms(t.text).stems)


def describes_a_name(m: Mention, doc: Any, head: frozenset[str]) -> bool:
    """Whether the mention is the asked category said of a name beside it: "long-range missiles" in "using
    Kestrels, long-range missiles" for "which missiles". Not a name itself ("Kievyan Bridge")."""
    root = doc[m.start : m.end].root
    if not head or root.pos_ == "PROPN":
        return False
    if not any(covers(h, word_stems(root)) for h in head):
        return False
    return any(t.pos_ == "PROPN" and not m.start <= t.i < m.end for t in appositions(root))
