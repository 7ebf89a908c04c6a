"""How fresh an answer is: a note when a question about now rests on old reports."""

from __future__ import annotations

from datetime import date

from index.dates import asks_about_now, day_number, long_date
from qa.models import Answer, Passage


def freshness_notes(answer: Answer, question: str, as_of: date | None, stale_days: int) -> tuple[str, ...]:
    """A note naming the latest report when the question asks how things stand now and it is old."""
    newest = answer.newest_source
    if answer.refused or newest is None or not asks_about_now(question):
        return ()
    if ((as_of or date.today()) - newest).days <= stale_days:
        return ()
    return (f"Latest report: {long_date(newest)}. Things may have changed since.",)


def newest_first(query: str, passages: list[Passage]) -> list[Passage]:
    """For a question about how things stand now, the newer of equally relevant passages first."""
    if not asks_about_now(query):
        return passages
    return sorted(passages, key=lambda p: (-round(p.score, 3), -day_number(p.chunk.article.published)))
