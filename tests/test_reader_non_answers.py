"""Spans that answer nothing, found with a fifth clean held-out set: a news service's credit, the asked
category with no name in it, a name made into an adjective, a list of places for who, what a thing is
called, and an answer that says the question back (all passages synthetic)."""

from __future__ import annotations

from datetime import date

import pytest

from index.models import ArticleInfo, Chunk
from qa.models import Passage
from qa.pipeline.grounder import Grounder
from qa.pipeline.reader import read
from qa.pipeline.readings import Reading
from qa.pipeline.support import restates
from tests.test_reader import _passage, _similarity


def _read(question: str, text: str) -> Reading:
    return read(question, [_passage(text)], _similarity)


_LAWSUIT = (
    "The Associated Press\n\nMONTGOMERY — The founder of the Tarvan Brotherhood filed a defamation lawsuit "
    "Monday against the Ostrian Rights Center for labeling his group as a hate group."
)


def test_a_news_service_in_the_byline_is_no_party_to_the_story() -> None:
    reading = _read("Which civil rights organization is he suing?", _LAWSUIT)
    assert "Ostrian Rights Center" in [c.text for c in reading.candidates]
    assert not any("Associated Press" in c.text for c in reading.candidates)


@pytest.mark.parametrize(
    "text",
    [
        "VERRIN, Ostria (AP) — Halda Motors has begun talks to buy the Nimbus Works plant, the company said.",
        "Verrin CNN — Halda Motors has begun talks to buy the Nimbus Works plant, the company said.",
        "Verrin CNN Business —\n\nHalda Motors has begun talks to buy the Nimbus Works plant, the firm said.",
    ],
)
def test_a_news_service_in_the_dateline_is_no_party_to_the_story(text: str) -> None:
    reading = _read("Which company has begun talks to buy the plant?", text)
    assert "Halda Motors" in [c.text for c in reading.candidates]
    assert not any({"AP", "CNN"} & set(c.text.split()) for c in reading.candidates)


def test_a_question_about_the_news_media_may_be_answered_by_one() -> None:
    text = "Halda Motors has begun talks to buy the Nimbus Works plant, CNN reported on Tuesday."
    reading = _read("Which news network reported the talks?", text)
    assert "CNN" in [c.text for c in reading.candidates]


def test_the_asked_category_is_no_name_of_one() -> None:
    text = (
        "Two of Tarvania's biggest automakers, Halda and Nimbus, have begun merger talks, a newspaper "
        "reported.\n\nThe two Tarvanian-headquartered automakers are looking to join forces to compete in "
        "electric vehicles."
    )
    question = "Halda has begun merger talks with a rival. Which automaker is it talking to?"
    reading = _read(question, text)
    assert not any("automakers" in c.text for c in reading.candidates)
    assert "Nimbus" in [c.text for c in reading.candidates]


def test_the_asked_category_is_no_name_of_a_thing_unless_a_kind_is_asked() -> None:
    text = (
        "The cruise line's first six vessels are gone now. The Ostria Star was famous as the ship of the "
        "television show Harbor Lights."
    )
    reading = _read("Which vessel was famous as the ship of Harbor Lights?", text)
    assert reading.asked.kind == "PRODUCT" and not any("vessels" in c.text for c in reading.candidates)
    drinks = "Energy drinks were recalled on Monday after the cans were mislabeled."
    kind = _read("Which type of drink was recalled?", drinks)
    assert kind.asked.kind == "PRODUCT" and kind.short == "Energy drinks"


def test_the_asked_category_is_no_name_either() -> None:
    # a heading of the same article named the category in so many words and came first (0.86 against 0.65)
    text = (
        "Other top searched words. The word, the Glossa dictionary reported, is brightline, and it was one "
        "of the most searched words of the year."
    )
    reading = _read("What is the Glossa dictionary's word of the year?", text)
    assert reading.asked.kind == "NAME" and reading.short == "brightline"
    assert not any("words" in c.text for c in reading.candidates)


def test_an_observance_is_no_organisation() -> None:
    # "Black History Month" (0.35) came before the university's crime lab (0.32)
    text = (
        "The week, which coincides with Black History Month, will culminate Friday with a ceremony to honor "
        "graduates of the Varnholt University Crime Lab's leadership academy."
    )
    reading = _read("Which university's crime lab runs the leadership academy?", text)
    assert reading.short == "Varnholt University Crime Lab"
    assert not any("Month" in c.text for c in reading.candidates)
    # a magazine named "The Week" is still one (written without its article, as every name is)
    magazine = "The story was first reported by The Week, a magazine, on Monday."
    assert _read("Which magazine first reported the story?", magazine).short == "Week"


def test_a_version_of_a_thing_is_no_name_of_it() -> None:
    # "frozen version" (the question's "frozen form" said back) was the answer, not the rolls
    text = "The restaurant launched a frozen version of their rolls sold exclusively at Walmart on Tuesday."
    reading = _read("What product did the chain launch in frozen form, sold exclusively at Walmart?", text)
    assert "rolls" in reading.short and "frozen version" not in [c.text for c in reading.candidates]


