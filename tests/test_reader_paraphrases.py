"""Questions in other words than the report: capitals for countries, idioms for offices, people for their
offices, and what someone called something (hand-made passages, all synthetic)."""

from __future__ import annotations

import pytest

from qa.pipeline.answerability import CHECK_FLOOR
from qa.pipeline.nlp import parse
from qa.pipeline.paraphrases import offices, question_aliases
from qa.pipeline.reader import read
from qa.pipeline.support import terms
from qa.pipeline.wordnet import seat_of
from tests.test_reader import _passage, _similarity


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Moscow", "Russia"),
        ("Kremlin", "Russia"),
        ("Baku", "Azerbaijan"),
        ("Paris", "France"),
        ("Kiev", "Ukraine"),
    ],
)
def test_a_capital_or_a_seat_of_government_stands_for_its_country(name: str, country: str) -> None:
    assert country in seat_of(name)


@pytest.mark.parametrize("name", ["Lobito", "Delaware", "Pentagon", "moscow"])
def test_other_names_stand_for_no_country(name: str) -> None:
    assert seat_of(name) == ()


def test_a_question_s_capital_and_office_idiom_are_said_by_country_and_office() -> None:
    aliases = question_aliases("How did Warsaw's top diplomat describe the pipeline?")
    assert {"poland", "polish"} <= aliases["warsaw"]
    assert aliases["diplomat"] == terms("foreign minister").stems
    assert "call" in aliases["describ"]
    assert question_aliases("Where did the ministers meet on Monday?") == {}
    assert "russia" in question_aliases("Did Moscow back the plan?")["moscow"]  # not read as "Did Moscow"


def test_people_are_known_by_the_office_a_passage_gives_them() -> None:
    text = (
        "Hungarian Foreign Minister Peter Szijjarto and his Polish counterpart Radoslaw Sikorski met in "
        "Budapest on Monday. Janos Kovacs, deputy chairman of the energy committee, welcomed the talks."
    )
    known = offices(parse([text]))
    assert {"hungarian", "foreign", "minist"} <= known["szijjarto"]
    # the counterpart holds the same office, with his own nationality and not the other's
    assert {"polish", "foreign", "minist"} <= known["sikorski"] and "hungarian" not in known["sikorski"]
    assert {"deputi", "chairperson", "energi"} <= known["kovac"] | known.get("kovacs", frozenset())


def test_a_question_naming_a_person_by_capital_and_office_finds_the_person_s_sentence() -> None:
    text = (
        "Hungarian Foreign Minister Peter Szijjarto and his Polish counterpart Radoslaw Sikorski met in "
        "Budapest on Monday to discuss the pipeline. Sikorski described the pipeline as a lifeline for the "
        "region's economy. Szijjarto said the talks would continue in the spring."
    )
    reading = read("How did Warsaw's top diplomat describe the pipeline?", [_passage(text)], _similarity)
    assert reading.short == "a lifeline for the region's economy" and not reading.refused


@pytest.mark.parametrize(
    ("question", "short"),
    [
        ("How did Adler characterise the protest?", "a “provocation”"),
        ("What did Adler call the protest?", "a “provocation”"),
        ("How did the mayor describe the harbour plan?", "reckless and expensive"),
        ("How did Lena Varga describe the bridge?", "a symbol of the city's recovery"),
    ],
)
def test_what_someone_called_something_is_the_describing_verb_s_complement(question: str, short: str) -> None:
    text = (
        "Tomas Adler, a member of the city council, called the protest a “provocation” and urged the "
        "police to act. Calling the harbour plan reckless and expensive in a time of cuts, the mayor asked "
        "for a vote. "
        "The new bridge opened on Friday, and Lena Varga described it as a symbol of the city's recovery."
    )
    reading = read(question, [_passage(text)], _similarity)
    assert reading.short == short and not reading.refused


def test_a_describing_question_about_someone_the_passages_do_not_quote_is_refused() -> None:
    text = "Tomas Adler, a member of the city council, called the protest a “provocation” on Monday."
    assert read("How did the governor describe the protest?", [_passage(text)], _similarity).refused


def test_a_country_s_capital_does_not_make_any_of_its_people_the_one_who_spoke() -> None:
    text = "Ivan Petrov, a Russian deputy, called the protest a “provocation” on Monday."
    assert read("How did the Kremlin describe the protest?", [_passage(text)], _similarity).refused
    reading = read("How did the Russian deputy describe the protest?", [_passage(text)], _similarity)
    assert reading.short == "a “provocation”" and not reading.refused


