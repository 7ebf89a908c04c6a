"""The chat's access rules and its queue, without a server: login or read-only off loopback, answer slots."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack

import pytest
from pydantic import SecretStr

from qa import chat
from tests.conftest import SEEDS, MakeQA
from tests.fakes import FakeLLM

Q = "Where will Russia open a consulate general?"
REPLY = (
    "Answer: Kapan\nExplanation: Preparations are underway to open a Russian Consulate General in Kapan [1]."
)


def _settings(**kw: object) -> chat.ChatSettings:
    return chat.ChatSettings.model_validate(kw)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
def test_loopback_needs_no_login(host: str) -> None:
    assert chat.is_loopback(host)
    chat.check_access(_settings(), host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "newsqa.example", "10.0.0.1"])
def test_elsewhere_a_login_or_read_only_mode_is_required(host: str) -> None:
    assert not chat.is_loopback(host)
    with pytest.raises(chat.AccessError, match=f"Refusing to serve the chat on {host}.*NEWSQA_READ_ONLY"):
        chat.check_access(_settings(), host)
    chat.check_access(_settings(read_only=True), host)
    chat.check_access(_settings(auth_user="editor", auth_password=SecretStr("correct horse")), host)


def test_half_a_login_is_refused_and_the_password_stays_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(chat.AccessError, match="go together"):
        chat.check_access(_settings(auth_user="editor"), "127.0.0.1")
    assert chat.gradio_auth(_settings()) is None
    monkeypatch.setenv("NEWSQA_AUTH_USER", "editor")
    monkeypatch.setenv("NEWSQA_AUTH_PASSWORD", "correct horse")
    s = chat.ChatSettings()
    assert chat.gradio_auth(s) == [("editor", "correct horse")]
    assert "correct horse" not in repr(s)


def test_read_only_library_actions_refuse_and_change_nothing(make_qa: MakeQA, tmp_path) -> None:
    qa = make_qa()
    qa.ingest([SEEDS], progress=False)
    [(_, seed_id)] = chat.article_choices(qa)
    (tmp_path / "a.md").write_text("A synthetic note about the harbour crane.\n", encoding="utf-8")
    for out in (
        chat.delete_articles(qa, [seed_id], read_only=True),
        chat.ingest_files(qa, [str(tmp_path / "a.md")], read_only=True),
        chat.ingest_url(qa, "https://news.example/feed.xml", read_only=True),
    ):
        assert "nq-bad" in out and "read-only (NEWSQA&#95;READ&#95;ONLY=true)" in out
    assert qa.store.count_articles() == 1


def test_a_question_while_the_last_is_answered_is_refused_not_lost(make_qa: MakeQA) -> None:
    qa = make_qa(FakeLLM(REPLY))
    qa.ingest([SEEDS], progress=False)
    session = chat.ChatSession()
    assert chat.submit(session, Q) is not None and chat.is_busy(session)
    steps = chat.answer(qa, session)
    next(steps)
    assert chat.is_busy(session), "busy while searching and writing"
    assert list(chat.answer(qa, session)) == [], "a second answer() for the same turn does nothing"
    list(steps)
    assert not chat.is_busy(session) and session.turns[-1].stage == "done"
    assert "press enter again" in chat.BUSY_MESSAGE.lower()


def test_a_turn_never_started_goes_stale(make_qa: MakeQA, monkeypatch: pytest.MonkeyPatch) -> None:
    session = chat.ChatSession()
    chat.submit(session, Q)
    assert chat.is_busy(session)
    session.turns[-1].created -= 601
    assert not chat.is_busy(session)
    chat.submit(session, "Who visited Yerevan?")
    assert session.turns[0].stage == "failed" and "never answered" in session.turns[0].error


def test_answer_slots_are_taken_in_order() -> None:
    slots = chat.AnswerSlots(1)
    with ExitStack() as later, ExitStack() as first:
        a = first.enter_context(slots.ticket())
        b, c = later.enter_context(slots.ticket()), later.enter_context(slots.ticket())
        assert a.wait(0) == 0 and slots.running == 1
        assert b.wait(0.01) == 1 and c.wait(0.01) == 2, "places in line"
        got: list[float] = []

        def wait_for_b() -> None:
            while b.wait(0.05):
                pass
            got.append(time.monotonic())

        waiter = threading.Thread(target=wait_for_b)
        waiter.start()
        time.sleep(0.2)
        assert got == [], "b waits while a writes"
        released = time.monotonic()
        first.close()  # a's answer is done: its slot goes to b, the next in line
        waiter.join(5)
        assert got and got[0] >= released and c.wait(0.01) == 1
    assert slots.running == 0 and slots.waiting == 0


def test_retrieval_goes_on_while_another_answer_holds_the_only_slot(make_qa: MakeQA) -> None:
    qa = make_qa(FakeLLM(REPLY))
    qa.ingest([SEEDS], progress=False)
    slots = chat.AnswerSlots(1)
    first, second = chat.ChatSession(), chat.ChatSession()
    chat.submit(first, Q)
    chat.submit(second, Q)
    a = chat.answer(qa, first, slots=slots)
    while not (first.turns[0].stage == "writing" and slots.running == 1):
        next(a)
    b = chat.answer(qa, second, slots=slots)
    seen = [next(b).turns[0] for _ in range(3)]  # searching, writing, then a second of waiting
    waiting = seen[-1]
    assert waiting.passages, "retrieved before waiting for the model"
    assert "waiting for the model: number 1 in line (1 answers being written)" in waiting.note
    assert "number 1 in line" in second.messages()[-1]["content"], "the place shows in the chat"
    list(a)
    list(b)
    assert first.turns[0].stage == second.turns[0].stage == "done" and slots.running == 0