def test_a_structure_is_a_facility_not_the_city_it_stands_in() -> None:
    # "Which landmark" took the city (a GPE fits a place best) before the cathedral (a FAC). (Not "Paris":
    # its words hash to the same feature as "landmark" in the fake embedder, which then finds them alike.)
    text = "Crowds returned to Vienna on Sunday as the historic Ostrin Cathedral reopened to visitors."
    reading = _read("Which landmark reopened to visitors after a long restoration?", text)
    assert reading.short == "Ostrin Cathedral"
    # a city is still the answer where a city is asked
    assert _read("In which city did crowds see the cathedral reopen?", text).short == "Vienna"


def test_a_name_before_its_category_is_still_a_name() -> None:
    text = "The Verrin Rangers team won the title on Sunday after beating Ostria 3-1."
    assert _read("Which team won the title?", text).short == "Verrin Rangers team"
    # a place named with its category, every word of it a place's
    text = "The ministers of Verrin and Ostria held their talks in New York City on Tuesday."
    assert _read("In which city did the ministers hold talks?", text).short == ("New York City")


def test_a_name_made_into_an_adjective_or_a_list_of_places_is_no_one() -> None:
    text = (
        "Meet “Verrin Nights” (in select theaters in New York and Los Angeles, expanding in October), the "
        "thriller that became the first Korean-language film to win the Golden Crest.\n\nIts director, "
        "Mara Oslen, spent six years on the script."
    )
    question = "“Verrin Nights” won the Golden Crest this year. Who directed it?"
    reading = _read(question, text)
    assert reading.short == "Mara Oslen"
    places = [c for c in reading.candidates if c.text == "New York and Los Angeles"]
    assert all(c.support == 0.0 for c in places)
    # a name after a prefix: the poster is against Arvo Tamm, who leads nothing here
    text = (
        "President Arvo Tamm arrived on Monday. Activists of the Unity party displayed an anti-Tamm poster "
        "on the bridge."
    )
    tamm = [c for c in _read("Who leads the Unity party?", text).candidates if c.text == "Arvo Tamm"]
    assert all(c.support == 0.0 and c.evidence.claim.startswith("President") for c in tamm)


def test_what_a_thing_is_called_is_its_name() -> None:
    text = (
        "Because of the law, the House voted to impose contracts on four rail unions. The Railway Labor "
        "Act, passed in 1926, gives Congress the power to intervene in rail disputes."
    )
    question = "Congress averted a strike, relying on a labor law passed in 1926. What is that law called?"
    assert _read(question, text).short == "Railway Labor Act"


@pytest.mark.parametrize(
    ("claim", "question", "says_back"),
    [
        (
            "The liner Verrin Star is still in Ostport after eviction",
            "Why is the liner Verrin Star still in Ostport after eviction?",
            True,
        ),
        (
            "The liner is still in Ostport because no berth would take it",
            "Why is the liner in Ostport?",
            False,
        ),
        # a name is the question's only as written: "NEWS.ru" says more than "news"
        ("Chepa spoke to NEWS.ru", "Which news outlet did Chepa speak to?", False),
    ],
)
def test_a_claim_that_says_the_question_back(claim: str, question: str, says_back: bool) -> None:
    assert restates(claim, question) is says_back


def test_a_reply_that_says_the_question_back_is_no_answer() -> None:
    text = (
        "The liner Verrin Star is still in Ostport after eviction. Its owners are fighting the suit in court."
    )
    info = ArticleInfo("a", "Liner", "Daily (synthetic)", "https://x.example", published=date(2024, 10, 8))
    passages = [Passage(Chunk("a:0", info, text, 0, len(text)), 1.0, 1)]
    question = "Why is the liner Verrin Star still in Ostport after eviction?"
    reply = (
        "Answer: The liner Verrin Star is still in Ostport after eviction\n"
        "Explanation: The liner Verrin Star is still in Ostport after eviction [1]."
    )
    answer = Grounder(question, passages).from_reply(reply)
    assert answer.refused
    assert any(n.startswith("Removed a sentence that only restates the question") for n in answer.notes)
    # a yes/no answer says the question's words back by nature
    yes = "Answer: Yes\nExplanation: The liner Verrin Star is still in Ostport after eviction [1]."
    kept = Grounder("Is the liner Verrin Star still in Ostport after eviction?", passages).from_reply(yes)
    assert not kept.refused and kept.short == "yes"


def test_a_word_that_numbers_things_is_no_name() -> None:
    text = (
        "The Osk Owls lost 20-6 on Saturday at Verrin State, who had beaten two Top 10 teams this season. "
        "The Top 25 poll ranked the Owls at Level 3 of its scale."
    )
    reading = _read("Which team beat the Osk Owls on Saturday?", text)
    assert not {"Top", "Level"} & {c.text for c in reading.candidates}
    assert reading.short == "Verrin State"


def test_a_road_number_or_a_measure_in_another_unit_counts_no_diners() -> None:
    text = (
        "The brewery's new 9,000-square-foot Del. 1 location opened on Friday. With a patio and an indoor "
        "dining room, it can seat up to 425 people."
    )
    reading = _read("Up to how many diners can the brewery's new location seat?", text)
    assert not {"1", "Del. 1", "9,000", "9,000-square-foot"} & {c.text for c in reading.candidates}
    assert reading.short.startswith("425")
    # a unit of what is asked still answers: "a 30-year sentence" for how many years
    years = _read("How many years in prison did Ivo Varn receive?", "Ivo Varn received a 30-year sentence.")
    assert years.short.startswith("30")
