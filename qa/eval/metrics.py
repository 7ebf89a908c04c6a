"""Answer, retrieval, refusal and latency scores: pure functions, no model, no I/O.

Definitions follow SQuAD v1.1's official evaluation script (exact match, token F1 over normalised
answers, max over the gold answers) and RealTime QA, with a few documented changes to normalisation
that suit news text (see `normalize_answer`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from qa.normalization import _tokens, normalize_answer


def exact_match(prediction: str, golds: Sequence[str]) -> float:
    """1.0 if the normalised prediction equals some normalised gold, else 0.0 (0.0 with no golds).

    As in SQuAD, two answers that both normalise to "" are equal.
    """
    pred = normalize_answer(prediction)
    return max((float(pred == normalize_answer(g)) for g in golds), default=0.0)


def _f1(pred_tokens: list[str], gold_tokens: list[str]) -> float:
    """SQuAD token F1 between two token lists."""
    if not pred_tokens or not gold_tokens:
        # SQuAD v2 convention: an empty answer only matches an empty answer; v1.1 would give 0 here
        # even when both are empty, which would contradict exact_match.
        return float(pred_tokens == gold_tokens)
    common = Counter(pred_tokens) & Counter(gold_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(pred_tokens)
    recall = same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def token_f1(prediction: str, golds: Sequence[str]) -> float:
    """SQuAD token-overlap F1 of the prediction, max over golds (0.0 with no golds)."""
    pred = _tokens(prediction)
    return max((_f1(pred, _tokens(g)) for g in golds), default=0.0)


def _contains(haystack: str, needle: str) -> bool:
    """Whether the non-empty normalised needle is a whole-token contiguous run of the normalised haystack."""
    # Tokens hold no spaces and are joined by single spaces, so padding both sides with a space makes
    # substring search equal to whole-token subsequence search.
    return bool(needle) and f" {needle} " in f" {haystack} "


def answer_contained(text: str, golds: Sequence[str]) -> bool:
    """Whether a normalised gold appears as whole tokens in the normalised text (an empty gold never does)."""
    norm_text = normalize_answer(text)
    return any(_contains(norm_text, normalize_answer(g)) for g in golds)


def recall_at_k(passages: Sequence[str], golds: Sequence[str], k: int) -> float:
    """1.0 if a gold answer is contained in any of the first k passages, else 0.0."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    return float(any(answer_contained(p, golds) for p in passages[:k]))


def reciprocal_rank(passages: Sequence[str], golds: Sequence[str]) -> float:
    """1/rank of the first passage (rank 1 = first) that contains a gold answer; 0.0 if none does."""
    for rank, passage in enumerate(passages, start=1):
        if answer_contained(passage, golds):
            return 1.0 / rank
    return 0.0


def refusal_precision_recall(refused: Sequence[bool], answerable: Sequence[bool]) -> tuple[float, float]:
    """Precision and recall of refusals, the positive class being "refused an unanswerable question".

    precision = refused unanswerable / all refused; recall = refused unanswerable / all unanswerable.
    A zero denominator gives 1.0 (vacuously, no refusal was wrong / no unanswerable question was missed);
    the other number still shows the failure, e.g. never refusing on a set with unanswerable questions
    gives (1.0, 0.0). Raises ValueError if the two sequences differ in length.
    """
    if len(refused) != len(answerable):
        raise ValueError(f"length mismatch: {len(refused)} refused flags, {len(answerable)} answerable flags")
    true_pos = sum(1 for r, a in zip(refused, answerable, strict=True) if r and not a)
    n_refused = sum(1 for r in refused if r)
    n_unanswerable = sum(1 for a in answerable if not a)
    precision = true_pos / n_refused if n_refused else 1.0
    recall = true_pos / n_unanswerable if n_unanswerable else 1.0
    return precision, recall


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0 <= q <= 100) by linear interpolation between closest ranks.

    Same as numpy.percentile's default ("linear"): position (n - 1) * q / 100 in the sorted values.
    Raises ValueError for no values, a NaN value or q outside [0, 100].
    """
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be in [0, 100], got {q}")
    ordered = sorted(values)
    if any(math.isnan(v) for v in ordered):
        raise ValueError("percentile of values containing NaN")
    pos = (len(ordered) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def evidence_recall(passages: Sequence[str], evidence_sentences: Sequence[str]) -> float:
    """Share of evidence sentences found, normalised and as whole tokens, in the passages joined together.

    The passages are joined with a space, so a sentence split across two consecutive passages still counts.
    No evidence sentences gives 1.0 (nothing to find); a sentence that normalises to "" is never found.
    """
    if not evidence_sentences:
        return 1.0
    joined = normalize_answer(" ".join(passages))
    found = sum(1 for s in evidence_sentences if _contains(joined, normalize_answer(s)))
    return found / len(evidence_sentences)
