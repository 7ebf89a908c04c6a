"""Reader rules from the held-out sets of 2026-12-07 (twenty-first session): a name said to be what the
question asks ("X is the president of ..."), the thing it is of, a date hung on the asked verb, a place
inside a name (all passages synthetic)."""

from __future__ import annotations

from qa.pipeline.answer_types import answer_type
from qa.pipeline.answerability import MIN_SUPPORT
from qa.pipeline.nlp import parse
from qa.pipeline.question_facts import question
from qa.pipeline.reader import read
from qa.pipeline.support import terms
from tests.test_reader import _passage, _similarity


def test_a_name_said_to_be_the_asked_office_across_a_copula_is_attached_to_it() -> None:
    # the plainest statement there is: before, nothing tied the name to "president" (support 0.13, refused)
    q = "Who is the president of the Varnish teachers' union that praised the plan?"
    for sentence in (
        "Mara Oslen is the president of the Varnish State Education Association, the teachers union.",
        "The president of the Varnish State Education Association, the teachers union, is Mara Oslen.",
    ):
        got = read(q, [_passage(sentence)], _similarity)
        assert got.short == "Mara Oslen" and got.support >= MIN_SUPPORT


def test_what_the_asked_noun_is_of_stands_for_what_the_question_names() -> None:
    # "the face of Nailkale" (which the tagger calls a person): Nailkale is the range the question names in
    # other words, Oslen the face
    sentence = (
        "Sprawled in ads on a bed of kale, fashion darling Mara Oslen is the face of Nailkale, a new line "
        "of 12 nail shades from Tarvel Cosmetics."
    )
    got = read(
        "Who is the face of Tarvel Cosmetics' new range of kale nail polish?",
        [_passage(sentence)],
        _similarity,
    )
    assert got.short == "Mara Oslen"
    assert all(c.support < got.support / 1.5 for c in got.candidates[1:])


def test_a_companys_inc_is_no_place_the_question_qualifies_by() -> None:
    # "Nails Inc.'s new range" qualifies nothing by a place, so a British darling is no other country's
    text = "Who is the face of Tarvel Inc.'s new range of kale nail polish?"
    asked = answer_type(text)
    q = question(text, asked, parse([text])[0])
    assert not any(terms("Inc.").stems <= place for place in q.places)
    sentence = (
        "British darling Mara Oslen is the face of Kalegloss, a new line of nail shades from Tarvel Inc."
    )
    assert read(text, [_passage(sentence)], _similarity).short == "Mara Oslen"


def test_a_date_hangs_on_the_asked_verb_whatever_its_preposition() -> None:
    # "In what year" matches every "in <year>": the year Dallin joined is the one that hangs on "joining"
    sentence = (
        "The Hawks and Foxes are the two mainstays on the holiday, with Orvin playing their first game in "
        "1934 and Dallin joining the tradition in 1966."
    )
    q = (
        "The Orvin Hawks and Dallin Foxes are fixtures of the league's harvest schedule. In what year did "
        "Dallin join the holiday tradition?"
    )
    got = read(q, [_passage(sentence)], _similarity)
    assert got.short == "1966"
    assert [c.text for c in got.candidates[:2]] == ["1966", "1934"] and got.candidates[
        1
    ].support < got.support / 2


def test_a_place_inside_a_name_of_the_asked_kind_is_part_of_the_name() -> None:
    # "San Francisco" is no other country than the question's Ukraine: it names the bridge (refused before)
    q = (
        "Dozens of protesters demanding a ceasefire in Ukraine were arrested on Friday after blocking "
        "traffic for hours. Which bridge did they block?"
    )
    sentence = (
        "Dozens of protesters were arrested Friday after blocking traffic for hours on the San "
        "Francisco-Oakland Bay Bridge, demanding Mayor Mara Orlov call for a ceasefire in Ukraine."
    )
    got = read(q, [_passage(sentence)], _similarity)
    assert got.short == "San Francisco-Oakland Bay Bridge" and got.support >= MIN_SUPPORT


def test_what_the_asked_one_is_said_to_be_comes_from_the_asked_sentence() -> None:
    def identity(text: str) -> frozenset[str]:
        return question(text, answer_type(text), parse([text])[0]).identity

    assert identity("Who is the president of the Varnish teachers' union?") == terms("president").stems
    assert identity("Which company is the largest maker of kale polish?") == terms("maker").stems
    # a lead-in's relative clause says what someone else is
    assert identity(
        "Ann Lee, who is the president of the union, resigned. Which city hosted the meeting?"
    ) == (frozenset())
    assert identity("Who criticised the president?") == frozenset()


def test_a_name_made_or_named_as_the_asked_thing_is_tied_to_it() -> None:
    # "named Varnish City as the most polluted city" says what it is, as "Varnish City is ..." does (support
    # 0.19 before, refused); it is the sentence quoted, not one that only lists it as the next most polluted
    passages = [
        _passage(
            "On 7 June, Ostrava's air reached 353 on the index, far worse than the next most polluted city "
            "at the time, Varnish City on 190, the institute said."
        ),
        _passage("The Tarvel survey also named Varnish City as the world's most polluted big city."),
    ]
    got = read("Which of the following is the world's most polluted city?", passages, _similarity)
    assert got.short == "Varnish City" and got.support >= MIN_SUPPORT
    assert got.evidence is not None and got.evidence.claim.startswith("The Tarvel survey")
