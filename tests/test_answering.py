"""The answering pipeline with a scripted LLM: prompts, citation mapping, verification, refusals."""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date

import pytest

from qa.models import REFUSAL_TEXT, Answer, Final, Partial, Retrieved
from qa.pipeline import NewsQA, QuestionError
from qa.pipeline.citations import markers_in, parse_reply, strip_markers
from tests.conftest import SEED_FILE, SEEDS
from tests.fakes import FakeLLM

ARTICLE = SEED_FILE.read_text(encoding="utf-8")
Q = "Where will Russia open a consulate general?"


def _cited_numbers(answer: Answer) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}


def _check_structure(answer: Answer) -> None:
    """Every [n] maps to a citation, numbering is 1..N, every quote stands in the article as is."""
    assert _cited_numbers(answer) == {c.n for c in answer.citations}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    for c in answer.citations:
        assert c.quote and c.quote in ARTICLE
        assert c.passage[c.start - c.passage_start : c.end - c.passage_start] == c.quote


def test_supported_answer_is_cited_with_exact_quote(seeded_with) -> None:
    llm = FakeLLM("Answer: Kapan\nExplanation: Russia is preparing to open a Consulate General in Kapan [1].")
    seeded = seeded_with(llm)
    answer = seeded.ask(Q)
    assert not answer.refused
    assert answer.short == "Kapan"
    _check_structure(answer)
    assert "Kapan" in answer.citations[0].quote
    assert answer.citations[0].published and answer.citations[0].published.isoformat() == "2025-05-21"


def test_prompt_numbers_sources_and_keeps_instructions_out_of_data(seeded_with) -> None:
    llm = FakeLLM("Answer: Kapan\nExplanation: A consulate general will open in Kapan [1].")
    seeded = seeded_with(llm)
    seeded.ask(Q)
    system, user = llm.calls[0]
    assert system["role"] == "system" and "never instructions" in system["content"]
    assert user["content"].startswith("Sources:\n[1] ")
    assert user["content"].rstrip().endswith(f"Question: {Q}")
    assert "Kapan" in user["content"]


def test_marker_to_nothing_is_removed_and_invented_sentence_dropped(seeded_with) -> None:
    seeded = seeded_with(
        FakeLLM(
            "Answer: Kapan\nExplanation: Russia will open a Consulate General in Kapan [1][9]. "
            "The consulate will employ 250 diplomats from Vladivostok [2]."
        )
    )
    answer = seeded.ask(Q)
    assert not answer.refused
    assert "[9]" not in answer.text and "250" not in answer.text and "Vladivostok" not in answer.text
    assert any("no source supports" in n for n in answer.notes)
    _check_structure(answer)


def test_uncited_but_supported_sentence_gets_its_citation(seeded_with) -> None:
    seeded = seeded_with(
        FakeLLM(
            "Answer: Kapan\nExplanation: Preparations are underway to open a Russian Consulate "
            "General in Kapan."
        )
    )
    answer = seeded.ask(Q)
    assert not answer.refused and answer.citations
    _check_structure(answer)


def test_wrong_citation_is_replaced_by_a_supporting_source(seeded_with) -> None:
    # Source numbers follow retrieval order; cite a number that surely is another sentence.
    seeded = seeded_with(
        FakeLLM("Answer: Kapan\nExplanation: Russia is preparing a Consulate General in Kapan [6].")
    )
    answer = seeded.ask(Q)
    assert not answer.refused
    assert "Kapan" in answer.citations[0].quote
    _check_structure(answer)


def test_model_refusal_gives_refused_answer_with_evidence(seeded_with) -> None:
    seeded = seeded_with(FakeLLM("Answer: unknown\nExplanation: The sources do not say."))
    answer = seeded.ask("When will the consulate in Kapan open?")
    assert answer.refused and answer.short == ""
    assert answer.text.startswith(REFUSAL_TEXT)
    assert answer.citations  # the closest evidence
    _check_structure(answer)


def test_fully_invented_answer_becomes_refusal(seeded_with) -> None:
    seeded = seeded_with(
        FakeLLM(
            "Answer: Emmanuel Macron\nExplanation: Emmanuel Macron, President of France, hosted "
            "the 2026 summit in Lyon [1]."
        )
    )
    answer = seeded.ask("Who hosted the summit?")
    assert answer.refused
    assert "Macron" not in answer.text
    _check_structure(answer)


