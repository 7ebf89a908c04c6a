"""Bad input loses nothing and gets a clear message: control characters in questions."""

from __future__ import annotations

import pytest

from qa import chat
from qa.pipeline import QuestionError
from qa.pipeline.questions import check_question
from tests.conftest import SEEDS, MakeQA
from tests.fakes import FakeLLM

Q = "Where will Russia open a consulate general?"


@pytest.mark.parametrize(
    ("question", "codes"),
    [
        ("\x00", "U+0000"),
        ("\x00\x00\x00\x00", "U+0000"),
        ("\x1b[2J", None),  # an escape sequence leaves "[2J": words of a sort, not controls only
        ("\x07\x08\x7f", "U+0007, U+0008, U+007F"),
        (" \x00 \t\x01\n", "U+0000, U+0001"),
        ("\x80\x9f", "U+0080, U+009F"),
    ],
)
def test_a_question_of_control_characters_only_is_rejected(question: str, codes: str | None) -> None:
    if codes is None:
        assert check_question(question, 2000) == "[2J"
        return
    with pytest.raises(QuestionError, match="only control characters") as caught:
        check_question(question, 2000)
    assert codes in str(caught.value)


def test_control_characters_are_stripped_from_any_question() -> None:
    assert check_question("Where\x00 will\x1b Russia\x07 open a\tconsulate\r\ngeneral?\x7f", 2000) == Q
    with pytest.raises(QuestionError, match="empty"):
        check_question("   \t\n", 2000)


def test_the_pipeline_and_the_chat_do_no_work_for_a_control_character_question(make_qa: MakeQA) -> None:
    llm = FakeLLM("Answer: Kapan\nExplanation: It is Kapan [1].")
    qa = make_qa(llm)
    qa.ingest([SEEDS], progress=False)
    embeds = qa.embedder.calls  # type: ignore[attr-defined]
    with pytest.raises(QuestionError):
        qa.ask("\x00\x00\x00")
    session = chat.ChatSession()
    list(chat.ask(qa, session, "\x00\x01\x02"))
    assert "only control characters" in session.messages()[-1]["content"]
    assert session.turns[-1].stage == "failed"
    assert llm.calls == [] and qa.embedder.calls == embeds, "no retrieval, no LLM"  # type: ignore[attr-defined]
    answer = qa.ask(f"\x00{Q}\x00")
    assert answer.question == Q and llm.calls, "a cleaned question is answered"
