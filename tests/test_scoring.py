"""Hand-made cases for qa.scoring, and a structural check of the seed question set."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from qa.eval.metrics import (
    answer_contained,
    evidence_recall,
    exact_match,
    normalize_answer,
    percentile,
    recall_at_k,
    reciprocal_rank,
    refusal_precision_recall,
    token_f1,
)

ROOT = Path(__file__).resolve().parents[1]
SEED_ARTICLE = ROOT / "seeds" / "articles" / "000_ec9d1e3fc129980f.txt"
SEED_QUESTIONS = ROOT / "seeds" / "questions.jsonl"
QUESTION_TYPES = {
    "who", "what", "when", "where", "number", "yes/no", "list", "paraphrase", "multi-passage", "unanswerable",
}  # fmt: skip


# normalize_answer


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Cat!", "cat"),
        ("an apple, a pear; the end.", "apple pear end"),
        ("  lots   of\tspace\n", "lots of space"),
        ("Orbán", "orban"),
        ("Crème Brûlée", "creme brulee"),
        ("May 20–21", "may 20 21"),
        ("May 20—21", "may 20 21"),
        ("“Crossroads of Peace”", "crossroads of peace"),
        ("Armenia’s", "armenia s"),
        ("1,000", "1000"),
        ("1,000,000 people", "1000000 people"),
        ("2.5 percent", "2.5 percent"),
        ("1.80%", "1.8"),
        ("3.0 magnitude", "3 magnitude"),
        ("100 and 0.50", "100 and 0.5"),
        ("three", "3"),
        ("Twenty-One", "21"),
        ("thirtieth", "30th"),
        ("the 30th anniversary", "30th anniversary"),
        ("first", "1st"),
        ("twenty-second", "22nd"),
        ("Feb. 12", "february 12"),  # a month's abbreviation beside a number is the month
        ("12 Dec. 2023", "12 december 2023"),
        ("Sept. 2024", "september 2024"),
        ("Jan Brewer", "jan brewer"),  # without a number it is a name
        ("", ""),
        ("the", ""),
        ("?!", ""),
    ],
)
def test_normalize_answer(text: str, expected: str) -> None:
    assert normalize_answer(text) == expected


def test_normalize_is_idempotent_and_keeps_article_letters_inside_words() -> None:
    s = "The theatre an anthem, a Bank"
    assert normalize_answer(s) == "theatre anthem bank"
    assert normalize_answer(normalize_answer(s)) == normalize_answer(s)


# exact_match


def test_exact_match_normalises_both_sides() -> None:
    assert exact_match("the Kapan.", ["Kapan"]) == 1.0
    assert exact_match("Orban", ["Viktor Orbán", "Orbán"]) == 1.0
    assert exact_match("May 20-21", ["May 20–21"]) == 1.0
    assert exact_match('"killer"', ["“killer”"]) == 1.0
    assert exact_match("Armenia's position", ["Armenia’s position"]) == 1.0
    assert exact_match("3", ["three"]) == 1.0
    assert exact_match("three", ["3"]) == 1.0
    assert exact_match("1000", ["1,000"]) == 1.0
    assert exact_match("30th", ["thirtieth"]) == 1.0


def test_exact_match_is_max_over_golds() -> None:
    assert exact_match("Lavrov", ["Sergey Lavrov", "Lavrov"]) == 1.0
    assert exact_match("Sergey", ["Sergey Lavrov", "Lavrov"]) == 0.0
    assert exact_match("Kapan city", ["Kapan"]) == 0.0


def test_exact_match_empty_cases() -> None:
    assert exact_match("Kapan", []) == 0.0
    assert exact_match("", ["Kapan"]) == 0.0
    assert exact_match("", []) == 0.0
    # Both sides normalise to "": equal, as in SQuAD.
    assert exact_match("", [""]) == 1.0
    assert exact_match("the", ["a"]) == 1.0


# token_f1


def test_token_f1_partial_overlap() -> None:
    # pred tokens: sergey lavrov said; gold: sergey lavrov -> P=2/3, R=1, F1=0.8
    assert token_f1("Sergey Lavrov said", ["Sergey Lavrov"]) == pytest.approx(0.8)
    assert token_f1("Lavrov", ["Sergey Lavrov"]) == pytest.approx(2 / 3)
    assert token_f1("Mirzoyan", ["Sergey Lavrov"]) == 0.0


def test_token_f1_max_over_golds_and_normalisation() -> None:
    assert token_f1("the Orban government", ["Viktor Orbán", "Orbán government"]) == 1.0
    assert token_f1("three languages", ["3 languages"]) == 1.0
    assert token_f1("May 20-21", ["May 20–21", "20–21 May"]) == 1.0


def test_token_f1_counts_repeated_tokens_once_each() -> None:
    # common = min counts = {"x": 1} -> P=1/3, R=1 -> F1=0.5
    assert token_f1("x x x", ["x"]) == pytest.approx(0.5)


def test_token_f1_empty_cases() -> None:
    assert token_f1("", ["Kapan"]) == 0.0
    assert token_f1("Kapan", []) == 0.0
    assert token_f1("Kapan", [""]) == 0.0
    assert token_f1("", [""]) == 1.0
    assert token_f1("", []) == 0.0


# answer_contained


def test_answer_contained_whole_tokens_only() -> None:
    text = "Preparations are underway to open a Russian Consulate General in Kapan—a move he described."
    assert answer_contained(text, ["Kapan"])
    assert answer_contained(text, ["consulate general"])
    assert answer_contained(text, ["Kapan - a move"])
    assert not answer_contained(text, ["Kapa"])
    assert not answer_contained(text, ["General Consulate"])
    assert not answer_contained("Armenians", ["Armenia"])


def test_answer_contained_normalisation() -> None:
    assert answer_contained("Viktor Orbán in Budapest", ["Orban"])
    assert answer_contained("held talks on May 20–21, reaffirming", ["May 20-21"])
    assert answer_contained("the word “killer” in Armenian", ['"killer"'])
    assert answer_contained("Armenia-Russia strategic relations", ["Russia"])
    assert answer_contained("marks the thirtieth anniversary", ["30th anniversary"])
    assert answer_contained("written in three languages", ["3"])
    assert answer_contained("about 1,000 people", ["1000 people"])


def test_answer_contained_empty_gold_never_matches() -> None:
    assert not answer_contained("anything at all", [""])
    assert not answer_contained("anything at all", ["the"])
    assert not answer_contained("anything at all", [])
    assert not answer_contained("", [""])
    assert answer_contained("Kapan", ["", "Kapan"])


# recall_at_k and reciprocal_rank

PASSAGES = [
    "Lavrov reaffirmed Russia’s interest in enhancing interregional ties.",
    "The talks were held in Yerevan on May 20–21.",
    "A Russian Consulate General will open in Kapan.",
]


def test_recall_at_k() -> None:
    assert recall_at_k(PASSAGES, ["Kapan"], 1) == 0.0
    assert recall_at_k(PASSAGES, ["Kapan"], 2) == 0.0
    assert recall_at_k(PASSAGES, ["Kapan"], 3) == 1.0
    assert recall_at_k(PASSAGES, ["Kapan"], 10) == 1.0
    assert recall_at_k(PASSAGES, ["Gyumri", "May 20-21"], 2) == 1.0
    assert recall_at_k(PASSAGES, [], 3) == 0.0
    assert recall_at_k([], ["Kapan"], 3) == 0.0


def test_recall_at_k_rejects_bad_k() -> None:
    with pytest.raises(ValueError):
        recall_at_k(PASSAGES, ["Kapan"], 0)


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(PASSAGES, ["interregional ties"]) == 1.0
    assert reciprocal_rank(PASSAGES, ["Yerevan"]) == 0.5
    assert reciprocal_rank(PASSAGES, ["Kapan", "Yerevan"]) == 0.5
    assert reciprocal_rank(PASSAGES, ["Kapan"]) == pytest.approx(1 / 3)
    assert reciprocal_rank(PASSAGES, ["Gyumri"]) == 0.0
    assert reciprocal_rank(PASSAGES, [""]) == 0.0
    assert reciprocal_rank([], ["Kapan"]) == 0.0


# refusal_precision_recall


def test_refusal_precision_recall() -> None:
    refused = [True, True, False, False, True]
    answerable = [False, True, False, True, False]
    # refused & unanswerable: items 0 and 4 -> 2; refused: 3; unanswerable: 3
    assert refusal_precision_recall(refused, answerable) == pytest.approx((2 / 3, 2 / 3))
    assert refusal_precision_recall([True, False], [False, True]) == (1.0, 1.0)
    assert refusal_precision_recall([False, True], [False, True]) == (0.0, 0.0)


def test_refusal_precision_recall_zero_denominators() -> None:
    # Never refused, some unanswerable: precision is vacuous (1.0), recall shows the miss.
    assert refusal_precision_recall([False, False], [False, True]) == (1.0, 0.0)
    # Nothing unanswerable, refused once: recall is vacuous (1.0), precision shows the false refusal.
    assert refusal_precision_recall([True, False], [True, True]) == (0.0, 1.0)
    assert refusal_precision_recall([False, False], [True, True]) == (1.0, 1.0)
    assert refusal_precision_recall([], []) == (1.0, 1.0)


def test_refusal_precision_recall_length_mismatch() -> None:
    with pytest.raises(ValueError):
        refusal_precision_recall([True], [True, False])


# percentile


def test_percentile_linear_interpolation() -> None:
    values = [4.0, 1.0, 3.0, 2.0]
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 50) == 2.5
    assert percentile(values, 95) == pytest.approx(3.85)
    assert percentile([7.0], 95) == 7.0
    assert percentile([1, 2, 3, 4, 5], 50) == 3
    assert percentile(list(range(1, 101)), 95) == pytest.approx(95.05)


def test_percentile_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)
    with pytest.raises(ValueError):
        percentile([1.0], -1)
    with pytest.raises(ValueError):
        percentile([1.0, math.nan], 50)


# evidence_recall


def test_evidence_recall() -> None:
    passages = [
        "He confirmed that preparations are underway to open a Russian Consulate General in Kapan—a move.",
        "“These practical efforts strengthen the foundation of our allied partnership,” he said.",
    ]
    evidence = [
        "He confirmed that preparations are underway to open a Russian Consulate General in Kapan",
        '"These practical efforts strengthen the foundation of our allied partnership," he said.',
        "The protest drew swift condemnation from Russian officials.",
    ]
    assert evidence_recall(passages, evidence) == pytest.approx(2 / 3)
    assert evidence_recall(passages, evidence[:2]) == 1.0
    assert evidence_recall([], evidence) == 0.0
    assert evidence_recall(passages, []) == 1.0
    assert evidence_recall(passages, [""]) == 0.0


def test_evidence_recall_sentence_split_across_consecutive_passages() -> None:
    passages = ["The protest drew swift", "condemnation from Russian officials."]
    sentence = "The protest drew swift condemnation from Russian officials."
    assert evidence_recall(passages, [sentence]) == 1.0
    assert evidence_recall(passages[::-1], [sentence]) == 0.0


def test_evidence_recall_needs_whole_tokens() -> None:
    assert evidence_recall(["Armenians met"], ["Armenia"]) == 0.0


# seed question set


def _seed_questions() -> list[dict[str, object]]:
    lines = SEED_QUESTIONS.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_seed_questions_are_well_formed() -> None:
    article = SEED_ARTICLE.read_text(encoding="utf-8")
    questions = _seed_questions()
    assert len(questions) >= 40
    assert sum(1 for q in questions if not q["answerable"]) >= 12
    ids = [q["id"] for q in questions]
    assert len(ids) == len(set(ids))
    for q in questions:
        assert set(q) == {"id", "question", "answers", "answerable", "evidence", "type"}, q
        qid = q["id"]
        assert isinstance(qid, str) and qid
        assert isinstance(q["question"], str) and q["question"].strip(), qid
        assert isinstance(q["answerable"], bool), qid
        assert q["type"] in QUESTION_TYPES, qid
        answers, evidence = q["answers"], q["evidence"]
        assert isinstance(answers, list) and all(isinstance(a, str) and a.strip() for a in answers), qid
        assert isinstance(evidence, list) and all(isinstance(e, str) and e for e in evidence), qid
        for sentence in evidence:
            assert sentence in article, f"{qid}: evidence not an exact substring of the article: {sentence!r}"
        if q["answerable"]:
            assert answers and evidence, qid
            assert q["type"] != "unanswerable", qid
        else:
            assert answers == [] and evidence == [], qid
            assert q["type"] == "unanswerable", qid
