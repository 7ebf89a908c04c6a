"""What the archive held when a question was asked: a gold answer anywhere in an article published by then,
or in a sentence of one that states it. Retrieval is measured on those questions too, since on a pooled corpus
many gold answers are in no article at all."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from index.chunking import sentence_spans
from index.store.base import Store
from qa.eval.dataset import EvalQuestion
from qa.eval.metrics import contains
from qa.normalization import normalize_answer
from qa.pipeline.support import terms


class Archive:
    """Every article's date and text, read from the store once for all the questions asked of it."""

    def __init__(self, store: Store) -> None:
        texts: dict[str, tuple[date | None, list[str]]] = {}
        for chunk in store.chunks():
            texts.setdefault(chunk.article_id, (chunk.article.published, []))[1].append(chunk.text)
        self._articles = [(day, normalize_answer(" ".join(parts)), parts) for day, parts in texts.values()]
        self._sentences: dict[int, list[tuple[str, frozenset[str]]]] = {}  # only articles a gold is in

    def holds(self, q: EvalQuestion) -> bool:
        """Whether an article published by the question's as-of date holds a gold answer."""
        return next(self._holding(q), None) is not None

    def states(self, q: EvalQuestion, min_shared: int = 2) -> bool:
        """Whether a sentence of such an article states a gold answer, as far as words tell: it holds the
        gold and at least `min_shared` of the question's other content words. A gold that is there only by
        chance ("Ohio" in another story) is not stated; a rough label, since a paraphrase shares no words."""
        golds = _golds(q)
        asked = terms(q.question).stems - frozenset().union(*(terms(a).stems for a in q.answers))
        return any(
            len(asked & stems) >= min_shared and any(contains(text, g) for g in golds)
            for i in self._holding(q)
            for text, stems in self._split(i)
        )

    def _holding(self, q: EvalQuestion) -> Iterator[int]:
        golds = _golds(q)
        for i, (published, text, _) in enumerate(self._articles):
            if (published is None or q.asked_on is None or published <= q.asked_on) and any(
                contains(text, g) for g in golds
            ):
                yield i

    def _split(self, i: int) -> list[tuple[str, frozenset[str]]]:
        if i not in self._sentences:
            found = [t[a:b] for t in self._articles[i][2] for a, b in sentence_spans(t)]
            self._sentences[i] = [(normalize_answer(x), terms(x).stems) for x in found]
        return self._sentences[i]


def _golds(q: EvalQuestion) -> list[str]:
    return [g for g in (normalize_answer(a) for a in q.answers) if g]
