"""Things named with their kind: a sentence naming another of the kind a question names ("the Borel Fire"
for "the Line Fire") tells of something else, and the question's own thing told by its kind ("the social
media platform Discord") is no answer (all passages synthetic)."""

from __future__ import annotations

import pytest

from qa.pipeline.agreement import _acting
from qa.pipeline.candidates import Mention
from qa.pipeline.named_kinds import names_another, question_kinds
from qa.pipeline.nlp import parse
from qa.pipeline.reader import read
from tests.test_reader import _passage, _similarity

_BOREL = (
    "In four days, the Borel Fire burned through 53,010 acres across Kern County, which is around 132 miles "
    "north of Los Angeles."
)


def test_a_sentence_on_another_thing_of_the_kind_is_no_statement_of_the_asked_one() -> None:
    # the Borel Fire's county had support 0.02-0.5 for the Line Fire's, and was given on a held-out set
    q = "The Line Fire has burned more than 20,000 acres. In which county is the wildfire burning?"
    got = read(q, [_passage(_BOREL)], _similarity)
    assert got.short == "Kern County" and got.support < 0.01 and got.refused
    # "Beloved" won the Pulitzer, not the Booker asked for (support 0.18 before; 0.48 among real passages)
    novel = (
        'The late Toni Morrison was a Nobel Prize-winning novelist whose novel "Beloved" won the Pulitzer.'
    )
    novel = novel.replace("Pulitzer.", "Pulitzer Prize.")
    got = read("Which novel won the 2024 Booker Prize for fiction?", [_passage(novel)], _similarity)
    assert got.short == "Beloved" and got.support < 0.05


@pytest.mark.parametrize(
    ("question", "sentence", "mention", "another"),
    [
        (
            "Where did Hurricane Milton make landfall?",
            "Hurricane Helene made landfall in Florida.",
            "Florida",
            True,
        ),
        # the sentence names the asked one too
        (
            "In which county is the Line Fire burning?",
            "The Line Fire, like the Borel Fire, is burning in Arden County.",
            "Arden",
            False,
        ),
        # the question asks for a thing of that kind
        (
            "Which fire burned the most acres this year?",
            "The Borel Fire burned 53,010 acres.",
            "Borel",
            False,
        ),
        # a place or an office is no kind of thing to tell apart, nor a day, which goes by other names
        (
            "Who is the sheriff of Kern County?",
            "Arden County Sheriff Mara Oslen said the fire was out.",
            "Mara",
            False,
        ),
        (
            "Which NFL team has played the most games on Thanksgiving Day?",
            "The Lions have played 84 total times on Turkey Day.",
            "Lions",
            False,
        ),
        # the same name written otherwise
        (
            "Which actor received an award from the US Navy?",
            "Tom Cruise accepted an honor from the U.S. Navy.",
            "Tom",
            False,
        ),
        # another of the kind in a clause of its own: the buyer of the site is the asked one's
        (
            "Who purchased the Chaddsford Winery in 2024?",
            "Brock Vinton, who founded the White Horse Winery in 2013, purchased the site.",
            "Brock",
            False,
        ),
    ],
)
def test_another_of_the_kind(question: str, sentence: str, mention: str, another: bool) -> None:
    sent = next(iter(parse([sentence])[0].sents))
    token = next(t for t in sent if t.text == mention)
    head = "fire" if question.startswith("Which fire") else ""
    assert names_another(question, sent, head, token) is another


def test_the_kinds_a_question_names() -> None:
    assert question_kinds("Which novel won the 2024 Booker Prize?") == {"prize": frozenset({"booker"})}
    assert question_kinds("Which ship did the US Navy send?") == {"navy": frozenset({"us"})}
    assert question_kinds("Where did Hurricane Milton make landfall?") == {"hurricane": frozenset({"milton"})}
    assert question_kinds("Which wildfire is burning in Southern California?") == {}


def test_the_questions_own_thing_told_by_its_kind_is_no_answer() -> None:
    sentence = (
        "Airman Jack Teixeira pleaded guilty to sharing classified documents through the social media "
        "platform Discord, in a server called Thug Shaker Central."
    )
    got = read(
        "Jack Teixeira shared documents with a group on Discord. What was the name of that Discord server?",
        [_passage(sentence)],
        _similarity,
    )
    assert not any("Discord" in c.text for c in got.candidates)


def test_a_sentence_with_no_verb_is_read_to_its_root() -> None:
    # a heading: the climb from a mention to its clause's verb ends at the root (it once never ended)
    sent = next(iter(parse(["Borel Fire updates: Kern County evacuations"])[0].sents))
    token = next(t for t in sent if t.text == "Kern")
    q = "In which county is the Line Fire burning?"
    assert names_another(q, sent, "county", token) in (True, False)
    assert read(q, [_passage("Borel Fire map: Kern County")], _similarity).short in ("", "Kern County")


def test_what_the_questions_own_person_is_said_to_be_is_no_answer() -> None:
    sentence = (
        "The leading candidate of the ruling party, Mara Oslen, was projected to win with a wide lead on her "
        "main opponent Tomas Adler, according to the electoral institute."
    )
    question = "Mara Oslen is projected to become Ostria's first president. Who was her main challenger?"
    got = read(question, [_passage(sentence)], _similarity)
    assert not any("candidate" in c.text for c in got.candidates)
    assert got.short == "Tomas Adler"
    # nor is the noun's last word its head: a candidate "of the party" is no party acting
    mention = Mention("leading candidate of the ruling party", "NP", 0, 0, 0, 6)
    assert not _acting(mention)
    assert _acting(Mention("the ruling party", "NP", 0, 0, 0, 3))