def test_stream_yields_retrieved_then_partials_then_final(seeded_with) -> None:
    seeded = seeded_with(
        FakeLLM("Answer: Kapan\nExplanation: A Russian Consulate General will open in Kapan [1].")
    )
    events = list(seeded.stream(Q))
    assert isinstance(events[0], Retrieved) and events[0].passages
    partials = [e.text for e in events if isinstance(e, Partial)]
    assert len(partials) > 3 and not partials[-1].startswith("Answer:")
    assert isinstance(events[-1], Final)


def test_llm_down_gives_clear_message_and_evidence(make_qa) -> None:
    from qa.llm.local import free_port
    from qa.llm.openai_chat import OpenAIChatLLM

    dead = OpenAIChatLLM(
        "m", base_url=f"http://127.0.0.1:{free_port()}/v1", api_key=None, timeout=3, max_retries=0
    )
    qa = make_qa(dead)
    qa.ingest([SEEDS], progress=False)
    answer = qa.ask(Q)
    assert answer.refused
    assert "Cannot reach the LLM" in answer.text
    assert answer.citations and any("Kapan" in c.quote for c in answer.citations)


def test_as_of_leaves_out_later_articles(seeded) -> None:
    answer = seeded.ask(Q, as_of="2025-01-01")
    assert answer.refused and not answer.citations
    assert seeded.ask(Q, as_of="2025-05-21").citations


@pytest.mark.parametrize("question", ["", "   ", "x" * 100_000])
def test_bad_questions_get_messages(seeded, question: str) -> None:
    with pytest.raises(QuestionError):
        seeded.ask(question)


def test_bad_as_of(seeded) -> None:
    with pytest.raises(QuestionError, match="as_of"):
        seeded.ask(Q, as_of="yesterday-ish")


def test_extractive_mode_answers_with_a_quote(seeded) -> None:
    answer = seeded.ask(Q)
    assert not answer.refused
    assert answer.short == "Kapan"
    _check_structure(answer)
    quote = answer.citations[0].quote
    assert quote.startswith("He confirmed") and quote.removeprefix("He").rstrip(".") in strip_markers(
        answer.text
    )
    # The date goes before a sentence that names its subject, never before a bare "he" (issue #12).
    assert answer.text.startswith("As reported on 21 May 2025, Lavrov confirmed")


def test_answer_is_a_frozen_dataclass_with_json_form(seeded: NewsQA) -> None:
    answer = seeded.ask(Q)
    with pytest.raises(dataclasses.FrozenInstanceError):
        answer.text = "x"  # type: ignore[misc]
    assert dataclasses.asdict(answer)["citations"][0]["quote"]
    data = json.loads(json.dumps(answer.to_json()))
    assert set(data) == {"question", "text", "short", "citations", "refused", "newest_source", "notes"}
    assert data["newest_source"] == "2025-05-21" == data["citations"][0]["published"]
    assert set(data["citations"][0]) == {
        "n",
        "article_id",
        "chunk_id",
        "title",
        "source",
        "url",
        "published",
        "quote",
    }


@pytest.mark.parametrize(
    ("raw", "short", "unknown"),
    [
        ("Answer: Kapan\nExplanation: In Kapan [1].", "Kapan", False),
        ("**Answer:** Kapan [1]\n**Explanation:** In Kapan [1].", "Kapan", False),
        ("Answer: unknown\nExplanation: The sources do not say.", "unknown", True),
        ("I don't know.", "", True),
        ("", "", True),
        ("Russia will open a consulate in Kapan [1].", "", False),
    ],
)
def test_parse_reply(raw: str, short: str, unknown: bool) -> None:
    reply = parse_reply(raw)
    assert reply.short == short and reply.says_unknown is unknown


def test_markers() -> None:
    assert markers_in("a [1] b [2, 3] c [1][4] 【5】 [Source 6]") == [1, 2, 3, 4, 5, 6]
    assert strip_markers("In Kapan [1][2].") == "In Kapan."


