"""Stories: near-duplicate articles (wire copies, re-publications) grouped by MinHash LSH; their members."""

from __future__ import annotations

import base64
import re
import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any

import numpy as np

from index.models import Article, ArticleInfo
from index.store.manifest import Manifest

NUM_PERM = 128
SHINGLE_WORDS = 5  # 5-word shingles: shared phrasing, not shared vocabulary, makes two texts one story
_SCHEME = "affine32"
_WORD = re.compile(r"\w+")


def _minhash(hashvalues: Any = None) -> Any:
    from datasketch import MinHash

    # crc32: a stable hash (signatures are stored) in C, several times faster than datasketch's sha1 default.
    return MinHash(num_perm=NUM_PERM, hashfunc=zlib.crc32, scheme=_SCHEME, hashvalues=hashvalues)


def signature(text: str) -> Any:
    """MinHash of the text's 5-word shingles (lower-cased words; punctuation and spacing ignored)."""
    words = _WORD.findall(text.lower())
    grams = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    mh = _minhash()
    mh.update_batch([g.encode("utf-8") for g in grams if g])
    return mh


def encode(mh: Any) -> str:
    """A signature as text, for Chroma metadata."""
    return base64.b64encode(np.asarray(mh.hashvalues).tobytes()).decode("ascii")


def decode(text: str) -> Any:
    """The signature that `encode` wrote."""
    dtype = _minhash().hashvalues.dtype
    return _minhash(np.frombuffer(base64.b64decode(text), dtype=dtype).copy())


class DuplicateGroups:
    """Assigns each article to a story group: its own id, or the group of a near-duplicate already seen.

    A group is named after its first member and never renamed, so chunks written earlier keep a valid group.
    """

    def __init__(self, threshold: float) -> None:
        from datasketch import MinHashLSH

        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"the duplicate threshold must be in (0, 1], got {threshold}")
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._members: dict[str, tuple[str, Any]] = {}  # article id -> (group, signature)

    def __len__(self) -> int:
        return len(self._members)

    def load(self, entries: Iterable[tuple[str, str, str]]) -> None:
        """Add stored (article id, group, encoded signature) entries."""
        for article_id, group, sig in entries:
            self._add(article_id, group or article_id, decode(sig))

    def assign(self, article_id: str, text: str) -> tuple[str, str]:
        """(group, encoded signature) for an article, which joins the index."""
        self.remove(article_id)  # a changed article is grouped afresh
        mh = signature(text)
        group = article_id
        # LSH candidates are probable matches; keep only those whose estimated Jaccard passes the threshold.
        scored = [(mh.jaccard(self._members[c][1]), c) for c in self._lsh.query(mh) if c in self._members]
        passing = sorted((s, c) for s, c in scored if s >= self.threshold)
        if passing:
            group = self._members[passing[-1][1]][0]
        self._add(article_id, group, mh)
        return group, encode(mh)

    def remove(self, article_id: str) -> None:
        """Forget an article (deleted, or about to be re-grouped)."""
        if self._members.pop(article_id, None) is not None:
            self._lsh.remove(article_id)

    def _add(self, article_id: str, group: str, mh: Any) -> None:
        self.remove(article_id)
        self._lsh.insert(article_id, mh)
        self._members[article_id] = (group, mh)


class Stories:
    """The story grouping of one store: assigns groups at write time, lists a story's members at read time.

    The LSH index is built from the manifest's stored signatures at the first write, not at open, so a
    store opened only to answer questions never reads every signature. A story's members are found by
    `articles_of` (story -> article ids, from an index) and read by id: a manifest query by group grows
    with the archive (28 ms at 23,590 articles, against 1.2 ms by id).
    """

    def __init__(
        self,
        manifest: Manifest,
        threshold: float,
        articles_of: Callable[[Sequence[str]], dict[str, list[str]]],
    ) -> None:
        self._manifest = manifest
        self.threshold = threshold
        self._articles_of = articles_of
        self._groups: DuplicateGroups | None = None

    @property
    def enabled(self) -> bool:
        """Whether articles are grouped at all (NEWSQA_DUPLICATE_THRESHOLD > 0)."""
        return self.threshold > 0

    def assign(self, article: Article) -> tuple[str, str]:
        """(group, encoded signature) for an article about to be written; ("", "") when grouping is off."""
        if not self.enabled:
            return "", ""
        if self._groups is None:
            groups = DuplicateGroups(self.threshold)
            groups.load(
                (aid, str(m.get("group", "")), str(m["minhash"]))
                for aid, m in self._manifest.entries()
                if m.get("minhash")
            )
            self._groups = groups
        return self._groups.assign(article.id, article.text)

    def forget(self, article_ids: Sequence[str]) -> None:
        """Drop deleted or half-written articles from the grouping."""
        if self._groups is not None:
            for aid in article_ids:
                self._groups.remove(aid)

    def members(self, groups: Sequence[str]) -> dict[str, list[ArticleInfo]]:
        """The finished articles of each story group, oldest first."""
        wanted = sorted(set(groups))
        if not wanted or not self.enabled:
            return {}
        out: dict[str, list[ArticleInfo]] = {g: [] for g in wanted}
        ids = [aid for aids in self._articles_of(wanted).values() for aid in aids]
        for stored in self._manifest.by_ids(ids):
            out.setdefault(stored.info.story, []).append(stored.info)
        for infos in out.values():
            infos.sort(key=lambda i: (i.published or date.max, i.source, i.id))
        return out