def test_whom_someone_spoke_to_is_whom_they_told() -> None:
    text = (
        "Tomas Adler, a member of the Ostrian parliament, criticised the harbour plan on Monday. “Those who "
        "approved the plan must answer for it in the harshest terms,” Adler told the news site Kurier.at."
    )
    reading = read("Which news outlet did Tomas Adler speak to?", [_passage(text)], _similarity)
    assert reading.short == "Kurier.at" and not reading.refused


def test_a_verb_of_the_question_is_found_as_its_noun_and_a_heading_verb_is_no_name() -> None:
    # "dissolved" is said as "dissolution" (WordNet's derived forms), in the sentence and at the mention;
    # "Calling" after a heading's colon opens a sentence and is no name
    text = (
        "Dissolution of the Osk Valley Group : Calling the group obsolete and ineffective, Karimov urged its "
        "formal dissolution."
    )
    reading = read("Which group did Karimov want dissolved?", [_passage(text)], _similarity)
    assert reading.short == "Osk Valley Group" and not reading.refused
    assert "Calling" not in [c.text for c in reading.candidates]


def test_a_question_verb_the_tagger_calls_a_noun_still_picks_the_sentence() -> None:
    # "hinder" ends the question and is tagged a noun; the clause comes from the sentence holding it
    text = (
        "Karimov insisted that Ostria revise its constitution to eliminate any territorial claims against "
        "Varnia. He argued that such claims undermine Varnia's sovereignty and hinder the peace process."
    )
    reading = read("What did Karimov say territorial claims hinder?", [_passage(text)], _similarity)
    assert reading.short == "the peace process"


def test_whom_someone_gave_comments_to_is_whom_they_told() -> None:
    text = (
        "The Varnian Herald covered the rally in Osk on Monday. Lena Varga, deputy chair of the committee, "
        "called the rally a provocation. “They must be punished,” Varga told Osk Daily."
    )
    reading = read("Which newspaper did Varga give her comments to?", [_passage(text)], _similarity)
    assert reading.short == "Osk Daily" and not reading.refused


def test_a_pronoun_subject_counts_as_the_name_it_stands_for_in_the_match() -> None:
    # "He argued" is Karimov arguing: the clause answer's sentence matches the question's name through it
    text = (
        "Karimov insisted that Ostria revise its constitution to drop any territorial claims against Varnia. "
        "He argued that such claims undermine Varnia's sovereignty and hinder the peace process."
    )
    reading = read("What did Karimov say territorial claims undermine?", [_passage(text)], _similarity)
    assert "sovereignty" in reading.short and not reading.refused


def test_a_person_the_question_names_by_office_is_no_answer() -> None:
    # "the Varnian leader" is Adler, introduced as Varnia's president: not the lawmaker asked for
    text = (
        "Activists hung banners showing Varnian President Tomas Adler in handcuffs. Lena Varga, deputy chair "
        "of the Osk parliament committee, called it a provocation. “Those who hung insulting banners "
        "targeting President Tomas Adler must be punished in the harshest terms,” Varga said."
    )
    question = (
        "Which lawmaker in Osk demanded the harshest penalties for whoever hung the banners insulting the "
        "Varnian leader?"
    )
    assert "Adler" not in read(question, [_passage(text)], _similarity).short


def test_a_capital_that_acts_is_its_government_not_a_person_the_sentence_must_show_acting() -> None:
    # the small tagger calls Yerevan a person here; news says "Yerevan announced" where the report says "the
    # Armenian government announced", so no sentence would show that "person" acting
    question = (
        "Which Moscow-backed security bloc did Yerevan announce in February that it was freezing its "
        "participation in?"
    )
    text = (
        "The Armenian government announced in February that it was freezing its participation in the Verrin "
        "Security Organization over its failure to act."
    )
    reading = read(question, [_passage(text)], _similarity)
    # the question's words are the sentence's but for the capital: enough for the checker to be asked (the
    # bound the test was written with, 0.10, before the floor for typed answers fell to CHECK_FLOOR)
    assert reading.short == "Verrin Security Organization" and reading.support >= 0.10 >= CHECK_FLOOR
