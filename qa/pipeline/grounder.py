"""From passages and an LLM reply (or none) to a checked, cited Answer: verify, renumber, quote exactly."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qa.models import REFUSAL_TEXT, Answer, Citation, Passage
from qa.pipeline.citations import attributed, markers_in, parse_reply, strip_markers, with_markers
from qa.pipeline.reading import guess_short, question_type
from qa.pipeline.readings import Reading
from qa.pipeline.support import (
    MIN_CLAIM_TERMS,
    MIN_SIMILARITY,
    any_term_in,
    best_quote_span,
    negated,
    restates,
    split_sentences,
    support,
    terms,
)

Similarity = Callable[[str, Sequence[str]], Sequence[float]]


class Grounder:
    """Checks an answer against the passages it may cite and builds the final Answer."""

    def __init__(
        self, question: str, passages: Sequence[Passage], similarity: Similarity | None = None
    ) -> None:
        self.question = question
        self.passages = list(passages)
        self.similarity = similarity
        self._terms = [terms(p.chunk.text) for p in self.passages]

    # -- verification ---------------------------------------------------------------------------------
    def supports(self, claim: str, index: int) -> float:
        """Support score of passage `index` for `claim`; 0 when it does not support it."""
        s = support(claim, self._terms[index])
        if not s.lexical_ok:
            return 0.0
        a, b, _ = best_quote_span(claim, self.passages[index].chunk.text)
        window = self.passages[index].chunk.text[a:b]
        if negated(claim) != negated(window):
            return 0.0  # "will not open" is no support for "will open", whatever words they share
        if self.similarity is not None and float(self.similarity(claim, [window])[0]) < MIN_SIMILARITY:
            return 0.0
        return s.coverage

    def citation(self, n: int, index: int, claim: str) -> Citation:
        """Citation number n of passage `index`, quoting the sentence(s) that best support `claim`."""
        a, b, _ = best_quote_span(claim, self.passages[index].chunk.text)
        return self._cite(n, index, a, b)

    def _cite(self, n: int, index: int, a: int, b: int) -> Citation:
        """Citation number n of passage `index`, quoting its text[a:b]."""
        chunk = self.passages[index].chunk
        return Citation(
            n=n,
            article=chunk.article,
            chunk_id=chunk.id,
            quote=chunk.text[a:b],
            start=chunk.start + a,
            end=chunk.start + b,
            passage=chunk.text,
            passage_start=chunk.start,
            also_reported_by=self.passages[index].also,
        )

    # -- answers ---------------------------------------------------------------------------------------
    def refusal(self, notes: Sequence[str] = (), reason: str = REFUSAL_TEXT, limit: int = 3) -> Answer:
        """A refused Answer that cites the closest evidence (the top passages, best sentence quoted)."""
        evidence = [self.citation(i + 1, i, self.question) for i in range(min(limit, len(self.passages)))]
        text = reason
        if evidence:
            text += " Closest passages found: " + " ".join(f"[{c.n}]" for c in evidence) + "."
        return Answer(self.question, text, "", tuple(evidence), True, tuple(notes))

    def from_reply(self, raw: str, notes: Sequence[str] = ()) -> Answer:
        """Verify an LLM reply sentence by sentence; unsupported sentences go, wrong citations are fixed."""
        notes = list(notes)
        reply = parse_reply(raw)
        if reply.says_unknown or not self.passages:
            return self.refusal(notes)
        kept: list[tuple[str, list[int]]] = []  # (claim, passage indexes)
        # a yes/no answer says the question's words back by nature ("Armenia has not applied ...")
        echoes = question_type(self.question) != "yesno"
        for sentence in split_sentences(reply.explanation):
            claim = strip_markers(sentence)
            if len(terms(claim).stems) < MIN_CLAIM_TERMS or any(claim == c for c, _ in kept):
                continue
            if echoes and restates(claim, self.question):
                notes.append(f"Removed a sentence that only restates the question: {claim!r}")
                continue
            cited = [n - 1 for n in markers_in(sentence) if 1 <= n <= len(self.passages)]
            ok = [i for i in cited if self.supports(claim, i) > 0]
            if not ok:
                # The model cited nothing, or the wrong source: look for one that does support the claim.
                scores = [(self.supports(claim, i), i) for i in range(len(self.passages))]
                best, idx = max(scores)
                if best > 0:
                    ok = [idx]
            if ok:
                kept.append((claim, ok))
            else:
                notes.append(f"Removed a sentence no source supports: {claim!r}")
        short = self._checked_short(reply.short, kept)
        if not kept and short:
            # Only the short answer survived: cite the sentence that carries it and is about the question
            # (a sentence that merely contains the phrase, such as an injected one, is not evidence).
            idx = max(range(len(self.passages)), key=lambda i: self.supports(short, i))
            if self.supports(short, idx) > 0:
                a, b, _ = best_quote_span(self.question + " " + short, self.passages[idx].chunk.text)
                sentence = self.passages[idx].chunk.text[a:b].strip()
                about = terms(self.question).stems - terms(short).stems
                if support(short, sentence).lexical_ok and any_term_in(about, sentence):
                    kept.append((sentence, [idx]))
        if not kept:
            return self.refusal(notes)
        return self._build(kept, short, notes)

    def _checked_short(self, short: str, kept: Sequence[tuple[str, list[int]]]) -> str:
        """The reply's answer phrase if the passages back it; yes/no is checked against the claims."""
        short = short.strip().rstrip(".")
        if not short:
            return ""
        if question_type(self.question) == "yesno" and short.lower().split()[0].strip(",.") in ("yes", "no"):
            return short.split()[0].strip(",.").lower() if kept else ""
        if restates(short, self.question):
            return ""
        pools = [i for _, idxs in kept for i in idxs] or range(len(self.passages))
        for i in pools:
            s = support(short, self._terms[i])
            if s.coverage >= 0.5 and not s.novel_numbers:
                return short
        return ""

    def _build(self, kept: Sequence[tuple[str, list[int]]], short: str, notes: Sequence[str]) -> Answer:
        # One number per quoted span, by first use: two claims resting on different sentences of one passage
        # get two citations, so each [n] leads to the sentence that supports the claim it follows.
        numbering: dict[tuple[int, int, int], int] = {}
        citations: list[Citation] = []
        parts: list[str] = []
        for claim, idxs in kept:
            nums = []
            for i in idxs:
                a, b, _ = best_quote_span(claim, self.passages[i].chunk.text)
                if (i, a, b) not in numbering:
                    numbering[(i, a, b)] = len(numbering) + 1
                    citations.append(self.citation(numbering[(i, a, b)], i, claim))
                if numbering[(i, a, b)] not in nums:
                    nums.append(numbering[(i, a, b)])
            if not parts:
                claim = attributed(claim, citations[nums[0] - 1])
            parts.append(with_markers(claim, nums))
        if not short:
            # The answer phrase if one can be picked out, else the supported claim itself (never the
            # "X reported on ..." attribution, which is not part of the answer).
            short = guess_short(self.question, citations[0].quote) or strip_markers(kept[0][0]).rstrip(".")
        return Answer(self.question, " ".join(parts), short, tuple(citations), False, tuple(notes))

    def from_reading(self, reading: Reading, notes: Sequence[str] = ()) -> Answer:
        """The reader's answer, stated in its sentence and cited; a refusal when the passages do not say."""
        if reading.refused or reading.evidence is None:
            return self.refusal(notes)
        citations, sentences = [], []
        said_by: tuple[str, object] | None = None  # who published the sentence before, and when
        for n, ev in enumerate((reading.evidence, *reading.more), 1):  # a list's items may be stated apart
            text = self.passages[ev.passage].chunk.text
            a, b = ev.start, ev.end
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            cited = self._cite(n, ev.passage, a, b)
            citations.append(cited)
            claim = ev.claim or text[a:b]
            # one outlet and date are said once: "As reported on 21 May 2025" opens the answer, not each line
            first = said_by != (cited.source, cited.published)
            sentences.append(with_markers(attributed(claim, cited) if first else claim, [n]))
            said_by = (cited.source, cited.published)
        answer = " ".join(sentences)
        if reading.asked.kind == "YESNO":
            answer = f"{reading.short.capitalize()}. {answer}"
        return Answer(self.question, answer, reading.short, tuple(citations), False, tuple(notes))
