"""Does a passage support a sentence? Content-word coverage, novel names and numbers, embedding similarity.

Hand-written because no library offered here checks support offline: no NLI or cross-encoder model ships
inside a PyPI package (see ../shared/FIELD-NOTES.md). The checks are deliberately strict: a sentence that
adds a name or a number its passage does not contain is unsupported, whatever else it shares.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from index.chunking import sentence_spans
from qa.normalization import NUMBER_WORDS

_WORD = re.compile(r"[^\W_]+(?:[’'.,-][^\W_]+)*", re.UNICODE)
_NUMBER = re.compile(r"^\d[\d.,]*$")
# Words an answer adds to attribute, not to claim; they never make a sentence unsupported.
_ATTRIBUTION = {
    "said", "says", "say", "told", "according", "reported", "reports", "report", "stated", "states",
    "noted", "added", "article", "articles", "source", "sources", "also", "would", "could", "may", "might",
    "mr", "ms", "mrs", "dr", "mention", "mentioned", "mentions",
}  # fmt: skip
# British spellings written the American way before stemming, so "organisation" meets "Organization" (news
# from both sides of the Atlantic, and questions in either). Applied to every word alike, so a rule that
# rewrites a word it was not meant for ("promise" -> "promize") still compares equal to itself.
_SPELLING = (
    (re.compile(r"(?<=\w\w\w)is(e|es|ed|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"(?<=\w\w)ys(e|es|ed|ing)$"), r"yz\1"),
    (re.compile(r"(?<=\w\w\w)our(s|ed|ing|able|ite|ites)?$"), r"or\1"),
    (re.compile(r"(?<=\w\w)(t|b)re(s)?$"), r"\1er\2"),
    (re.compile(r"^(de|of)fence(s)?$"), r"\1fense\2"),
)
# Past forms of common irregular verbs, written as their base before stemming: a question asks "Where did
# they hold the talks?" and the report says "held" (the stemmer only strips regular endings). Forms that are
# also common nouns, names or acronyms ("found", "left", "saw", "rose", "lead", "Fed", "SAT") are left out.
_IRREGULAR = {
    past: base
    for base, forms in {
        "hold": "held", "meet": "met", "win": "won", "begin": "began begun", "take": "took taken",
        "give": "gave given", "make": "made", "come": "came", "go": "went gone", "choose": "chose chosen",
        "strike": "struck stricken", "speak": "spoke spoken", "write": "wrote written", "pay": "paid",
        "send": "sent", "build": "built", "bring": "brought", "think": "thought", "keep": "kept",
        "lose": "lost", "catch": "caught", "sell": "sold", "buy": "bought", "tell": "told", "run": "ran",
        "fall": "fell fallen", "rise": "risen", "drive": "drove driven", "break": "broke broken",
        "steal": "stole stolen", "freeze": "froze frozen", "shoot": "shot", "fly": "flew flown",
        "grow": "grew grown", "know": "knew known", "throw": "threw thrown", "draw": "drew drawn",
        "sing": "sang sung", "swim": "swam swum", "sink": "sank sunk", "eat": "ate eaten",
        "forbid": "forbade forbidden", "seek": "sought", "teach": "taught", "fight": "fought",
        "bear": "borne", "flee": "fled", "stand": "stood",
        "understand": "understood", "withdraw": "withdrew withdrawn", "overtake": "overtook overtaken",
        "undergo": "underwent undergone", "oversee": "oversaw overseen", "arise": "arose arisen",
    }.items()
    for past in forms.split()
}  # fmt: skip
# Verbs news uses for one another, by stem: "Which state started early voting?" / "voting began in Arizona".
_SAME_STEM = {"begin": "start", "commenc": "start", "purchas": "buy", "acquir": "buy", "finish": "end",
              "conclud": "end"}  # fmt: skip
# An office's men's, women's and neutral forms are one office: "Navalny's spokeswoman" is the spokesperson a
# question asks for, "the chairman" its chairperson.
_GENDERED = re.compile(r"^(spokes|chair|congress|business|council|anchor)(?:(?:wo)?m[ae]n|people)$")
# Numbers news writes in words below 10 (AP style) and in figures elsewhere: "a five-year project" and "a
# 5-year project" share the word. ("one" stays a word: "one of the ..." is seldom a count.)
_NUMBER_WORDS = {w: str(n) for w, n in NUMBER_WORDS.items() if 2 <= n <= 10}
MIN_COVERAGE = 0.6  # share of a sentence's content words its passage must contain
MIN_SIMILARITY = 0.3  # cosine between a sentence and its passage (all-MiniLM-L6-v2 scale)


@cache
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN_PLUS

    # "won" is on the list as the "won" of "won't"; in news it is mostly the verb ("Who won the race?")
    return (frozenset(STOPWORDS_EN_PLUS) - {"won"}) | _ATTRIBUTION


@cache
def _stemmer():
    import Stemmer  # PyStemmer, installed with bm25s

    return Stemmer.Stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents, with unicode quotes and dashes made plain."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "‑": "-"})
    return text.translate(table).lower()


def name_key(text: str) -> str:
    """A name as the closed lists (gazetteer.py, leagues.py) key it: no leading "the", no full stops
    ("U.S."), no accents, lower case."""
    return fold(re.sub(r"^the\s+", "", text.strip(), flags=re.IGNORECASE)).replace(".", "")


@dataclass(frozen=True)
class Terms:
    """Content terms of a text: stems, plus the numbers and capitalised names among them."""

    stems: frozenset[str]
    numbers: frozenset[str]
    names: frozenset[str]


@lru_cache(maxsize=1 << 16)  # the reader asks for the same words' terms many times per question
def terms(text: str) -> Terms:
    """Content words of `text` (stop words dropped), stemmed."""
    stems: set[str] = set()
    numbers: set[str] = set()
    names: set[str] = set()
    words = _WORD.findall(unicodedata.normalize("NFKC", text))
    stemmer = _stemmer()
    for raw in words:
        for piece in re.split(r"[’'-]", raw):
            word = fold(piece).strip(".,")
            if not word or word in _stopwords():
                continue
            if _NUMBER.match(word):
                number = word.replace(",", "").rstrip(".")
                stems.add(number)
                numbers.add(number)
                continue
            if word in _NUMBER_WORDS:  # a stem as the figure's, not a number a claim must find written
                stems.add(_NUMBER_WORDS[word])
                continue
            word = _IRREGULAR.get(word, word)
            word = _GENDERED.sub(r"\1person", word)
            for pattern, american in _SPELLING:
                word = pattern.sub(american, word)
            stem = stemmer.stemWord(word)
            stem = _SAME_STEM.get(stem, stem)
            stems.add(stem)
            # Capitalised words count as names, the first one too: a strict check may drop a sound sentence
            # that opens with a word its source lacks, but never keeps an invented name.
            if piece[:1].isupper():
                names.add(stem)
    return Terms(frozenset(stems), frozenset(numbers), frozenset(names))


# Words any company's name may end in, which name no company in particular ("Gannett Co." is Gannett).
CORPORATE = terms("co corp inc ltd llc plc company corporation").stems


def word_stems(token: Any) -> frozenset[str]:
    """Stems of a parsed word as written and as its lemma: "held" and "hold"."""
    return terms(token.text).stems | terms(token.lemma_).stems


def covers(term: str, pool: frozenset[str]) -> bool:
    """Whether `term` or a word sharing its stem (4+ letters) is in the pool."""
    if term in pool:
        return True
    if len(term) < 4 or term.isdigit():
        return False
    # "russia" / "russian", "armenia" / "armenian": a shared stem of at least 4 letters counts.
    return any(len(p) >= 4 and (p.startswith(term) or term.startswith(p)) for p in pool)


@dataclass(frozen=True)
class Support:
    """How well some evidence supports a claim."""

    coverage: float  # share of the claim's content terms found in the evidence
    novel_numbers: tuple[str, ...]
    novel_names: tuple[str, ...]

    @property
    def lexical_ok(self) -> bool:
        """Enough shared content and no invented number or name."""
        return self.coverage >= MIN_COVERAGE and not self.novel_numbers and not self.novel_names


def support(claim: str, evidence: str | Terms) -> Support:
    """Lexical support of `claim` by `evidence`."""
    c = terms(claim)
    e = evidence if isinstance(evidence, Terms) else terms(evidence)
    if not c.stems:
        return Support(0.0, (), ())
    covered = sum(1 for t in c.stems if covers(t, e.stems))
    return Support(
        coverage=covered / len(c.stems),
        novel_numbers=tuple(sorted(n for n in c.numbers if n not in e.numbers)),
        novel_names=tuple(sorted(n for n in c.names if not covers(n, e.stems))),
    )


def best_quote_span(claim: str, text: str) -> tuple[int, int, float]:
    """Span in `text` of the sentence (or two adjacent sentences) that best supports `claim`.

    Returns (start, end, coverage); the span is exact, so text[start:end] can be quoted as it stands.
    """
    spans = sentence_spans(text) or [(0, len(text))]
    scored = [(support(claim, text[a:b]).coverage, i) for i, (a, b) in enumerate(spans)]
    best_cov, best = max(scored, key=lambda x: (x[0], -x[1]))
    a, b = spans[best]
    # A claim that merges two neighbouring sentences is quoted with both, when that adds real support.
    for j in (best - 1, best + 1):
        if 0 <= j < len(spans):
            lo, hi = min(a, spans[j][0]), max(b, spans[j][1])
            cov = support(claim, text[lo:hi]).coverage
            if cov >= best_cov + 0.2:
                return lo, hi, cov
    return a, b, best_cov


_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nor|neither|nobody|nothing|without)\b|n[’']t\b", re.IGNORECASE
)


def negated(text: str) -> bool:
    """True when the text says something is not so; a claim and its evidence must agree on this."""
    return bool(_NEGATION.search(text))


def denies(sentence: str, question: str) -> bool:
    """Whether the sentence says no to a yes/no question: a negation just before a word the question asks.

    "Schools will not reopen" denies "Will schools reopen?"; "schools will reopen after inspections found no
    damage" does not, though it holds a "no". Without any of the question's words, any negation counts.
    """
    asked = terms(question).stems
    words = _WORD.findall(sentence)
    hits = [i for i, w in enumerate(words) if terms(w).stems & asked]
    if not hits:
        return negated(sentence)
    return any(negated(" ".join(words[max(0, i - 3) : i])) for i in hits)


def restates(claim: str, question: str) -> bool:
    """Whether a claim only says the question's words back ("The SS United States is still in Philadelphia
    after eviction" for "Why is the SS United States still in Philadelphia after eviction?"): it answers
    nothing. A name counts as the question's only as written there ("NEWS.ru" is no "news")."""
    c, asked = terms(claim), terms(question).stems
    return bool(c.stems) and all(s in asked or (s not in c.names and covers(s, asked)) for s in c.stems)


MIN_CLAIM_TERMS = 2  # "Orbán said:" is no claim to check


def split_sentences(text: str) -> list[str]:
    """Sentences of an answer text."""
    return [text[a:b].strip() for a, b in sentence_spans(text) if text[a:b].strip()]


def any_term_in(words: Iterable[str], text: str) -> bool:
    """True when one of `words` (content terms) occurs in `text`."""
    pool = terms(text).stems
    return any(covers(w, pool) for w in words)
