"""Near-duplicate articles (wire copies, re-published stories) found with MinHash LSH (datasketch)."""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

NUM_PERM = 64
THRESHOLD = 0.7  # estimated Jaccard similarity of word 5-shingles above which two articles are one story
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def signature(text: str) -> np.ndarray:
    """MinHash signature of the article's word 5-shingles (lower-cased), as uint64 values."""
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + 5]) for i in range(max(1, len(words) - 4))}
    mh = MinHash(num_perm=NUM_PERM)
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(mh.hashvalues, dtype=np.uint64)


def encode(sig: np.ndarray) -> str:
    """A signature as text, to keep in the store's article manifest."""
    return sig.astype("<u8").tobytes().hex()


def decode(text: str) -> np.ndarray:
    """Inverse of encode."""
    return np.frombuffer(bytes.fromhex(text), dtype="<u8").astype(np.uint64)


class DuplicateFinder:
    """Assigns each article a story group: its own id, or the id of an earlier near-identical article."""

    def __init__(self, known: Iterable[tuple[str, str, str]] = ()) -> None:
        """`known`: (article id, group id, encoded signature) of articles already stored."""
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
        self._group: dict[str, str] = {}
        for article_id, group, sig in known:
            if sig:
                self._add(article_id, group or article_id, decode(sig))

    def _add(self, article_id: str, group: str, sig: np.ndarray) -> None:
        from datasketch import LeanMinHash, MinHash

        if article_id in self._group:
            self._lsh.remove(article_id)
        self._lsh.insert(article_id, LeanMinHash(MinHash(num_perm=NUM_PERM, hashvalues=sig)))
        self._group[article_id] = group

    def assign(self, article_id: str, sig: np.ndarray) -> str:
        """The group of a new (or changed) article; it joins the index for the next ones."""
        from datasketch import LeanMinHash, MinHash

        matches = [m for m in self._lsh.query(LeanMinHash(MinHash(num_perm=NUM_PERM, hashvalues=sig)))
                   if m != article_id]
        # Join the group of the earliest-stored match, so a group keeps one stable representative.
        group = min((self._group[m] for m in matches), default=article_id)
        self._add(article_id, group, sig)
        return group
