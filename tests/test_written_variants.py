"""A question's words as another report writes them: a compound closed or open, a figure rounded otherwise
(all passages synthetic)."""

from __future__ import annotations

from qa.pipeline.answerability import MIN_SUPPORT
from qa.pipeline.nlp import parse
from qa.pipeline.reader import read
from qa.pipeline.support import terms
from qa.pipeline.written_variants import compounds, near_figures, question_words
from tests.test_reader import _passage, _similarity


def test_a_figure_rounded_otherwise_is_the_same_figure() -> None:
    assert near_figures({"114000"}, {"115000"}) == {"114000"}
    assert near_figures({"164.2"}, {"164"}) == {"164.2"}
    assert near_figures({"114000"}, {"130000", "114"}) == set()  # 14% off; another figure altogether
    assert near_figures({"2023"}, {"2024"}) == set()  # a year is no rounding of the next
    assert near_figures({"114000"}, {"114000"}) == set()  # the same figure is matched as written


def _sentence(text: str) -> tuple[object, frozenset[str]]:
    return next(iter(parse([text])[0].sents)), terms(text).stems


def test_a_compound_written_open_or_closed_is_the_same_word() -> None:
    sent, stems = _sentence("Faults in the air bag system led to the recall.")
    question = "Which automaker recalled cars over airbag faults?"
    assert "airbag" in compounds(question_words(question), sent, stems)
    sent, stems = _sentence("Its airbags may fail in a crash.")
    question = "Which automaker recalled cars over air bag faults?"
    found = compounds(question_words(question), sent, stems)
    assert {"air", "bag"} <= found
    # two words that only happen to stand side by side make no word of the question
    sent, stems = _sentence("The bag was left in the air terminal.")
    assert compounds(question_words("Was a bagpipe played?"), sent, stems) == set()


def test_a_report_that_writes_the_question_otherwise_answers_it() -> None:
    question = "Which automaker recalled more than 114,000 cars because of airbag faults?"
    passages = [
        _passage("Volkswagen is recalling nearly 115,000 Passat cars over faults in the air bag system", "a"),
        _passage("Honda said last year that airbag faults had forced it to recall older cars.", "b"),
    ]
    reading = read(question, passages, _similarity)
    # before, "air bag" and "115,000" matched nothing and the answer was refused at 0.134, level with Honda
    assert reading.short == "Volkswagen" and reading.support >= MIN_SUPPORT
    assert reading.support > 2 * max(c.support for c in reading.candidates if c.text == "Honda")


def test_a_number_below_ten_in_words_is_the_figure() -> None:
    assert "5" in terms("a five-year project").stems & terms("a 5-year project").stems
    assert not terms("five members").numbers  # a stem only: no figure a claim must find written
    assert "one" in terms("one of the biggest").stems  # "one" stays a word
