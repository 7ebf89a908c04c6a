"""Real components end to end: a llama.cpp server on 127.0.0.1 and a `chroma run` server."""

from __future__ import annotations

import re

import pytest

from qa.llm.base import complete
from qa.pipeline import NewsQA
from qa.settings import Settings
from tests.conftest import SEED_FILE, SEEDS

ARTICLE = SEED_FILE.read_text(encoding="utf-8")
QUESTIONS = [
    "Where will Russia open a consulate general?",
    "Who is the Russian foreign minister who visited Yerevan?",
    "How many troops does Russia keep at its base in Armenia?",  # the article does not say
]

pytestmark = pytest.mark.slow


@pytest.mark.llm
def test_local_server_speaks_openai_on_loopback(local_llm) -> None:
    assert local_llm.base_url.startswith("http://127.0.0.1:")
    text = complete(local_llm, [{"role": "user", "content": "Say hello."}], max_tokens=8)
    assert text.strip()


@pytest.mark.llm
@pytest.mark.parametrize("question", QUESTIONS)
def test_real_llm_answers_are_grounded(seeded_with, local_llm, question: str) -> None:
    """Whatever the small model writes, every kept sentence cites a passage and quotes are exact."""
    qa = seeded_with(local_llm)
    answer = qa.ask(question)
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert cited == {c.n for c in answer.citations}
    assert answer.citations, "a refusal still carries the closest evidence"
    for c in answer.citations:
        assert c.quote in ARTICLE
    if answer.refused:
        assert answer.short == ""
    else:
        assert answer.short and "[" not in answer.short
        # Each sentence of the answer carries at least one marker.
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", answer.text) if s.strip()]
        assert all(re.search(r"\[\d+\]", s) for s in sentences)


@pytest.mark.llm
def test_local_mode_starts_its_own_server(tmp_path, embedder) -> None:
    settings = Settings(
        home=tmp_path, llm="local", llm_model="smollm2-135m", llm_max_tokens=48, checker_model="smollm2-135m"
    )
    qa = NewsQA(settings, embedder=embedder)
    qa.ingest([SEEDS], progress=False)
    answer = qa.ask(QUESTIONS[0])
    assert answer.citations
    assert qa.llm is not None and "127.0.0.1" in qa.llm.base_url  # type: ignore[attr-defined]
    # the checker (asked about the reader's typed answer) is the same catalogue file, served once
    assert qa.checker is not None and "127.0.0.1" in qa.checker.base_url  # type: ignore[attr-defined]


def test_chroma_server_mode(chroma_server: str, tmp_path, embedder) -> None:
    settings = Settings(home=tmp_path, chroma_url=chroma_server, llm="extractive", collection="server_test")
    qa = NewsQA(settings, embedder=embedder)
    _, report = qa.ingest([SEEDS], progress=False)
    assert len(report.added) == 1
    assert not (tmp_path / "chroma").exists()  # nothing stored on local disk
    again = NewsQA(settings, embedder=embedder)
    assert again.store.count_articles() == 1
    assert "127.0.0.1" in again.store.location
    _, report = again.ingest([SEEDS], progress=False)
    assert report.skipped and not report.added
    answer = again.ask(QUESTIONS[0])
    assert answer.short == "Kapan" and answer.citations
    vector = again.embedder.embed([QUESTIONS[0]])[0]
    hits = again.store.search(vector, 3)
    exact = again.store.similarities(vector, [ref.id for ref, _ in hits])  # stored vectors, over HTTP
    assert len(exact) == 3 and all(abs(exact[ref.id] - score) < 1e-4 for ref, score in hits)


def test_chroma_server_down_is_a_clear_error(tmp_path, embedder) -> None:
    from index.store.base import StoreError
    from qa.llm.local import free_port

    settings = Settings(home=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}", llm="extractive")
    with pytest.raises(StoreError, match="Cannot reach the Chroma server"):
        NewsQA(settings, embedder=embedder).store  # noqa: B018


def test_chroma_server_that_dies_mid_session_is_a_store_error_and_recovers(tmp_path, embedder) -> None:
    from index.store.base import StoreError
    from qa import chat
    from tests.conftest import ChromaServer

    (tmp_path / "server").mkdir()
    server = ChromaServer(tmp_path / "server")
    server.start()
    try:
        settings = Settings(
            home=tmp_path / "home", chroma_url=server.url, llm="extractive", collection="restart_test"
        )
        qa = NewsQA(settings, embedder=embedder)
        qa.ingest([SEEDS], progress=False)
        assert qa.ask(QUESTIONS[0]).short == "Kapan"
        server.stop()
        unreachable = rf"The Chroma server at {re.escape(server.url)} is unreachable \(ConnectError"
        with pytest.raises(StoreError, match=unreachable):
            qa.ask(QUESTIONS[0])
        with pytest.raises(StoreError, match=unreachable):
            qa.store.count_articles()
        with pytest.raises(StoreError, match=unreachable):
            qa.ingest([SEEDS], progress=False)
        session = chat.ChatSession()
        list(chat.ask(qa, session, QUESTIONS[0]))
        message = session.messages()[-1]["content"]
        assert "The article index cannot be used" in message and "is unreachable" in message
        assert "Something went wrong" not in message
        assert "is unreachable" in chat.status_html(qa, None)
        server.start()  # the same data folder and port: the same NewsQA carries on
        assert qa.ask(QUESTIONS[0]).short == "Kapan"
        assert qa.store.count_articles() == 1
        _, report = qa.ingest([SEEDS], progress=False)
        assert report.skipped and not report.added
    finally:
        server.stop()


@pytest.mark.llm
def test_the_chooser_on_the_real_server_replies_with_a_candidate_or_not_stated(local_llm) -> None:
    """Whatever the small model would write, the JSON schema forces one of the options (or "not stated")."""
    from qa.llm.base import NOT_STATED

    options = ["Kapan", "Yerevan", "Budapest"]
    questions = [
        "Where will Russia open a consulate general?",
        "Which planet did the probe reach?",  # none of the options: "not stated" is allowed
    ]
    for question in questions:
        prompt = f"Sentences:\n[1] {ARTICLE[:600]}\nQuestion: {question}\nCandidates: {'; '.join(options)}"
        messages = [
            {"role": "system", "content": f'Reply with one of the candidates, or "{NOT_STATED}".'},
            {"role": "user", "content": prompt},
        ]
        picked = local_llm.choose(messages, options)
        assert picked is None or picked in options
    assert local_llm.structured_outputs, "the llama.cpp server took the JSON schema (no plain-text fallback)"


@pytest.mark.llm
def test_the_checker_on_the_real_server_reads_p_yes_from_log_probabilities(local_llm) -> None:
    """llama.cpp returns the first token's top log-probabilities: the checker's P(yes) comes from them."""
    from qa.pipeline.checker import SYSTEM

    for answer in ("Kapan", "Budapest"):
        user = (
            f"Sentence: {ARTICLE[:400]}\nQuestion: {QUESTIONS[0]}\nProposed answer: {answer}\n"
            f"Does the sentence state that the answer is {answer}? Reply yes or no."
        )
        p_yes = local_llm.judge([{"role": "system", "content": SYSTEM}, {"role": "user", "content": user}])
        assert 0.0 <= p_yes <= 1.0
    assert local_llm._logprobs, "the server took the log-probabilities request (no fallback to words)"
