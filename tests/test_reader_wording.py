"""A figure a change starts from ("up from roughly 71,000 in 2018") is no answer to how many there are now;
an office in its women's or men's form is the office asked; a list one sentence gives is written in its
order; "whether to release" says neither yes nor no (passages synthetic)."""

from __future__ import annotations

from qa.pipeline.reader import read
from qa.pipeline.support import terms
from tests.test_reader import _passage, _similarity

_TURNOUT = (
    "More than 131,000 people cast ballots on Monday, the first day of early voting, the state's top "
    "elections official said, up from roughly 71,000 back in 2018."
)


def test_the_figure_a_change_starts_from_is_no_answer_for_now() -> None:
    # the question's "roughly" matched the earlier count's: 71,000 had support 0.42 beside 131,000's 0.56
    got = read(
        "Roughly how many ballots were cast on the first day of early voting?",
        [_passage(_TURNOUT)],
        _similarity,
    )
    assert got.short.startswith("131,000")
    assert all(c.support < 0.1 for c in got.candidates if c.text == "71,000")
    alone = "Turnout fell to 48,500 on Tuesday, down from about 52,000 a year ago, officials said."
    assert read("How many people voted on Tuesday?", [_passage(alone)], _similarity).short.startswith(
        "48,500"
    )


def test_the_earlier_figure_answers_a_question_about_then() -> None:
    # asked of the year the sentence gives it, or of before, the earlier figure keeps its support (the cue
    # takes it to 0.01-0.04)
    for q in (
        "Roughly how many ballots were cast on the first day of early voting in 2018?",
        "How many ballots were cast on the first day of early voting in the previous election?",
    ):
        got = read(q, [_passage(_TURNOUT)], _similarity)
        assert any(c.text == "71,000" and c.support > 0.1 for c in got.candidates), q


def test_an_office_in_its_womens_or_mens_form_is_the_office_asked() -> None:
    # "spokeswoman" did not match "spokesperson": the sentence that names her had support 0.08
    sentence = (
        "The strike will go on until the port agrees to a new contract, said Mara Oslen, a spokeswoman for "
        "the Varnish dockworkers union."
    )
    got = read(
        "Who is the spokesperson for the Varnish dockworkers union?", [_passage(sentence)], _similarity
    )
    assert got.short == "Mara Oslen" and not got.refused
    assert (
        terms("spokesmen chairwoman congressman").stems
        == terms("spokesperson chairperson congressperson").stems
    )


def test_a_list_from_one_sentence_keeps_its_order() -> None:
    # Romania, mentioned again in another passage, led the answer: "Romania, Poland and Germany" was scored
    # wrong against "Poland, Germany and Romania"
    sentence = (
        "President Joe Biden has formally approved the deployment of 3,000 US troops to Poland, Germany and "
        "Romania, the Pentagon announced Wednesday, in a move to bolster NATO countries in Eastern Europe."
    )
    again = "Romania welcomed the deployment of US troops to bolster NATO, officials in Romania said."
    q = (
        "President Biden has approved the deployment of 3,000 US troops to bolster NATO allies. To which "
        "three countries are they being sent?"
    )
    got = read(q, [_passage(sentence), _passage(again, article="a1")], _similarity)
    assert got.short == "Poland, Germany and Romania"


def test_a_verb_put_as_whether_states_neither_yes_nor_no() -> None:
    # "yes" at support 0.33, scored wrong (the committee did not agree)
    sentence = (
        "The Varnish Assembly's ethics committee met on Wednesday but could not reach a consensus on whether "
        "to release the report on the allegations."
    )
    q = "The ethics committee met this week over its report. Did the committee agree to release the report?"
    got = read(q, [_passage(sentence)], _similarity)
    assert got.support == 0.0 and got.refused
    stated = "The Varnish Assembly's ethics committee released the report on the allegations on Wednesday."
    assert read(q, [_passage(stated)], _similarity).short == "yes"


def test_a_yes_no_on_someone_rests_on_a_sentence_naming_them() -> None:
    # "yes" from the board's vote, for whether its chairman voted for the rule (he voted against it)
    board = (
        "The Ostrian State Election Board passed a controversial measure Friday requiring local precincts to "
        "conduct hand counts for the November election."
    )
    q = (
        "Ostria's State Election Board passed a rule on Friday requiring hand counts of ballots. Did board "
        "chairman Tomas Adler vote for it?"
    )
    got = read(q, [_passage(board)], _similarity)
    assert got.short == "" and got.refused
    against = board + " Board chairman Tomas Adler voted against the rule, calling it too late."
    assert read(q, [_passage(against)], _similarity).short == "no"
    voted = "The rule passed 3-2 on Friday. Board chairman Tomas Adler voted for the measure."
    assert read(q, [_passage(voted)], _similarity).short == "yes"


def test_the_first_time_in_a_while_says_it_had_not_happened_before() -> None:
    transit = (
        "It was the first time in at least three years that the Verrin Navy had sent two frigates through "
        "the Kessel Strait, an analyst said."
    )
    q = (
        "The Verrin Navy sent two frigates through the Kessel Strait on Sunday. Had the navy sent two "
        "frigates through the strait at any time in the previous three years?"
    )
    assert read(q, [_passage(transit)], _similarity).short == "no"
    # asked whether it was the first, the same sentence says yes
    first = "Was Sunday's transit the first time in three years that the Verrin Navy sent two frigates?"
    assert read(first, [_passage(transit)], _similarity).short == "yes"


def test_one_announcing_is_the_one_asked_when_said_to_hold_the_asked_role() -> None:
    text = (
        "Dame Elsa Morrow, chairwoman of the Verrin Assembly's budget committee, announced on Monday that "
        "the vote would be held in March. Ministers had hoped for an earlier date."
    )
    q = "Who chairs the Verrin Assembly's budget committee?"
    got = read(q, [_passage(text)], _similarity)
    assert got.short == "Elsa Morrow" and not got.refused
    # one who only reports what another did is still no answer to who did it
    told = "Osk's foreign minister Ivo Varn said the Verrin government rejected the offer on Monday."
    assert read("Who rejected the offer?", [_passage(told)], _similarity).short != "Ivo Varn"
