"""What a question asks for: its expected answer type from the wh-word and the head noun of "which/what X".

Types: PERSON ORG PLACE NORP DATE DURATION NUMBER MONEY PERCENT ORDINAL EVENT WORK PRODUCT LAW LANGUAGE
YESNO, NAME (a name of anything), NP (a common-noun thing whose head noun is known) and PHRASE (why, how,
what happened: a clause, not a name). `plural` marks list questions ("which countries", "which two teams").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from qa.pipeline.answer_heads import COUNTS, HEAD_TYPE, LIST_WORDS, NAME_HEADS, PHRASE_HEADS
from qa.pipeline.nlp import parse
from qa.pipeline.quiz_sentences import AUX, WH, asked_part
from qa.pipeline.wordnet import first_names_people, is_verb, names_people

TYPED = frozenset(
    "PERSON ORG PLACE NORP DATE DURATION NUMBER MONEY PERCENT ORDINAL EVENT WORK PRODUCT LAW LANGUAGE".split()
)
# "which type of X", "one of the key reforms": look through to X ("name" stays: "the name of X" is NAME).
_GENERIC = {"type", "kind", "sort", "form", "one", "part", "piece", "example", "category", "variety", "brand"}
# A condition set by inversion, then a wh-question: "Should X prevail, which running mate would ...?"
_THEN_ASKED = re.compile(r",\s*(?=(?:who|whom|whose|what|which|where|when|how)\b)", re.IGNORECASE)


@dataclass(frozen=True)
class AnswerType:
    """The kind of answer a question asks for."""

    kind: str
    head: str = ""  # head noun of "which/what X", lower-case lemma ("" when there is none)
    plural: bool = False
    rule: str = ""  # the rule that decided, for reports
    count: int = 0  # how many the question asks for: "which two cities" -> 2 (0 when it does not say)

    @property
    def typed(self) -> bool:
        """Whether the answer is a span of a known type (not a clause, a name of anything or yes/no)."""
        return self.kind in TYPED


def answer_type(question: str) -> AnswerType:
    """The expected answer type of a question."""
    q = asked_part(question)
    if m := _CALLED.match(q):  # "What is that law called?" asks what "What is the name of the law?" asks
        return answer_type(f"{m.group(1)} the name of {m.group(2)}?")
    ql = _without_relatives(q).lower().replace("’", "'")
    words = re.sub(r"^according to [^,]+,\s*", "", ql).split()
    first = words[0] if words else ""
    # also after a leading phrase: "Under Australia's proposed age limit, will children be exempt?"
    lead = re.match(r"^([^,?]+),\s*([\w']+)", ql)
    if first in ("should", "had", "were") and (cond := _THEN_ASKED.search(q)) and "," not in q[cond.end() :]:
        return answer_type(q[cond.end() :])  # not "Should the city, which owns it, pay?"
    if first in AUX or (lead and lead.group(2) in AUX and not WH.search(lead.group(1))):
        return AnswerType("YESNO", rule="auxiliary first")
    for pattern, kind, rule in _PATTERNS:
        if re.search(pattern, ql):
            head = ""
            if kind == "NUMBER" and (m := re.search(r"\bhow many ([\w-]+(?: [\w-]+){0,2})", ql)):
                for t in parse([m.group(1)])[0]:  # a compound's last noun: "career touchdown passes"
                    if t.pos_ not in ("NOUN", "PROPN") and head:
                        break
                    head = t.lemma_.lower() if t.pos_ in ("NOUN", "PROPN") else head
            return AnswerType(kind, head, rule=rule)
    return _by_head_noun(q, ql)


_AUXILIARY = "(?:is|are|was|were|do|does|did|will|would|has|have|had|can|could)"
_PATTERNS = [  # first match wins
    (r"\bhow long ago\b", "DATE", "how long ago"),
    (r"\b(for how long|how long|for what (period|length))\b", "DURATION", "how long"),
    (r"\bhow old\b", "NUMBER", "how old"),
    (r"\bhow much\b.*\b(weigh|heavy|far|tall|big)\b", "NUMBER", "how much (quantity)"),
    # "How much water ...?" asks a quantity; "how much did it cost?", "how much money ...?" money.
    (rf"\bhow much (?!money\b|cash\b)(?!{_AUXILIARY}\b)\w+", "NUMBER", "how much X"),
    (r"\bhow much\b", "MONEY", "how much"),
    # "What did the feast cost?" (the verb: not "say about the cost"), "What is the price of ...?"
    (r"\bwhat (did|does|do|will|would) [^?]*(?<!the )(?<!a )(?<!its )\bcost\b", "MONEY", "what did X cost"),
    (r"\bwhat (is|was|will be) the (cost|price) of\b", "MONEY", "the cost of"),
    (r"\bhow (many|far|large|big|tall|high|deep|fast)\b|\bby how much\b", "NUMBER", "how many"),
    (r"\b(what|which) (percentage|percent|share|proportion)\b", "PERCENT", "what percentage"),
    (r"\bby what margin\b", "NUMBER", "by what margin"),
    (
        r"\b(which|what) .{0,30}\bby number\b|\bwhich (anniversary|place)\b|\bwhere did .* rank\b"
        r"|\bwhat (rank|place) did\b",
        "ORDINAL",
        "ordinal",
    ),
    (r"\b(when|what time)\b", "DATE", "when"),
    (r"\bto whom\b.*\bappl", "PHRASE", "to whom ... apply"),
    (r"\b(who|whom|whose)\b", "PERSON", "who"),
    (r"\bwhere\b", "PLACE", "where"),
    (
        r"\bwhy\b|\bhow (did|does|do|is|are|was|were|will|can|could|has|have)\b|\bwhat happened\b"
        r"|\bknown for\b",
        "PHRASE",
        "why/how/what happened",
    ),
    (
        r"\bwhat (did|does|do|will|would|has|have|had) .*\b(call|called|stand for)\b",
        "NAME",
        "what did X call",
    ),
    (
        r"\bwhat (did|does|do|will|would|has|have|had) .*\b(say|said|do|tell|told|announce|claim|argue)\b",
        "PHRASE",
        "what did X say/do",
    ),
]


def _without_relatives(q: str) -> str:
    """The question with the wh-words of its relative clauses blanked: "Which party were the activists who
    displayed the poster aligned with?" asks for a party, not a "who". A relative wh-word comes after the
    question's own and opens a clause on a noun ("the activists who", "the war, when")."""
    doc = parse([q])[0]
    out = list(q)
    wh = [t for t in doc if t.tag_ in ("WDT", "WP", "WP$", "WRB")]
    for n, t in enumerate(wh):
        before = doc[t.i - 2] if t.i > 1 and doc[t.i - 1].text == "," else doc[t.i - 1] if t.i else None
        on_noun = before is not None and before.pos_ in ("NOUN", "PROPN")
        relative = on_noun or "relcl" in (t.head.dep_, t.dep_)
        # after the question's own wh-word; or before it, set off by a comma on a name, when a "which" or
        # "what" asks later ("Pianist Sean Chen, who ..., chose which school?"); and a "when" or "where" of
        # a clause beside the asked one ("What did she say when the storm hit?", "When it hit, where ...?")
        later = any(w.lower_ in ("which", "what") for w in wh[n + 1 :])
        first_of_two = t.head.dep_ == "advcl" and n + 1 < len(wh)
        beside = t.tag_ == "WRB" and (t.head.dep_ != "ROOT" if n else first_of_two)
        if (relative and (n > 0 or (later and doc[t.i - 1].text == "," and on_noun))) or beside:
            out[t.idx : t.idx + len(t.text)] = "_" * len(t.text)
    return "".join(out)


