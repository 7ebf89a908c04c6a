"""Dates in questions and answers: periods become filters, relative dates resolve against the as-of date."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_IN_MONTH_YEAR = re.compile(rf"\b(?:in|during|of)\s+({_MONTH_RE})\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_IN_YEAR = re.compile(r"\b(?:in|during|of)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(yesterday|today|this week|last week|this month|last month|this year|last year|past week|"
    r"past month)\b",
    re.IGNORECASE,
)
_CURRENT = re.compile(
    r"\b(current(ly)?|now|latest|still|as of|most recent|today|these days)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Period:
    """A publication-date window asked for by a question: since..until, both inclusive."""

    since: date | None
    until: date | None
    phrase: str


def question_period(question: str, today: date) -> Period | None:
    """The period a question names ("in October 2024", "last week"), relative ones counted from `today`."""
    if m := _IN_MONTH_YEAR.search(question):
        month, year = _MONTHS[m.group(1).lower()], int(m.group(2))
        last = calendar.monthrange(year, month)[1]
        return Period(date(year, month, 1), date(year, month, last), m.group(0))
    if m := _IN_YEAR.search(question):
        year = int(m.group(1))
        return Period(date(year, 1, 1), date(year, 12, 31), m.group(0))
    if m := _RELATIVE.search(question):
        phrase = m.group(1).lower()
        monday = today - timedelta(days=today.weekday())
        first = today.replace(day=1)
        windows = {
            "yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
            "today": (today, today),
            "this week": (monday, today),
            "last week": (monday - timedelta(days=7), monday - timedelta(days=1)),
            "past week": (today - timedelta(days=7), today),
            "this month": (first, today),
            "last month": ((first - timedelta(days=1)).replace(day=1), first - timedelta(days=1)),
            "past month": (today - timedelta(days=31), today),
            "this year": (today.replace(month=1, day=1), today),
            "last year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
        }
        since, until = windows[phrase]
        return Period(since, until, m.group(0))
    return None


def asks_about_now(question: str) -> bool:
    """True when the question is about the current state of something, so newer reports should win ties."""
    return bool(_CURRENT.search(question))


def long_date(d: date) -> str:
    """12 October 2024."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"
