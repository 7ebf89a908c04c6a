"""How fresh an answer is: the reports of the period a question names first, a refusal when none is from
the day or week it asks about, a note when a question about now rests on old reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from index.dates import asks_about_now, day_number, long_date, question_period
from index.store.filters import Filters
from qa.models import Answer, Passage

# Periods that name the news of the moment: a report from before them tells of some other day's events (a
# tsunami warning of last January for "this week"), so an answer from it is no answer.
_OF_THE_MOMENT = frozenset({"today", "yesterday", "this week", "last week", "past week"})


def period_first(
    search: Callable[[Filters], list[Passage]], query: str, filters: Filters
) -> tuple[list[Passage], list[str]]:
    """Passages for a query, from the period it names first ("in 2013", "last week"), with a note saying so;
    from the whole archive when no dated report of the period is found."""
    period = question_period(query, filters.as_of or date.today())
    if period is not None:
        # News of an event comes out during it or after ("first petitioned in 2013", told in 2024; October's
        # home prices, reported in November), so the period bounds publication from below only.
        since = max(filter(None, [filters.since, period.since]))
        passages = search(replace(filters, since=since))
        # undated articles pass any window: only a dated one shows the archive covers it
        if any(p.chunk.article.published is not None for p in passages):
            window = f"{since} to {filters.as_of}" if filters.as_of else f"since {since}"
            return passages, [f"Searched articles published {window} (from “{period.phrase}”)."]
    return search(filters), []


def uncovered(query: str, as_of: date | None, passages: list[Passage]) -> str:
    """Why the passages cannot answer a question about the news of a day or week ("this week"): every one
    is dated before it ("" when one may be of it, or the question names no such period)."""
    period = question_period(query, as_of or date.today())
    if period is None or period.phrase.lower() not in _OF_THE_MOMENT or not passages:
        return ""
    if any(p.chunk.article.published is None or p.chunk.article.published >= period.since for p in passages):
        return ""
    return (
        f"No article found was published {period.phrase} (since {long_date(period.since)}); the closest "
        f"reports, below, are older and tell of other days."
    )


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
