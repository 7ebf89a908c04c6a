"""Questions asking for the one thing two statements share ("Which city is both ... and ...?"), on hand-made
passages (synthetic)."""

from __future__ import annotations

import pytest

from qa.pipeline.conjunctions import both_parts, read_question
from qa.pipeline.grounder import Grounder
from tests.test_reader import _passage, _similarity


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "Which city is both the venue of the talks and one of the hosts of the next sessions?",
            ("Which city is the venue of the talks?", "Which city is one of the hosts of the next sessions?"),
        ),
        (  # the parallel "as ... and as ...", past an "and" of the first statement's own
            "Which bloc is named both as the source of the mission Orr and Brandt chose and as a bloc "
            "Ostria left?",
            (
                "Which bloc is named as the source of the mission Orr and Brandt chose?",
                "Which bloc is named as a bloc Ostria left?",
            ),
        ),
        ("Both Ostria and Verrin claim which island?", None),  # "both" opens it: no statement to split
        ("Which city hosted the talks?", None),
    ],
)
def test_a_both_and_question_is_two_statements(question: str, parts: tuple[str, str] | None) -> None:
    assert both_parts(question) == parts


def test_the_answer_is_the_one_both_statements_give_and_both_sentences_are_cited() -> None:
    text = (
        "Ministers Brandt and Orr met in Port Alma on Monday for talks. "
        "The upcoming sessions of the regional platform will be hosted by Verrin and Port Alma. "
        "Verrin hosted the previous sessions of the platform."
    )
    question = (
        "Which city is both where the ministers met on Monday and a host of the upcoming sessions of the "
        "regional platform?"
    )
    reading = read_question(question, [_passage(text)], _similarity)
    assert reading.short == "Port Alma" and not reading.refused
    assert reading.evidence is not None and len(reading.more) == 1  # the meeting's sentence and the hosts'
    cited = {reading.evidence.claim, reading.more[0].claim}
    assert any("met in Port Alma" in c for c in cited) and any("hosted by" in c for c in cited)
    answer = Grounder(question, [_passage(text)]).from_reading(reading)
    assert len(answer.citations) == 2 and "[1]" in answer.text and "[2]" in answer.text
    assert answer.text.count("reported on") == 1, answer.text  # one outlet and date, said once
