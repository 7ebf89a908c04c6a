"""LLM faults end in one clear message plus the evidence: replies from a fake endpoint on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qa import chat
from qa.llm.base import LLMError, complete
from qa.llm.local import free_port
from qa.llm.openai_chat import OpenAIChatLLM
from tests.conftest import SEEDS, MakeQA
from tests.llm_endpoint import GOOD, fake_llm_endpoint

QUESTION = "Where will Russia open a consulate general?"
FAULTS = [
    ("not-utf8", r"sent bytes that are not UTF-8 text \(b'\\xff\\xfe\\xfa"),
    ("bad-json", r"sent an event that is not JSON \('\{not json'.*malformed"),
    ("plain-text", r"answered with text/plain, not an event stream.*maintenance page"),
    ("html", r"answered with text/html, not an event stream.*502 Bad Gateway"),
    ("no-events", r"sent an event stream with no events in it"),
    ("error-event", r"reported an error during its reply: model overloaded"),
]


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with fake_llm_endpoint() as url:
        yield url


def _llm(endpoint: str, mode: str) -> OpenAIChatLLM:
    return OpenAIChatLLM("fake", base_url=f"{endpoint}/{mode}/v1", api_key=None, timeout=10, max_retries=0)


def test_a_good_stream_and_a_whole_json_reply_are_answers(endpoint: str) -> None:
    msgs = [{"role": "user", "content": "q"}]
    assert complete(_llm(endpoint, "good"), msgs, max_tokens=50) == GOOD
    assert complete(_llm(endpoint, "whole-json"), msgs, max_tokens=50) == GOOD


@pytest.mark.parametrize(("mode", "expected"), FAULTS)
def test_each_bad_reply_is_an_llm_error_saying_what_the_endpoint_did(
    endpoint: str, mode: str, expected: str
) -> None:
    with pytest.raises(LLMError, match=expected) as caught:
        complete(_llm(endpoint, mode), [{"role": "user", "content": "q"}], max_tokens=50)
    assert f"The LLM at {endpoint}/{mode}/v1" in str(caught.value)
    assert "\n" not in str(caught.value), "one line"


@pytest.mark.parametrize(("mode", "expected"), FAULTS)
def test_a_bad_reply_is_a_failed_answer_with_the_evidence(
    make_qa: MakeQA, endpoint: str, mode: str, expected: str
) -> None:
    qa = make_qa(_llm(endpoint, mode))
    qa.ingest([SEEDS], progress=False)
    answer = qa.ask(QUESTION)
    assert answer.refused and answer.citations, "the retrieved evidence is kept"
    assert answer.failure and answer.failure in answer.text
    assert answer.failure.startswith(f"The LLM at {endpoint}/{mode}/v1")
    assert "The articles do not say" not in answer.text, "not shown as if the model had refused"
    session = chat.ChatSession()
    list(chat.ask(qa, session, QUESTION))
    message = session.messages()[-1]["content"]
    assert "Answer unavailable" in message and "Something went wrong" not in message
    assert 'id="src-1"' in session.panel()


def test_a_refusal_is_not_a_failure(make_qa: MakeQA, endpoint: str) -> None:
    qa = make_qa(_llm(endpoint, "good"))
    qa.ingest([SEEDS], progress=False)
    assert qa.ask("What colour is the moon over Kapan tonight?").failure == ""
    assert qa.ask(QUESTION).failure == ""


def test_an_unreachable_llm_is_a_failure(make_qa: MakeQA) -> None:
    dead = OpenAIChatLLM(
        "m", base_url=f"http://127.0.0.1:{free_port()}/v1", api_key=None, timeout=3, max_retries=0
    )
    qa = make_qa(dead)
    qa.ingest([SEEDS], progress=False)
    answer = qa.ask(QUESTION)
    assert answer.failure.startswith("Cannot reach the LLM at http://127.0.0.1:")
    assert answer.citations
