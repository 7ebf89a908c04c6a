"""The chat's access rules and its queue, without a server: login or read-only off loopback, answer slots."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack

import pytest
from pydantic import SecretStr

from qa import chat
from qa.backends import gated
from qa.llm.base import LLM, Message, complete
from qa.llm.slots import AnswerSlots, GatedLLM
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
        chat.follow_feed(qa, "https://news.example/feed.xml", "1h", read_only=True),
        chat.unfollow_feed(qa, "https://news.example/old.xml", read_only=True),
    ):
        assert "nq-bad" in out and "read-only (NEWSQA&#95;READ&#95;ONLY=true)" in out
    assert qa.store.count_articles() == 1
    assert chat.feed_choices(qa) == [] and "No feeds followed yet" in chat.feeds_html(qa)


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
    slots = AnswerSlots(1)
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
        first.close()  # a's reply is done: its slot goes to b, the next in line
        waiter.join(5)
        assert got and got[0] >= released and c.wait(0.01) == 1
    assert slots.running == 0 and slots.waiting == 0


class _Slow(LLM):
    """Replies slowly, counting how many replies run at once."""

    name = "slow"

    def __init__(self) -> None:
        self.now = self.most = 0
        self.lock = threading.Lock()

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        with self.lock:
            self.now += 1
            self.most = max(self.most, self.now)
        time.sleep(0.1)
        with self.lock:
            self.now -= 1
        yield "done"


def test_a_gated_llm_writes_at_most_its_slots_at_once() -> None:
    inner = _Slow()
    llm = gated(inner, 2)
    assert isinstance(llm, GatedLLM) and llm.slots.n == 2 and llm.name == "slow"
    threads = [
        threading.Thread(
            target=complete,
            args=(
                llm,
                [],
            ),
            kwargs={"max_tokens": 5},
        )
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert inner.most == 2 and llm.slots.running == 0
    assert gated(inner, 0) is inner, "0: no limit"


def test_the_local_and_openai_backends_are_gated_by_the_settings(tmp_path) -> None:
    from qa.backends import make_llm
    from qa.settings import Settings

    url = "http://127.0.0.1:9/v1"
    plain = make_llm(Settings(home=tmp_path, llm="openai", openai_base_url=url))
    assert not isinstance(plain, GatedLLM), "an outside endpoint: no limit unless NEWSQA_LLM_SLOTS"
    limited = make_llm(Settings(home=tmp_path, llm="openai", openai_base_url=url, llm_slots=3))
    assert isinstance(limited, GatedLLM) and limited.slots.n == 3 and limited.base_url == url


def test_retrieval_goes_on_while_another_reply_holds_the_only_slot(make_qa: MakeQA) -> None:
    slots = AnswerSlots(1)
    qa = make_qa(GatedLLM(FakeLLM(REPLY), slots))
    qa.ingest([SEEDS], progress=False)
    session = chat.ChatSession()
    chat.submit(session, Q)
    steps = chat.answer(qa, session)
    with ExitStack() as other:
        assert other.enter_context(slots.ticket()).wait(0) == 0  # another reply holds the only slot
        for state in steps:
            turn = state.turns[-1]
            if "in line" in turn.note:
                break
        assert turn.passages, "retrieved before waiting for the model"
        assert turn.note == "Waiting for the model: number 1 in line (1 being written)…"
        assert "number 1 in line" in session.messages()[-1]["content"], "the place shows in the chat"
    list(steps)
    assert session.turns[-1].stage == "done" and session.turns[-1].note == "" and slots.running == 0


def test_a_cancelled_answer_frees_the_session(make_qa: MakeQA) -> None:
    qa = make_qa(FakeLLM(REPLY))
    qa.ingest([SEEDS], progress=False)
    session = chat.ChatSession()
    chat.submit(session, Q)
    steps = chat.answer(qa, session)
    next(steps)
    steps.close()  # what Gradio does when the client goes away
    assert session.turns[-1].stage == "failed" and "stopped" in session.turns[-1].error
    assert not chat.is_busy(session), "the next question is taken"
