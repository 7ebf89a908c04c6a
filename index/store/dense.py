"""Filtered nearest-chunk search on Chroma that stays fast as the archive grows.

Chroma's own metadata filter reads the metadata of every chunk it admits: for an as-of date and one outlet,
66 ms at 29k chunks, 0.69 s at 294k and 3.4 s at 1.18M, against a few ms unfiltered (scale_paths.py). So:
1. an unfiltered query this many times deeper than asked (`_OVERFETCH`), filtered here;
2. if too few pass, one deeper in proportion to the share that passed, up to `_MAX_DEPTH` (a 5,000-deep
   unfiltered query took 45 ms at 59k chunks);
3. a filter rarer than that: the search index lists the chunks it admits, and Chroma searches among those
   ids only (25 ms for 5,000 of 59k, against 0.24 s by its filter), in batches under SQLite's limit on
   query variables;
4. only a filter that admits more than `_MAX_IDS` chunks and yet too few of the nearest ones is left to
   Chroma's filter.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from index.store.base import Hit
from index.store.codec import where
from index.store.filters import Filters

_OVERFETCH = 2
_MAX_DEPTH = 5000
_ID_BATCH = 20_000  # one Chroma query's ids: a SQLite statement takes at most 32,766 variables
_MAX_IDS = 200_000

# nearest(vector, k, where clause or None, ids or None) -> hits, best first
Nearest = Callable[[np.ndarray, int, dict[str, Any] | None, list[str] | None], list[Hit]]
# admitted(filters, limit) -> the ids of the chunks that pass, or None when more than limit do
Admitted = Callable[[Filters, int], list[str] | None]


def cosines(stored: np.ndarray, vector: np.ndarray) -> np.ndarray:
    """Cosine similarity of each row of `stored` with `vector` (Chroma's cosine space, as 1 - distance)."""
    norms = np.linalg.norm(stored, axis=1) * float(np.linalg.norm(vector))
    return (stored @ np.asarray(vector, dtype=np.float32)) / np.where(norms > 0, norms, 1.0)


def filtered_search(
    nearest: Nearest, admitted: Admitted, vector: np.ndarray, k: int, filters: Filters
) -> list[Hit]:
    """The k chunks nearest `vector` that pass the filters, best first.

    The store's size is not asked: Chroma returns fewer than asked once it has no more, and its count()
    reads the whole collection (23 to 65 ms at 294k chunks, on every question).
    """
    want = k * _OVERFETCH if filters else k
    while True:
        found = nearest(vector, want, None, None)
        hits = [(ref, score) for ref, score in found if filters.admits(ref)]
        if len(hits) >= k or len(found) < want:  # enough, or every chunk seen
            return hits[:k]
        deeper = math.ceil(want * k / max(len(hits), 1) * 1.25)  # 25% to spare
        if deeper > _MAX_DEPTH:
            break
        want = deeper
    ids = admitted(filters, _MAX_IDS)
    if ids is None:
        return nearest(vector, k, where(filters), None)
    among: list[Hit] = []
    for i in range(0, len(ids), _ID_BATCH):
        batch = ids[i : i + _ID_BATCH]
        among.extend(nearest(vector, min(k, len(batch)), None, batch))
    return sorted(among, key=lambda hit: -hit[1])[:k]
