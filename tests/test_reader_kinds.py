"""The asked head noun as a type: WordNet's kinds ("lemonade" is a drink), on hand-made passages
(synthetic)."""

from __future__ import annotations

import pytest

from qa.pipeline.answer_types import answer_type
from qa.pipeline.answerability import answer_class
from qa.pipeline.candidates import extract
from qa.pipeline.evidence import focus_weights, mention_features
from qa.pipeline.nlp import parse
from qa.pipeline.question_facts import question
from qa.pipeline.reader import read
from qa.pipeline.support import terms
from qa.pipeline.wordnet import derived_forms, is_kind_of, names_people
from tests.test_reader import _passage, _similarity


@pytest.mark.parametrize(
    ("phrase", "head", "expected"),
    [
        ("lemonade", "drink", True),
        ("monarch butterflies", "insect", True),  # a compound, in the plural
        ("geese", "bird", True),  # an irregular plural
        ("Jupiter", "planet", True),  # an instance, not a kind
        ("Minute Maid Lemonade", "drink", True),  # a name WordNet lacks, by its last word
        ("habitat", "insect", False),
        ("many tribes", "animal", False),  # judged by the noun, not the quantifier
        ("Tuesday", "insect", False),  # capitalised, but a common noun
        ("Oppenheimer", "film", None),  # a name WordNet knows only as a physicist
        ("CVS", "chain", None),  # an acronym, not the medical test WordNet knows by those letters
        ("Kestrels", "missile", None),  # a name spelt like the falcon
        ("pollen", "plant", False),
        ("Internet-connected tablets", "technology", None),  # a tablet alone is no technology: cannot say
        ("drones", "objects", None),  # every thing is an object
        ("Zorblax", "drink", None),
        ("lemonade", "Zorblax", None),
    ],
)
def test_wordnet_says_what_a_noun_is_a_kind_of(phrase: str, head: str, expected: bool | None) -> None:
    assert is_kind_of(phrase, head) is expected


@pytest.mark.parametrize(
    ("noun", "expected"),
    [
        ("novelist", True),
        ("lawyer", True),
        ("partner", False),
        ("supplier", False),
        ("receiver", False),
        ("subsidiary", False),
        ("bridge", False),
        ("zzzz", False),
    ],
)
def test_a_head_noun_names_people_only_when_every_sense_is_a_person(noun: str, expected: bool) -> None:
    assert names_people(noun) is expected


def test_a_kind_of_the_asked_thing_is_a_typed_answer() -> None:
    assert answer_class("NP", "insect", "monarch butterfly") == "typed"
    assert answer_class("NP", "insect", "habitat") == "noun"


def test_the_answer_is_a_kind_of_the_asked_thing_not_a_noun_beside_it() -> None:
    text = (
        "Wildlife officials on Tuesday proposed listing the monarch butterfly as a threatened species, "
        "after years of habitat loss across its range."
    )
    reading = read(
        "Which insect did wildlife officials propose listing as threatened?", [_passage(text)], _similarity
    )
    assert reading.short.lower() == "monarch butterfly" and not reading.refused


def test_a_common_noun_of_another_kind_is_no_answer() -> None:
    text = "The police seized weapons and cash during the raid on Tuesday."
    reading = read("Which vehicle did the police seize?", [_passage(text)], _similarity)
    assert reading.refused, reading.short


def test_a_list_of_names_of_the_asked_kind_names_the_kind() -> None:
    text = "France, Germany and Italy signed the accord in Rome on Monday."
    reading = read("How many countries signed the accord?", [_passage(text)], _similarity)
    assert reading.short == "three" and not reading.refused


@pytest.mark.parametrize(
    ("question", "text", "year"),
    [
        (
            "In which year was the Kestrel Bridge opened?",
            "The city this week celebrated the 50th anniversary of the opening of the Kestrel Bridge.",
            "1974",
        ),
        (
            "In which year was the Osk museum founded?",
            "The Osk museum, which was founded 30 years ago, reopened on Monday after repairs.",
            "1994",
        ),
    ],
)
def test_a_year_counted_from_the_report_date_answers_which_year(question: str, text: str, year: str) -> None:
    reading = read(question, [_passage(text)], _similarity)  # the passage's article is dated 8 October 2024
    assert reading.short == year and not reading.refused


def test_the_dates_of_two_counted_events_are_both_given_in_order() -> None:
    text = (
        "The first flood struck the town of Osk in March 2019 after days of rain. "
        "A second flood hit Osk in June 2016, when the river burst its banks."
    )
    reading = read(
        "In which months and years did the two floods mentioned in the article hit Osk?",
        [_passage(text)],
        _similarity,
    )
    assert reading.short == "June 2016 and March 2019" and not reading.refused


def test_a_clause_answer_comes_from_the_sentence_with_the_asked_verb_after_its_preposition() -> None:
    text = (
        "Minister Pavel Orr said the Osk Accord, which Orr revisited on Monday, recognised the delta as part "
        "of Verrin. He noted that it diverged from earlier promises that the delta would stay shared."
    )
    reading = read("What did Orr say the Osk Accord diverged from?", [_passage(text)], _similarity)
    assert reading.short == "earlier promises that the delta would stay shared"


def test_won_is_a_word_of_the_question_not_a_stop_word() -> None:
    # a stop-word list keeps "won" for "won't"; dropped, "Who won the race?" matched any sentence on the race
    assert "win" in terms("Who won the first harbour race?").stems
    ran = "Anna Berg ran in the harbour race on Sunday, her first race since the injury in the first heat."
    won = "Tomas Adler won the first harbour race on Sunday, his first win of the season."
    passages = [_passage(ran), _passage(won, article="b")]
    reading = read("Who won the first harbour race?", passages, _similarity)
    assert reading.short == "Tomas Adler" and not reading.refused


