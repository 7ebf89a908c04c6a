"""Which articles a search may return: a publication window and a set of outlets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from index.dates import within
from index.models import ArticleInfo, ChunkRef


@dataclass(frozen=True)
class Filters:
    """Published from `since` up to `as_of` (both inclusive; undated articles pass), from these outlets."""

    since: date | None = None
    as_of: date | None = None
    sources: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return self.since is not None or self.as_of is not None or bool(self.sources)

    def admits(self, article: ArticleInfo | ChunkRef) -> bool:
        """Whether an article (or a chunk of it) passes the filters."""
        in_window = within(article.published, since=self.since, until=self.as_of)
        return in_window and (not self.sources or article.source in self.sources)

    def in_window(self, published: date | None) -> bool:
        """Whether a publication date passes the date part of the filters."""
        return within(published, since=self.since, until=self.as_of)

    def describe(self) -> str:
        """A short phrase for people ("from 2024-10-01; as of 2024-10-31"), empty without filters."""
        parts = []
        if self.since:
            parts.append(f"from {self.since.isoformat()}")
        if self.as_of:
            parts.append(f"as of {self.as_of.isoformat()}")
        if self.sources:
            parts.append("outlets: " + ", ".join(self.sources))
        return "; ".join(parts)
