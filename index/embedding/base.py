"""The embedder interface: vectors for texts, and what chunking needs (a window, a way to count tokens)."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np


class EmbedderError(RuntimeError):
    """An embedder cannot be built or used; the message says what to install or set."""


@dataclass(frozen=True)
class Tokens:
    """The tokens of a text with their character spans and the word each belongs to (None: no word)."""

    starts: Sequence[int]
    ends: Sequence[int]
    words: Sequence[int | None]

    def __len__(self) -> int:
        return len(self.starts)


class Embedder(ABC):
    """Turns texts into unit-length vectors; `name` is recorded in the collection it builds.

    `max_tokens` is how much of one text the model reads (its own special tokens not counted): chunks are
    sized in these tokens, counted by `tokenize`, so that no chunk is cut off unseen.
    """

    name: str
    dim: int
    max_tokens: int

    @abstractmethod
    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """A float32 array of shape (len(texts), dim), rows L2-normalised."""

    @abstractmethod
    def tokenize(self, text: str) -> Tokens:
        """The model's tokens of `text` (no special tokens), with character offsets."""

    def count_tokens(self, text: str) -> int:
        """How many tokens the model sees for `text`."""
        return len(self.tokenize(text))

    def clip(self, text: str, n: int) -> str:
        """The longest prefix of `text` that is at most n tokens, cut at a token boundary."""
        if n <= 0:
            return ""
        tokens = self.tokenize(text)
        return text if len(tokens) <= n else text[: tokens.ends[n - 1]]

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Hold whatever makes many embeds faster (worker processes, say) for the duration of an ingest."""
        yield


_WORDISH = re.compile(r"\w+|[^\w\s]")


def word_tokens(text: str) -> Tokens:
    """Words and punctuation marks as tokens: a stand-in for models whose tokenizer is remote."""
    spans = [(m.start(), m.end()) for m in _WORDISH.finditer(text)]
    return Tokens([a for a, _ in spans], [b for _, b in spans], list(range(len(spans))))