def test_take_place_is_no_word_a_report_must_repeat() -> None:
    text = "Governor Pavel Orr and Senator Ilse Brandt faced off in Port Alma on Tuesday night for a debate."
    reading = read("Where did the Orr-Brandt debate take place?", [_passage(text)], _similarity)
    assert reading.short == "Port Alma" and not reading.refused


def test_in_which_month_is_not_answered_by_the_date_of_a_report() -> None:
    # "In which month ...?" ties a date after "in" to the question, but not "announced in February"
    text = "In which month did Verrin attack Osk?"
    asked = answer_type(text)
    q = question(text, asked, parse([text])[0])
    doc = parse(["Ostria announced in February that it was leaving the pact."])[0]
    m = next(m for m in extract(doc, asked, q.stems, 0) if m.text == "February")
    f = mention_features(m, doc, next(iter(doc.sents)), q, focus_weights(q.stems, [terms(doc.text).stems]))
    assert q.preposition == "in" and f.governor == 0.0


def test_the_name_of_an_office_holder_is_asked_as_who_holds_it() -> None:
    text = (
        "Hungarian Foreign Minister Lena Varga met Polish Prime Minister Jan Nowak in Budapest on Monday to "
        "discuss the pipeline."
    )
    asked = read("What is the name of Hungary's foreign minister?", [_passage(text)], _similarity)
    assert asked.asked.kind == "PERSON" and asked.short == "Lena Varga" and not asked.refused
    assert read("What is the name of Hungary's prime minister?", [_passage(text)], _similarity).refused


def test_a_date_before_a_name_dates_that_name_not_the_verb() -> None:
    # spaCy parses "the March 3, 2021 Varna Accord" as a date with the accord in apposition; the accord's
    # own date answers, and the date of the other accord is no answer to when the states agreed
    text = (
        "The minister revisited the March 3, 2021 Varna Accord, in which the two states agreed to settle the "
        "dispute based on the 1995 Osk Accord."
    )
    reading = read("When did the two states agree on the Varna Accord?", [_passage(text)], _similarity)
    assert reading.short == "March 3, 2021" and not reading.refused


def test_a_name_that_qualifies_the_asked_noun_is_one_and_is_written_with_it() -> None:
    # the initiative presented is the quoted name, not what it was presented as; the war is written whole
    text = (
        "Varga presented Ostria's “Bridges of Trade” initiative as a strategic vision for the region. "
        "Ostria had relied on Verrinian arms during the first Osk-Tarn war, the minister said."
    )
    initiative = read("What initiative did Varga present?", [_passage(text)], _similarity)
    assert "Bridges of Trade" in initiative.short and "vision" not in initiative.short
    war = read("During which war did Ostria rely on Verrinian arms?", [_passage(text)], _similarity)
    assert war.short == "first Osk-Tarn war"


@pytest.mark.parametrize(
    ("word", "form"),
    [
        ("dissolved", "dissolution"),
        ("dissolution", "dissolve"),
        ("died", "death"),
        ("sold", "seller"),
        ("decides", "decision"),
        ("invading", "invasion"),
    ],
)
def test_derived_forms_link_a_verb_and_its_noun(word: str, form: str) -> None:
    assert form in derived_forms(word)


def test_a_name_has_no_derived_forms() -> None:
    assert derived_forms("Zorblax") == frozenset() and derived_forms("the") == frozenset()


def test_how_long_is_answered_by_hours_and_minutes_too() -> None:
    # the tagger calls "about 40 minutes" a TIME, "three weeks" a DATE: both say how long
    text = "An outage grounded Verrin Air planes. The airline said flights were held for about 40 minutes."
    reading = read("For about how long were Verrin Air's flights held?", [_passage(text)], _similarity)
    assert reading.short == "about 40 minutes" and reading.support > 0


def test_a_count_is_the_number_written_with_the_asked_noun() -> None:
    # every figure of the sentence is as well stated: the one that counts the asked noun is the answer
    text = (
        "During his 20-year career, Oster won four titles with the Verrin Gulls, and he retires as the "
        "league's all-time leader in passing yards (71,940), touchdown passes (512) and completions (6,004)."
    )
    reading = read("How many career touchdown passes did Oster retire with?", [_passage(text)], _similarity)
    assert reading.short == "512"


def test_a_quoted_title_sharing_a_word_with_the_question_is_still_its_answer() -> None:
    # "fence" names the project in the question, not its title: "Don't Fence Me In" is a quarter named
    text = (
        'Organizers of the "Don\'t Fence Me In" project for the Verrin Alliance for the Arts and Culture '
        "began displaying the painted pickets on Monday."
    )
    question = "What is the name of the arts alliance's fence project?"
    assert read(question, [_passage(text)], _similarity).short == "Don't Fence Me In"
    # a quote whose every word the question says is still no answer
    named = read(
        'What is the name of the alliance behind "Don\'t Fence Me In"?', [_passage(text)], _similarity
    )
    assert named.short and "Fence" not in named.short


def test_an_age_is_no_answer_to_when() -> None:
    # the tagger calls "40-year-old" a date
    text = (
        "In Verrin, 40-year-old Arne Tollis became governor in 1969. "
        "Tollis was born in Osk on Sept. 26, 1928, to a family of farmers."
    )
    reading = read(
        "Arne Tollis, the former governor, has died. When was he born?", [_passage(text)], _similarity
    )
    assert reading.short == "September 26, 1928"
    assert all(c.support == 0 for c in reading.candidates if "year-old" in c.text)
