"""The coverage timeline: publication dates of the articles behind an answer and of the others retrieved."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from index.models import ArticleInfo

WIDTH = 320  # the SVG's own units; it is scaled to the panel's width
PAD = 16  # room at either end, so a mark and its label are not cut off


@dataclass(frozen=True)
class Mark:
    """The articles of one day, cited or only retrieved, at x on the axis."""

    day: date
    cited: bool
    count: int
    x: float

    @property
    def radius(self) -> float:
        """Bigger for cited articles and for days with more articles."""
        return (5.0 if self.cited else 3.5) + min(self.count - 1, 3)


@dataclass(frozen=True)
class Timeline:
    """The marks on an axis from the first to the last date, and how many articles had no date."""

    marks: tuple[Mark, ...]  # retrieved-only ones first, so cited marks are drawn on top
    first: date
    last: date
    cited: int  # dated cited articles
    others: int  # dated articles retrieved but not cited
    undated: int

    @property
    def cited_days(self) -> list[date]:
        """The days of the cited articles, oldest first."""
        return sorted({m.day for m in self.marks if m.cited})

    @property
    def width(self) -> int:
        """Width of the SVG's view box."""
        return WIDTH

    @property
    def end(self) -> int:
        """Where the axis ends."""
        return WIDTH - PAD

    @property
    def start(self) -> int:
        """Where the axis starts."""
        return PAD


def timeline(cited: Sequence[ArticleInfo], retrieved: Sequence[ArticleInfo]) -> Timeline | None:
    """The timeline of the cited and the other retrieved articles (each counted once); None without dates."""
    kinds: dict[str, tuple[ArticleInfo, bool]] = {a.id: (a, True) for a in cited}
    for a in retrieved:
        kinds.setdefault(a.id, (a, False))
    counts = Counter((a.published, is_cited) for a, is_cited in kinds.values() if a.published is not None)
    if not counts:
        return None
    days = [day for day, _ in counts]
    first, last = min(days), max(days)
    span = (last - first).days

    def x(day: date) -> float:
        if span == 0:
            return WIDTH / 2
        return round(PAD + (day - first).days / span * (WIDTH - 2 * PAD), 1)

    marks = tuple(
        Mark(day, is_cited, n, x(day))
        for (day, is_cited), n in sorted(counts.items(), key=lambda item: (item[0][1], item[0][0]))
    )
    return Timeline(
        marks,
        first,
        last,
        cited=sum(n for (_, c), n in counts.items() if c),
        others=sum(n for (_, c), n in counts.items() if not c),
        undated=len(kinds) - sum(counts.values()),
    )
