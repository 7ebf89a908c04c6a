"""Names said otherwise and spans that only stand beside an answer, found with a seventeenth held-out set: a
title of function words, a reporter in the byline, a ticker or an abbreviation of a named company, a year
for "what date", a figure written with "roughly" or "more than", a scale word and a company's "Co." the
question also says, and a name the report goes on to call by its initials (all passages synthetic)."""

from __future__ import annotations

import pytest

from qa.pipeline.answer_types import answer_type
from qa.pipeline.candidates import extract
from qa.pipeline.evidence import mention_features
from qa.pipeline.nlp import parse
from qa.pipeline.paraphrases import question_aliases
from qa.pipeline.question_facts import question as facts
from qa.pipeline.reader import read
from tests.test_reader import _passage, _similarity
from tests.test_reader_non_answers import _read


def test_a_title_of_function_words_is_a_title() -> None:
    text = 'The musical comedy "All of Us at Once" won best picture at the Verrin film awards on Sunday.'
    reading = _read("Which film won best picture?", text)
    assert reading.candidates and reading.candidates[0].text == "All of Us at Once"


def test_a_reporter_in_the_byline_is_no_party_to_the_story() -> None:
    text = (
        "Mara Holt and Ivo Danek\n\nAssociated Press\n\nVERRIN — Tomas Ruell, the director whose films "
        "won three Golden Lanterns, has died at 97, his family said on Monday."
    )
    names = [c.text for c in _read("Which director has died at 97?", text).candidates]
    assert "Tomas Ruell" in names
    assert not {"Mara Holt", "Ivo Danek"} & set(names)


def test_a_reporter_may_answer_a_question_about_the_reporting() -> None:
    text = "By Mara Holt\n\nVERRIN — Tomas Ruell has died at 97, his family said on Monday."
    names = [c.text for c in _read("Which reporter wrote the story on Ruell's death?", text).candidates]
    assert "Mara Holt" in names  # not "By Mara Holt"


def test_a_ticker_or_abbreviation_of_a_named_company_is_no_other_company() -> None:
    text = (
        "Halden Press, owned by Nordmark Investment Group (NIVG), is now in talks with Ostrava Media Co. "
        "(OMC) on a merger, sending Ostrava shares (NYSE: OSTM) up 4%."
    )
    names = [
        c.text
        for c in _read(
            "Which company, owned by Nordmark Investment Group, is in talks with Ostrava Media?", text
        ).candidates
    ]
    assert names[0] == "Halden Press"
    assert not {"NIVG", "OMC", "OSTM"} & set(names)


def test_a_bracketed_ticker_and_the_name_before_it_are_one_answer_written_as_the_name() -> None:
    # "NEWM" (more mentions) was answered before "New Media Investment Group"; initials cannot join them
    owned = (
        "The Verrin Weekly, operating under the ownership of Ostria Media Holdings (OMHX), is said to be "
        "considering a merger."
    )
    shares = "Shares of OMHX rose 4% on Monday after the report; OMHX owns 150 daily papers."
    passages = [_passage(owned), _passage(shares, "a1")]
    got = read("Which company owns the Verrin Weekly?", passages, _similarity)
    assert got.short == "Ostria Media Holdings"
    assert "OMHX" not in [c.text for c in got.candidates]


def test_a_year_is_no_date() -> None:
    text = "Here is what we know about the 2031 Verrin Assembly. The assembly is slated to open on August 19."
    reading = _read("On what date is the Verrin Assembly set to open?", text)
    assert "2031" not in [c.text for c in reading.candidates]
    assert reading.candidates[0].text == "August 19"


def test_a_date_agrees_however_written() -> None:
    passages = [
        _passage("The convention will open on Aug. 19, organisers said.", "a"),
        _passage("Delegates expect the convention to open on August 19.", "b"),
        _passage(
            "The convention will open its doors on June 2, the mayor said in a statement on the convention.",
            "c",
        ),
    ]
    reading = read("On what date will the convention open?", passages, _similarity)
    assert [c.text for c in reading.candidates[:2]] == ["August 19", "June 2"]  # "Aug. 19" joins it