def _kind_of(lemma: str, text: str) -> str | None:
    for word in (lemma.lower(), text.lower()):
        if word in HEAD_TYPE:
            return HEAD_TYPE[word]
    t = text.lower()
    if t.endswith("s") and t[:-1] in HEAD_TYPE:
        return HEAD_TYPE[t[:-1]]
    # the lexicon lists the people news asks for most; WordNet knows the rest ("which cosmonaut")
    return "PERSON" if lemma.isalpha() and names_people(lemma.lower()) else None


def _by_head_noun(q: str, ql: str) -> AnswerType:
    doc = parse([q])[0]
    for w in [t for t in doc if t.lower_ in ("which", "what", "what's")]:
        nxt = doc[w.i + 1] if w.i + 1 < len(doc) else None
        if w.lower_ == "which" and nxt is not None and nxt.lower_ in ("of", "is", "are", "was", "were"):
            # "Which of the following is the most polluted city?", "Which is the largest cryptocurrency?"
            nouns = [t for t in doc if t.pos_ == "NOUN" and t.i > w.i + 1 and t.lower_ != "following"]
            preds = [t for t in nouns if t.dep_ in ("attr", "nsubj", "ROOT", "dobj", "appos")] or nouns
            if preds:
                head = preds[0]
                return AnswerType(
                    _kind_of(head.lemma_, head.text) or "NP", head.lemma_.lower(), rule="which is"
                )
        head = _head_noun(doc, w)
        if head is None:
            continue
        lemma = head.lemma_.lower()
        plural = head.tag_ in ("NNS", "NNPS") or any(c.lower_ in LIST_WORDS for c in head.children)
        count = next((COUNTS[c.lower_] for c in head.children if c.lower_ in COUNTS), 0)
        if plural and not count and _kind_of(lemma, head.text) == "DATE":
            # "In which years did the two attacks take place?": a date for each of the counted events
            count = next((COUNTS[t.lower_] for t in doc if t.lower_ in COUNTS and t.head.pos_ == "NOUN"), 0)
        if lemma in PHRASE_HEADS:
            return AnswerType("PHRASE", lemma, rule=f"{w.lower_} is the {lemma}")
        of = [o for p in head.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"]
        of = of or [c for c in head.children if c.dep_ == "poss" and c.pos_ == "NOUN"]  # "the suspect's name"
        # "What is the name of Armenia's prime minister?" asks for a person, with that office (asked as "who"
        # asks, with no head noun: the office is the question's, not a kind to match); "the name of the
        # team's ballpark" a name whose head is "ballpark", not "name"
        if lemma == "name" and of:
            named = _kind_of(of[0].lemma_.lower(), of[0].text) or ("NAME" if of[0].pos_ == "NOUN" else None)
            if named:
                head_noun = "" if named == "PERSON" else of[0].lemma_.lower()
                return AnswerType(named, head_noun, plural, "the name of X", count)
        if lemma in NAME_HEADS:
            return AnswerType("NAME", lemma, plural, f"{w.lower_} {lemma}", count)
        # "which pilot", "which teacher": a noun whose first sense is a person asks for one
        # and a role a company plays too, said of a person: "which billionaire investor"
        person_said = any(
            c.dep_ == "compound" and c.pos_ == "NOUN" and names_people(c.lemma_) for c in head.lefts
        )
        kind = _kind_of(lemma, head.text) or (
            "PERSON" if lemma.isalpha() and (first_names_people(lemma) or person_said) else None
        )
        rule = f"{w.lower_} X" if kind else f"{w.lower_} X (untyped head)"
        return AnswerType(kind or "NP", lemma, plural, rule, count)
    if re.search(r"\bwhat\b", ql):
        return AnswerType("NP", rule="what")
    return AnswerType("PHRASE", rule="no wh-word")


def _head_noun(doc: Any, w: Any) -> Any:
    """Head noun of the wh-phrase: the noun the wh-word determines, else the noun run after it; for
    "what is the X (of Y)" the copula's subject X; "type of X" looks through to X."""
    head = None
    if w.dep_ == "det" and w.head.pos_ in ("NOUN", "PROPN") and w.head.i > w.i:
        head = w.head
    elif w.i + 1 < len(doc) and doc[w.i + 1].pos_ not in ("AUX", "VERB", "ADP", "PRON", "DET", "PART"):
        nouns = []
        for t in doc[w.i + 1 : w.i + 12]:  # hyphens count: "San Francisco-based self-driving subsidiary"
            # a participle or an adverb inside the phrase modifies what follows: "which Moscow-backed
            # security bloc", "which newly elected senator"
            modifier = (t.tag_ in ("VBN", "VBG") and t.dep_ == "amod") or (t.pos_ == "ADV" and t.head.i > t.i)
            if t.pos_ not in ("ADJ", "NOUN", "PROPN", "NUM") and t.tag_ != "HYPH" and not modifier:
                break
            if t.pos_ in ("NOUN", "PROPN"):
                nouns.append(t)
            if t.i + 1 < len(doc) and doc[t.i + 1].tag_ == "POS":  # "which country's ambassador": the country
                break
        head = nouns[-1] if nouns else None
    if head is None and w.head.lemma_ == "be" and w.dep_ in ("attr", "nsubj", "dobj"):
        subjects = [
            c
            for c in w.head.children
            if c.dep_ in ("nsubj", "attr", "nsubjpass") and c.i != w.i and c.pos_ in ("NOUN", "PROPN", "NUM")
        ]
        head = subjects[0] if subjects else None
    if head is None and w.lower_ == "which":
        head = _mistagged_head(doc, w)
    for _ in range(2):
        if head is None or head.lemma_.lower() not in _GENERIC:
            break
        of = [
            g
            for c in head.children
            if c.dep_ == "prep" and c.lower_ == "of"
            for g in c.children
            if g.dep_ == "pobj"
        ]
        if not of:
            break
        head = of[0]
    return head


def _mistagged_head(doc: Any, w: Any) -> Any:
    """The noun after "which" where the small tagger took it, or an adjective before it, for a verb: "which
    insect to", "Which troubled test flight left", "Which cast member, who ..."; or a plural no dictionary
    knows as a verb ("Which fisheries organization" tagged as "fisheries" doing something)."""
    nouns: list[Any] = []
    for t in doc[w.i + 1 : w.i + 6]:
        past = t.tag_ == "VBD" and t.i + 1 < len(doc) and doc[t.i + 1].pos_ == "NOUN"  # "cast member"
        verb_tag = t.tag_ in ("VB", "VBP") or (t.tag_ == "VBZ" and not is_verb(t.lemma_)) or past
        if t.pos_ in ("NOUN", "PROPN") or (not nouns and verb_tag and t.lower_ not in AUX):
            nouns.append(t)
        elif not nouns and (t.dep_ == "amod" or t.pos_ in ("ADJ", "NUM") or t.tag_ == "HYPH"):
            continue
        else:
            break
    return nouns[-1] if nouns else None


_NAME_OF = re.compile(r"\bthe name of\s+", re.IGNORECASE)
# "What is the book called?", "What was that law called?": a name asked for by what the thing is called.
_CALLED_TAIL = r"(?:now |officially |formally )?called(?=\s*\?\s*$)"
_CALLED = re.compile(
    r"^(what (?:is|was|are|were)) (?:the|that|this|these|those|its|his|her|their) ([^?]{1,60}?) "
    + _CALLED_TAIL,
    re.IGNORECASE,
)
_CALLED_WORD = re.compile(r"\s+" + _CALLED_TAIL, re.IGNORECASE)
# "Is the party described in the article as pro-Russian?" asks whether it is: the article's words are the
# matter, not a verb of describing the sentence should hold.
_AS_THE_ARTICLE_SAYS = re.compile(
    r"\s+(?:described|characteri[sz]ed|portrayed|presented|referred to|mentioned)\s+"
    r"(?:in|by) the (?:article|report|story|text)\s+as\b",
    re.IGNORECASE,
)


def plain_question(question: str, asked: AnswerType) -> str:
    """The question as the reader matches it: "What is the name of X?" and "What is X called?" as "What is
    X?" (no report says "name"), "Is X described in the article as Y?" as "Is X Y?"."""
    question = _AS_THE_ARTICLE_SAYS.sub("", question)
    if asked.rule != "the name of X":
        return question
    return _CALLED_WORD.sub("", _NAME_OF.sub("", question, count=1), count=1)
