"""Questions that ask for the one thing two statements share: "Which city is both the venue of the talks and
one of the proposed hosts of the next sessions?"

Each statement is read as a question of its own over the same passages, and the answer is a candidate both
readings give (a list item counts: "Yerevan" is in "Baku and Yerevan"), as well stated as the less stated
of the two, with both sentences cited; unless the whole question's reading states its answer better. One
statement alone answers the other's question wrong: "Baku" hosts the next sessions but held no talks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.models import Passage
from qa.normalization import normalize_answer
from qa.pipeline.lists import parts
from qa.pipeline.pronouns import Fetch
from qa.pipeline.quiz_sentences import question_sentences
from qa.pipeline.reader import Similarity, read
from qa.pipeline.readings import Candidate, Reading

_BOTH = re.compile(r"^(?P<pre>.*?)\bboth\s+(?P<rest>.+?)\s*(?P<end>[?.!]*)$", re.IGNORECASE | re.DOTALL)


def both_parts(question: str) -> tuple[str, str] | None:
    """The two questions a "both A and B" question joins, or None.

    The "and" that splits them is the one followed by the word A starts with ("both as X and as Y"), else
    the last one: the statements are parallel, and A may hold an "and" of its own.
    """
    # a quiz's lead-in may hold its own "both" ("winning both top rookie and top pitcher honors"): only
    # the asked sentence's joins two questions
    if not re.search(r"\bboth\b", question_sentences(question)[-1], re.IGNORECASE):
        return None
    m = _BOTH.match(question.strip())
    if not m:
        return None
    pre, rest, end = m.group("pre"), m.group("rest"), m.group("end") or "?"
    first = rest.split()[0].lower()
    ands = list(re.finditer(r"\s+and\s+", rest))
    if not ands or not pre.strip():
        return None
    parallel = [a for a in ands if rest[a.end() :].lower().startswith(first + " ")]
    split = parallel[0] if parallel else ands[-1]
    a, b = rest[: split.start()].strip(), rest[split.end() :].strip()
    if not a or not b:
        return None
    return f"{pre}{a}{end}", f"{pre}{b}{end}"


def _same(x: str, y: str) -> bool:
    """One answer, or one an item of the other's list."""
    xs = {normalize_answer(p) for p in parts(x)}
    ys = {normalize_answer(p) for p in parts(y)}
    return bool(xs & ys)


def _shared(first: Sequence[Candidate], second: Sequence[Candidate]) -> tuple[Candidate, Candidate] | None:
    pairs = [(a, b) for a in first for b in second if _same(a.text, b.text)]
    return max(pairs, key=lambda ab: min(ab[0].support, ab[1].support), default=None)


def read_question(
    question: str,
    passages: Sequence[Passage],
    similarity: Similarity | None = None,
    fetch: Fetch | None = None,
) -> Reading:
    """The reader's reading of a question, a "both A and B" one read as its two statements."""
    whole = read(question, passages, similarity, fetch)
    split = both_parts(question)
    if split is None or whole.asked.kind in ("PHRASE", "YESNO"):
        return whole
    one, two = (read(q, passages, similarity, fetch) for q in split)
    pair = _shared(one.candidates or _only(one), two.candidates or _only(two))
    if pair is None or min(pair[0].support, pair[1].support) <= whole.support:
        return whole  # the whole question's own reading states it better
    a, b = pair
    text = a.text if len(parts(a.text)) <= len(parts(b.text)) else b.text  # the item, not the list
    more = (b.evidence,) if b.evidence != a.evidence else ()
    candidate = Candidate(text, min(a.support, b.support), a.evidence)
    return Reading(whole.asked, text, candidate.support, a.evidence, (candidate, *whole.candidates), more)


def _only(reading: Reading) -> tuple[Candidate, ...]:
    """A reading's answer as its one candidate (readings of special questions carry none)."""
    if reading.evidence is None or not reading.short:
        return ()
    return (Candidate(reading.short, reading.support, reading.evidence),)