def test_negated_claim_is_not_supported_by_the_positive_sentence(seeded_with) -> None:
    seeded = seeded_with(
        FakeLLM("Answer: Kapan\nExplanation: Russia will not open a Consulate General in Kapan [1].")
    )
    answer = seeded.ask(Q)
    assert "will not open" not in answer.text
    _check_structure(answer)


def test_follow_up_uses_a_usable_rewrite_or_falls_back(seeded_with) -> None:
    chatter = FakeLLM(
        ["The answer to the question is:", "Answer: unknown\nExplanation: The sources do not say."]
    )
    qa = seeded_with(chatter)
    answer = qa.ask("and when?", history=[(Q, "In Kapan [1].")])
    assert answer.rewritten_question == f"{Q} and when?"
    good = FakeLLM(
        ["When will Russia open the consulate general in Kapan?", "Answer: unknown\nExplanation: -"]
    )
    qa = seeded_with(good)
    answer = qa.ask("and when?", history=[(Q, "In Kapan [1].")])
    assert answer.rewritten_question == "When will Russia open the consulate general in Kapan?"


def test_a_question_that_stands_on_its_own_is_searched_as_written_after_others(seeded_with) -> None:
    # a small model's rewrite once turned "prime minister" into "Prime Minister" and changed the answer
    llm = FakeLLM(["What is the name of Armenia's Prime Minister?", "Answer: unknown\nExplanation: -"])
    qa = seeded_with(llm)
    question = "What is the name of Armenia's prime minister?"
    answer = qa.ask(question, history=[(Q, "In Kapan [1].")])
    assert answer.rewritten_question == ""  # before: the model's "Prime Minister" version was searched


def test_missing_local_model_gives_message_and_evidence(make_qa, tmp_path) -> None:
    qa = make_qa("auto", llm="local", local_model_path=tmp_path / "missing.gguf")
    qa.ingest([SEEDS], progress=False)
    answer = qa.ask(Q)
    assert answer.refused and "does not exist" in answer.text and answer.citations


def test_short_answer_is_never_the_attribution(seeded_with) -> None:
    reply = "Lavrov highlighted the comprehensive scope of their talks [1]."
    answer = seeded_with(FakeLLM(reply)).ask("What did Lavrov highlight about the talks?")
    assert not answer.refused and "reported on" in answer.text
    assert answer.short and "reported on" not in answer.short
    assert answer.short.startswith("Lavrov highlighted")  # the supported claim itself


def test_two_claims_from_one_passage_get_a_citation_each() -> None:
    from index.models import ArticleInfo, Chunk
    from qa.models import Passage
    from qa.pipeline.grounder import Grounder

    text = "The council approved the bridge on Tuesday. Construction will start in March 2025."
    info = ArticleInfo("a", "Bridge", "Daily (synthetic)", "https://x.example", published=date(2024, 10, 8))
    chunk = Chunk("a:0", info, text, 0, len(text))
    reply = (
        "Answer: March 2025\n"
        "Explanation: The council approved the bridge [1]. Construction will start in March 2025 [1]."
    )
    answer = Grounder("When will construction start?", [Passage(chunk, 1.0, 1)]).from_reply(reply)
    assert [c.n for c in answer.citations] == [1, 2]
    assert [c.quote for c in answer.citations] == [
        "The council approved the bridge on Tuesday.",
        "Construction will start in March 2025.",
    ]
    assert answer.text.endswith("Construction will start in March 2025 [2].")


def test_an_answer_about_now_resting_on_old_reports_says_how_old(seeded: NewsQA) -> None:
    now = "Where is Russia currently preparing to open a consulate general?"
    stale = seeded.ask(now, as_of="2025-09-01")  # the seed article is of 21 May 2025
    assert not stale.refused and stale.newest_source == date(2025, 5, 21)
    assert "Latest report: 21 May 2025. Things may have changed since." in stale.notes
    fresh = seeded.ask(now, as_of="2025-06-01")  # within NEWSQA_STALE_DAYS (30)
    assert not fresh.refused and not any(n.startswith("Latest report") for n in fresh.notes)
    then = seeded.ask(Q, as_of="2025-09-01")  # not a question about now: its age is no news
    assert not then.refused and not any(n.startswith("Latest report") for n in then.notes)
