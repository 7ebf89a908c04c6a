"""News-specific answering: near-duplicate stories grouped, conflicting reports cited on both sides."""

from __future__ import annotations

import json

import pytest

from index.loading import load_paths
from index.store.stories import DuplicateGroups, decode, encode, signature
from qa.models import Retrieved
from qa.pipeline import NewsQA
from qa.pipeline.conflicts import differs
from qa.pipeline.retrieval import same_passage
from tests.conftest import FIXTURES
from tests.fakes import FakeLLM

STORIES = FIXTURES / "stories" / "stories.jsonl"
RECORDS = {r["id"]: r for r in map(json.loads, STORIES.read_text(encoding="utf-8").splitlines())}
COPIES = ["syn-desal-wire", "syn-desal-copy-1", "syn-desal-copy-2"]
OUTPUT_Q = "How much fresh water a day does the Port Calder desalination plant produce?"
INJURED_Q = "How many people were injured in the Marrow Valley earthquake?"


# -- grouping, no store ----------------------------------------------------------------------------------
def test_copies_join_the_first_story_and_other_stories_stay_apart() -> None:
    groups = DuplicateGroups(threshold=0.6)
    assigned = {aid: groups.assign(aid, r["text"])[0] for aid, r in RECORDS.items()}
    assert {assigned[a] for a in COPIES} == {"syn-desal-wire"}
    assert assigned["syn-quake-a"] == "syn-quake-a"
    assert assigned["syn-quake-b"] == "syn-quake-b"  # same event, different reporting: not a copy
    assert assigned["syn-orchard"] == "syn-orchard"


def test_a_stricter_threshold_separates_edited_copies() -> None:
    groups = DuplicateGroups(threshold=0.95)
    assigned = [groups.assign(a, RECORDS[a]["text"])[0] for a in COPIES]
    assert assigned == COPIES


def test_signatures_survive_encoding() -> None:
    mh = signature(RECORDS["syn-desal-wire"]["text"])
    back = decode(encode(mh))
    assert back.jaccard(mh) == 1.0
    assert back.jaccard(signature(RECORDS["syn-desal-copy-1"]["text"])) > 0.6


def test_a_bad_threshold_says_what_is_allowed() -> None:
    with pytest.raises(ValueError, match=r"\(0, 1\]"):
        DuplicateGroups(threshold=1.5)


def test_same_passage_compares_words_not_positions() -> None:
    a = RECORDS["syn-desal-wire"]["text"]
    assert same_passage(a, RECORDS["syn-desal-copy-1"]["text"])
    assert not same_passage(a, RECORDS["syn-quake-a"]["text"])


@pytest.mark.parametrize(
    ("qtype", "a", "b", "expected"),
    [
        ("number", "14 people", "31 people", True),
        ("number", "1,200", "1200 residents", False),
        ("number", "dozens", "31", False),  # no figure on one side: nothing to compare
        ("date", "3 November 2024", "November 4, 2024", True),
        ("date", "Sunday", "November 3", False),  # a weekday and a date can both be right
        ("date", "March 2025", "March 3, 2025", False),
        ("date", "2023", "2024", True),
        ("person", "Miriam Oduya", "Tom Okafor", True),
        ("person", "Miriam Oduya", "Oduya", False),
    ],
)
def test_differs(qtype: str, a: str, b: str, expected: bool) -> None:
    assert differs(qtype, a, b) is expected


# -- through the store and the pipeline ----------------------------------------------------------------
@pytest.fixture
def stories(make_qa) -> NewsQA:
    qa = make_qa()
    _, report = qa.ingest([STORIES], progress=False)
    assert not report.failed and len(report.added) == len(RECORDS)
    return qa


def test_groups_are_stored_with_articles_and_chunks(stories: NewsQA) -> None:
    groups = {s.info.id: s.info.story for s in stories.store.articles()}
    assert {groups[a] for a in COPIES} == {"syn-desal-wire"}
    assert len({groups[a] for a in RECORDS if a not in COPIES}) == len(RECORDS) - len(COPIES)
    chunk_groups = {c.article_id: c.article.story for c in stories.store.chunks()}
    assert chunk_groups == groups


def test_retrieval_returns_one_copy_and_lists_the_other_outlets(stories: NewsQA) -> None:
    retrieved = next(e for e in stories.stream(OUTPUT_Q, top_k=4) if isinstance(e, Retrieved))
    desal = [p for p in retrieved.passages if p.chunk.article.story == "syn-desal-wire"]
    assert len(desal) == 1
    others = {a.id for a in desal[0].also}
    assert others == set(COPIES) - {desal[0].chunk.article_id}
    assert len(retrieved.passages) == 4  # the dropped copies left room for other passages


def test_answer_names_the_outlets_that_also_reported(stories: NewsQA) -> None:
    answer = stories.ask(OUTPUT_Q)
    assert not answer.refused and "90 million litres" in answer.text
    cited = answer.citations[0]
    also = {a.source for a in cited.also_reported_by}
    assert len(also) == 2 and cited.source not in also
    assert "also reported by" in answer.text
    assert all(name in answer.text for name in also)


