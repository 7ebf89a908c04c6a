"""A question about the news of a day or week that no report of that time tells: refused, with the closest
older reports shown (all articles synthetic)."""

from __future__ import annotations

from datetime import date

from index.dates import question_period
from index.models import Article
from tests.conftest import MakeQA

_WARNING = Article(
    "varn-tsunami",
    "A tsunami warning was issued for the coastal city of Varnholt after a strong earthquake struck offshore "
    "on Monday, officials said.",
    "Tsunami warning issued for Varnholt",
    published=date(2024, 1, 1),
)
_QUESTION = "A tsunami warning was issued for which coastal city this week?"


def test_a_question_about_this_week_is_refused_when_every_report_is_older(make_qa: MakeQA) -> None:
    qa = make_qa()
    qa.ingest_articles([_WARNING], progress=False)
    answer = qa.ask(_QUESTION, as_of="2024-12-05")
    assert answer.refused and answer.citations  # the closest (older) report is still shown
    missed = "No article found was published this week (since 2 December 2024)"
    assert any(n.startswith(missed) for n in answer.notes)
    # in the week of the report, the same question is read as usual
    same_week = qa.ask(_QUESTION, as_of="2024-01-03")
    assert not any(n.startswith("No article found") for n in same_week.notes)
    assert not same_week.refused and same_week.short == "Varnholt"


def test_an_undated_report_may_be_of_the_week(make_qa: MakeQA) -> None:
    qa = make_qa()
    undated = Article(_WARNING.id, _WARNING.text, _WARNING.title)
    qa.ingest_articles([undated], progress=False)
    answer = qa.ask(_QUESTION, as_of="2024-12-05")
    assert not any(n.startswith("No article found") for n in answer.notes)


def test_a_year_named_is_no_news_of_the_moment(make_qa: MakeQA) -> None:
    # the seed set asks what anniversary "this year" marks, of a report of an earlier year: no refusal for it
    qa = make_qa()
    qa.ingest_articles([_WARNING], progress=False)
    answer = qa.ask("A tsunami warning was issued for which coastal city this year?", as_of="2025-06-05")
    assert not any(n.startswith("No article found") for n in answer.notes)


def test_an_outlet_named_today_is_no_period() -> None:
    assert question_period("Which company did USA TODAY report on?", date(2024, 12, 5)) is None
    assert question_period("Which party leads the polls today?", date(2024, 12, 5)) is not None
