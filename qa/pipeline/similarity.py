"""The embedding similarity of a question and texts, each pair computed once while one answer is made: the
reader and the sentence ranking ask for the same sentences."""

from __future__ import annotations

from collections.abc import Callable, Sequence


def remembered(
    similarity: Callable[[str, Sequence[str]], Sequence[float]],
) -> Callable[[str, Sequence[str]], Sequence[float]]:
    """The similarity function, remembering each (query, text) pair's score."""
    scores: dict[tuple[str, str], float] = {}

    def remembered(query: str, texts: Sequence[str]) -> Sequence[float]:
        missing = [t for t in dict.fromkeys(texts) if (query, t) not in scores]
        if missing:
            scores.update(
                zip(((query, t) for t in missing), map(float, similarity(query, missing)), strict=True)
            )
        return [scores[(query, t)] for t in texts]

    return remembered