def test_a_surname_joins_the_full_name_however_titled() -> None:
    passages = [
        _passage(
            "The board passed the rule despite a warning from Verrin Attorney General Orla Brand, a "
            "Republican, that it was overstepping its power.",
            "a",
        ),
        _passage("Brand's warning was read out by the chairman before the vote.", "b"),
        _passage("Brand said again on Friday that the board had overstepped its power.", "c"),
    ]
    reading = read(
        "Which attorney general warned the board it was overstepping its power?", passages, _similarity
    )
    assert [c.text for c in reading.candidates if c.text.endswith("Brand")] == ["Orla Brand"]
    # a name joins no phrase that ends with it
    near = read(
        "Where did the ferry dock?", [_passage("The ferry docked at the port city of Osk.")], _similarity
    )
    assert near.short == "Osk"


@pytest.mark.parametrize(
    ("question", "mention", "text"),
    [
        (
            "A post claims Verrin has 133 million voters. How many ballots were cast?",
            "159 million",
            "In all, 159 million ballots were cast in the election.",
        ),
        (
            "Gannett Co. is in talks on a merger. Which company is talking to Gannett?",
            "Halden Press Co.",
            "Halden Press Co. is in talks with Gannett.",
        ),
    ],
)
def test_a_scale_or_a_company_ending_the_question_says_does_not_name_an_answer(
    question: str, mention: str, text: str
) -> None:
    asked = answer_type(question)
    q = facts(question, asked, parse([question])[0])
    doc = parse([text])[0]
    m = next(m for m in extract(doc, asked, q.stems, 0) if m.text == mention)
    assert mention_features(m, doc, next(iter(doc.sents)), q, dict.fromkeys(q.stems, 1.0)).named == 0.0


@pytest.mark.parametrize(
    ("question", "stem", "initials"),
    [
        ("What date will the Verrin National Convention open?", "convent", "vnc"),
        ("Which agency did the Ostrian Transport Safety Board blame?", "board", "otsb"),
    ],
)
def test_a_name_of_capitalised_words_may_be_said_by_its_initials(
    question: str, stem: str, initials: str
) -> None:
    assert initials in question_aliases(question)[stem]


def test_a_sentence_with_the_initials_matches_the_name() -> None:
    text = (
        "The VNC is slated to take place August 19 through August 22. The Verrin party opened new offices on "
        "June 2."
    )
    reading = _read("On what date will the Verrin National Convention open?", text)
    support = {c.text: c.support for c in reading.candidates}
    assert support["August 19 through August 22"] > 0.5 * support["June 2"]  # 0.04 of it, not said so


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which Russian pilot was freed in return?", "PERSON"),
        ("Which software engineer made the game?", "PERSON"),
        ("Which teacher won the award?", "PERSON"),
        ("To which joint-venture partner is it selling the plant?", "NP"),  # a company as often
        ("Which subsidiary will it fold into its teams?", "ORG"),  # a company, always
    ],
)
def test_a_noun_whose_first_sense_is_a_person_asks_for_one(question: str, kind: str) -> None:
    assert answer_type(question).kind == kind


def test_an_answer_is_as_well_stated_as_its_best_stated_sentence() -> None:
    # the second passage matches more of the question's words, the first says whose debt it is
    passages = [
        _passage("Halda owes $453.5 million, the attorney general said on Friday.", "a"),
        _passage(
            "Including interest, the total owed under the ruling in the fraud case is $453.5 million.", "b"
        ),
    ]
    question = (
        "A judge ruled against Halda in the Verrin fraud case. Including interest, how much does Halda owe "
        "under the ruling?"
    )
    best = read(question, passages, _similarity).candidates[0]
    assert best.text == "$453.5 million"
    assert best.evidence is not None and best.evidence.claim.startswith("Halda owes")


@pytest.mark.parametrize(
    ("question", "kind"),
    [("What is the 58-year-old suspect's name?", "PERSON"), ("What is the company's name?", "ORG")],
)
def test_a_things_name_asks_what_the_name_of_the_thing_asks(question: str, kind: str) -> None:
    assert answer_type(question).kind == kind
