"""Dates: ISO parsing, the one month table, day numbers for filters, and the periods questions name."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Full names and abbreviations ("sept" too), lower case, to month numbers.
MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
# A regex alternation of every month name, longest first so "June" is not read as "Jun".
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
# The same, capitalised, for case-sensitive matching in text ("May" the month, not "may" the verb).
CAPITALISED_MONTH_PATTERN = "|".join(m.capitalize() for m in sorted(MONTHS, key=len, reverse=True))
# A regex alternation of the weekdays, capitalised as written ("Saturday").
WEEKDAY_PATTERN = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"

_EPOCH = date(1970, 1, 1)
UNDATED = -1  # the day number stored for articles without a date


def parse_day(value: object) -> date | None:
    """A date from a date, a datetime or an ISO string (a time part is dropped); None for nothing.

    Raises ValueError saying what was expected; callers add where the value came from.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected a date like 2024-10-31, got {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return (
            date.fromisoformat(text[:10]) if len(text) > 10 and text[10] in " T" else date.fromisoformat(text)
        )
    except ValueError:
        raise ValueError(f"expected a date like 2024-10-31, got {value!r}") from None


def day_number(d: date | None) -> int:
    """Days since 1970-01-01, the form Chroma can compare with $lte/$gte; UNDATED for None."""
    return (d - _EPOCH).days if d else UNDATED


def from_day_number(n: int) -> date | None:
    """The date `day_number` made (None for UNDATED)."""
    return None if n == UNDATED else _EPOCH + timedelta(days=n)


def within(published: date | None, *, since: date | None = None, until: date | None = None) -> bool:
    """Whether a publication date lies in [since, until]; an undated article always does."""
    if published is None:
        return True
    return (until is None or published <= until) and (since is None or published >= since)


def long_date(d: date) -> str:
    """12 October 2024."""
    return f"{d.day} {calendar.month_name[d.month]} {d.year}"


# -- periods named in questions --------------------------------------------------------------------------

_IN_MONTH_YEAR = re.compile(rf"\b(?:in|during|of)\s+({MONTH_PATTERN})\.?\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_IN_YEAR = re.compile(r"\b(?:in|during|of)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_RELATIVE = re.compile(
    r"\b(yesterday|(?<!USA )today|this week|last week|this month|last month|this year|last year|past week|"
    r"past month)\b",  # "USA TODAY" is an outlet, not a day
    re.IGNORECASE,
)
_CURRENT = re.compile(
    r"\b(current(ly)?|now|latest|still|as of|most recent|today|these days)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Period:
    """A period a question names ("in 2013", "this week"), by its first day: reports of what happened in it
    come out from then on, during it or after it."""

    since: date
    phrase: str


def question_period(question: str, today: date) -> Period | None:
    """The period a question names ("in October 2024", "last week"), relative ones counted from `today`."""
    if m := _IN_MONTH_YEAR.search(question):
        return Period(date(int(m.group(2)), MONTHS[m.group(1).lower()], 1), m.group(0))
    if m := _IN_YEAR.search(question):
        return Period(date(int(m.group(1)), 1, 1), m.group(0))
    if m := _RELATIVE.search(question):
        monday = today - timedelta(days=today.weekday())
        first = today.replace(day=1)
        starts = {
            "yesterday": today - timedelta(days=1),
            "today": today,
            "this week": monday,
            "last week": monday - timedelta(days=7),
            "past week": today - timedelta(days=7),
            "this month": first,
            "last month": (first - timedelta(days=1)).replace(day=1),
            "past month": today - timedelta(days=31),
            "this year": today.replace(month=1, day=1),
            "last year": date(today.year - 1, 1, 1),
        }
        return Period(starts[m.group(1).lower()], m.group(0))
    return None


def asks_about_now(question: str) -> bool:
    """True when the question is about the current state of something, so newer reports should win ties."""
    return bool(_CURRENT.search(question))