def test_copies_outside_the_dates_are_not_listed(stories: NewsQA) -> None:
    answer = stories.ask(OUTPUT_Q, as_of="2024-10-10")
    assert answer.citations[0].article_id == "syn-desal-wire"
    assert answer.citations[0].also_reported_by == ()


def test_grouping_survives_a_restart(make_qa) -> None:
    articles = {a.id: a for a in load_paths([STORIES]).articles}
    make_qa(store="chroma").ingest_articles([articles["syn-desal-wire"]], progress=False)
    later = make_qa(store="chroma")  # a new process would see only what was stored
    later.ingest_articles([articles["syn-desal-copy-2"]], progress=False)
    groups = {s.info.id: s.info.story for s in later.store.articles()}
    assert groups["syn-desal-copy-2"] == "syn-desal-wire"


def test_grouping_can_be_turned_off(make_qa) -> None:
    qa = make_qa(duplicate_threshold=0.0)
    qa.ingest([STORIES], progress=False)
    assert all(s.info.story == s.info.id for s in qa.store.articles())
    answer = qa.ask(OUTPUT_Q)
    assert all(c.also_reported_by == () for c in answer.citations)


def test_conflicting_numbers_are_cited_on_both_sides(stories: NewsQA) -> None:
    answer = stories.ask(INJURED_Q)
    assert not answer.refused
    assert "Reports differ" in answer.text and "14" in answer.text and "31" in answer.text
    outlets = {c.source for c in answer.citations}
    assert {"Valley Herald (synthetic)", "National Courier (synthetic)"} <= outlets
    assert any(n.startswith("Sources disagree") for n in answer.notes)
    for c in answer.citations:  # each side quotes its own article exactly
        assert c.quote in RECORDS[c.article_id]["text"]


def test_an_answer_with_one_side_gets_the_other_whatever_the_llm_wrote(make_qa) -> None:
    reply = "Answer: 14\nExplanation: Officials said 14 people were injured in the earthquake [1]."
    qa = make_qa(FakeLLM(reply))
    qa.ingest([STORIES], progress=False)
    answer = qa.ask(INJURED_Q)
    assert answer.short == "14"
    assert "Reports differ" in answer.text and "31 people" in answer.text
    assert len({c.article_id for c in answer.citations}) == 2


def test_opposite_yes_no_reports_are_cited_on_both_sides(stories: NewsQA) -> None:
    answer = stories.ask("Will schools in Marrow Valley reopen on Monday?")
    assert not answer.refused and "Reports differ" in answer.text
    quotes = " ".join(c.quote for c in answer.citations)
    assert "will reopen on Monday" in quotes and "will not reopen on Monday" in quotes


def test_agreeing_or_unrelated_sources_raise_no_conflict(stories: NewsQA) -> None:
    for question in (OUTPUT_Q, "How many visitors do organisers expect at the orchard festival?"):
        answer = stories.ask(question)
        assert "Reports differ" not in answer.text
        assert not any(n.startswith("Sources disagree") for n in answer.notes)


def test_conflict_check_can_be_turned_off(make_qa) -> None:
    qa = make_qa(conflict_check=False)
    qa.ingest([STORIES], progress=False)
    answer = qa.ask(INJURED_Q)
    assert "Reports differ" not in answer.text and len({c.article_id for c in answer.citations}) == 1


def test_per_article_limit_keeps_one_article_from_filling_the_passages(make_qa) -> None:
    from tests.conftest import SEEDS

    qa = make_qa(per_article_limit=2)
    qa.ingest([SEEDS, STORIES], progress=False)
    question = "What happened in Kapan and who was arrested?"
    limited = next(e for e in qa.stream(question, top_k=6) if isinstance(e, Retrieved)).passages
    same_store = NewsQA(
        qa.settings.model_copy(update={"per_article_limit": 0}),
        llm=None,
        embedder=qa.embedder,
        store=qa.store,
    )
    unlimited = next(e for e in same_store.stream(question, top_k=6) if isinstance(e, Retrieved)).passages
    per_article = [
        sum(p.chunk.article_id == a for p in limited) for a in {p.chunk.article_id for p in limited}
    ]
    assert max(per_article) <= 2 and len(limited) == 6
    assert max(sum(p.chunk.article_id == q.chunk.article_id for q in unlimited) for p in unlimited) > 2


def test_per_article_limit_still_fills_the_passages_from_an_archive_of_one_article(make_qa) -> None:
    from tests.conftest import SEEDS

    qa = make_qa(per_article_limit=2)
    qa.ingest([SEEDS], progress=False)  # one article, eight passages
    passages = next(e for e in qa.stream("Who met in Yerevan?", top_k=5) if isinstance(e, Retrieved)).passages
    assert len(passages) == 5 and [p.rank for p in passages] == [1, 2, 3, 4, 5]
