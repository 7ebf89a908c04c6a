"""Fit the second-stage ranking weights (RankWeights in qa/pipeline/retrieval.py), cross-validated.

For every question, the retriever's candidate pool (nearest chunks plus every chunk of the top fused articles)
is scored with its features; a candidate is a positive when its text holds a gold answer (normalised, whole
tokens). A logistic regression is fitted with folds that keep quiz weeks together, and the held-out ranking
is scored: passage recall@1/5/10/50 and MRR, against the weights the code ships, over all questions, those
whose answer is in an article by the quiz date (issue #13's targets) and those an article states
(qa/eval/archive.py). The last lines print the weights fitted on all questions, in raw feature units, ready
for RankWeights. `--pool-articles` and `--dense-pool` try deeper pools (retrieval.Depths).

    python benchmarks/fit_ranker.py --home /tmp/rtqa/home         # RealTime QA dev (index built once)
    python benchmarks/fit_ranker.py --home /tmp/rtqa/home --seed  # also the seed set's recall

The data stays where it is (../shared/bench/); nothing is written into the project.
"""

from __future__ import annotations

import argparse
import math
import pickle
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from seed_index import SEED_QUESTIONS, seed_index  # noqa: E402  (beside this script)

from index.store.filters import Filters  # noqa: E402
from qa.eval.archive import Archive  # noqa: E402
from qa.eval.dataset import EvalQuestion, load_questions  # noqa: E402
from qa.eval.metrics import answer_contained  # noqa: E402
from qa.pipeline.retrieval import Candidate, Depths, RankWeights, Retriever  # noqa: E402
from qa.settings import Settings  # noqa: E402

DATA = REPO.parent / "shared/bench/realtimeqa-2024q4"
FEATURES = ("dense", "article_bm25", "log_age", "log_position", "coverage")
KS = (1, 5, 10, 50)


@dataclass
class Pool:
    """One question's candidates: features, labels, and the question's fold group."""

    question: EvalQuestion
    candidates: list[Candidate]
    x: np.ndarray
    y: np.ndarray
    group: int
    held: bool = True  # an article published by the quiz date holds a gold answer
    stated: bool = True  # a sentence of such an article states it (Archive.states)


def features(c: Candidate) -> list[float]:
    return [c.dense, c.article_bm25, math.log1p(c.age_days), math.log1p(c.ref.ordinal), c.coverage]


def build_pools(retriever: Retriever, questions: Sequence[EvalQuestion]) -> list[Pool]:
    """Every question's candidate pool with all features (coverage for all, not only the head) and labels."""
    archive = Archive(retriever.store)
    pools = []
    for i, q in enumerate(questions):
        cands = retriever.candidates(q.question, Filters(as_of=q.asked_on))
        ids = [c.ref.id for c in cands]
        cover = retriever.store.term_coverage(q.question, ids)
        cands = [replace(c, coverage=cover.get(c.ref.id, 0.0)) for c in cands]
        texts = {c.id: c.text for c in retriever.store.fetch(ids)}
        y = np.array([answer_contained(texts.get(c.ref.id, ""), q.answers) for c in cands], dtype=float)
        x = np.array([features(c) for c in cands], dtype=float).reshape(len(cands), len(FEATURES))
        week = q.asked_on.isocalendar()[1] if q.asked_on else 0
        pools.append(Pool(q, cands, x, y, week, archive.holds(q), archive.states(q)))
        if (i + 1) % 25 == 0:
            print(f"  {i + 1}/{len(questions)} pools", file=sys.stderr)
    return pools


def rank_metrics(pools: Sequence[Pool], scores: Sequence[np.ndarray]) -> dict[str, float]:
    """Recall@k and MRR of a ranking of each pool (a question without a positive counts as a miss)."""
    hits = []
    for pool, s in zip(pools, scores, strict=True):
        order = np.argsort(-s, kind="stable")
        pos = np.flatnonzero(pool.y[order])
        hits.append(int(pos[0]) + 1 if len(pos) else None)
    n = len(hits)
    out = {f"R@{k}": sum(1 for h in hits if h is not None and h <= k) / n for k in KS}
    out["MRR"] = sum(1 / h for h in hits if h is not None) / n
    return out


def linear(pool: Pool, w: np.ndarray, b: float) -> np.ndarray:
    return pool.x @ w + b


def fit(pools: Sequence[Pool], c: float) -> tuple[np.ndarray, float]:
    """Logistic regression on standardised features; returns raw-unit weights and intercept."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    x = np.vstack([p.x for p in pools])
    y = np.concatenate([p.y for p in pools])
    scaler = StandardScaler().fit(x)
    model = LogisticRegression(C=c, max_iter=2000).fit(scaler.transform(x), y)
    w = model.coef_[0] / scaler.scale_
    return w, float(model.intercept_[0] - np.sum(model.coef_[0] * scaler.mean_ / scaler.scale_))


def shipped(weights: RankWeights) -> tuple[np.ndarray, float]:
    w = np.array([getattr(weights, name) for name in FEATURES])
    return w, weights.intercept


def cross_validate(pools: Sequence[Pool], folds: int, c: float) -> list[np.ndarray]:
    """Held-out scores of every pool, each fold's model fitted on the other weeks."""
    from sklearn.model_selection import GroupKFold

    scores: list[np.ndarray] = [np.zeros(0)] * len(pools)
    groups = [p.group for p in pools]
    for train, test in GroupKFold(n_splits=folds).split(np.zeros(len(pools)), groups=groups):
        w, b = fit([pools[i] for i in train], c)
        for i in test:
            scores[i] = linear(pools[i], w, b)
    return scores


def open_qa(home: Path, corpus: Sequence[Path], settings: Settings) -> Any:
    from qa.eval.corpus import open_corpus

    qa, _ = open_corpus(settings.model_copy(update={"home": home}), list(corpus), llm=None)
    return qa


def seed_recall(weights: RankWeights, w_b: tuple[np.ndarray, float] | None) -> dict[str, float]:
    """Recall@1/MRR on the seed set with the shipped weights and, when given, the fitted ones."""
    with seed_index("fit-seed-") as qa:
        questions = [q for q in load_questions(SEED_QUESTIONS) if q.answerable]
        pools = build_pools(Retriever(qa.store, qa.embedder), questions)
    rankings = {"shipped": shipped(weights), **({"fitted": w_b} if w_b is not None else {})}
    return {
        f"{name} {k}": v
        for name, wb in rankings.items()
        for k, v in rank_metrics(pools, [linear(p, *wb) for p in pools]).items()
    }


def table(rows: dict[str, dict[str, float]]) -> str:
    heads = [*(f"R@{k}" for k in KS), "MRR"]
    lines = ["| ranking | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    lines += [f"| {name} | " + " | ".join(f"{m[h]:.3f}" for h in heads) + " |" for name, m in rows.items()]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, required=True, help="NEWSQA_HOME with (or to hold) the corpus index")
    p.add_argument("--questions", type=Path, default=DATA / "questions-dev.jsonl")
    p.add_argument("--corpus", type=Path, nargs="+", default=[DATA / "articles.jsonl"])
    p.add_argument("--folds", type=int, default=5)
    p.add_argument("--c", type=float, default=1.0, help="inverse regularisation of the logistic regression")
    p.add_argument("--without", nargs="*", default=[], choices=FEATURES, help="features left out (ablation)")
    p.add_argument("--seed", action="store_true", help="also report recall on the seed set")
    p.add_argument("--cache", type=Path, default=None, help="keep the candidate pools in this file (pickle)")
    p.add_argument("--pool-articles", type=int, default=Depths().pool_articles, help="articles pooled whole")
    p.add_argument("--dense-pool", type=int, default=Depths().dense_pool, help="nearest chunks pooled")
    args = p.parse_args(argv)

    questions = [q for q in load_questions(args.questions) if q.answerable]
    if args.cache and args.cache.exists():
        pools = pickle.loads(args.cache.read_bytes())
    else:
        qa = open_qa(args.home, args.corpus, Settings(llm="extractive"))
        print(f"{len(questions)} questions; building candidate pools...", file=sys.stderr)
        depths = Depths(pool_articles=args.pool_articles, dense_pool=args.dense_pool)
        pools = build_pools(Retriever(qa.store, qa.embedder, depths=depths), questions)
        if args.cache:
            args.cache.write_bytes(pickle.dumps(pools))
    keep = [i for i, name in enumerate(FEATURES) if name not in args.without]
    for pool in pools:
        pool.x = pool.x * np.isin(np.arange(len(FEATURES)), keep)  # left-out features are zero
    reachable = [p for p in pools if p.y.any()]
    weights = RankWeights()
    subsets: dict[str, Callable[[Pool], bool]] = {
        "all": lambda p: True,
        "answer in the archive": lambda p: p.held,
        "answer stated": lambda p: p.stated,
        "answer in pool": lambda p: bool(p.y.any()),
    }
    cv = cross_validate(pools, args.folds, args.c)
    rows = {}
    for name, scores in (
        ("shipped RankWeights", [linear(p, *shipped(weights)) for p in pools]),
        ("fitted, CV", cv),
    ):
        for subset, admits in subsets.items():
            kept = [(p, s) for p, s in zip(pools, scores, strict=True) if admits(p)]
            rows[f"{name}, {subset} ({len(kept)})"] = rank_metrics([p for p, _ in kept], [s for _, s in kept])
    w, b = fit(pools, args.c)
    print(f"\n{len(pools)} questions, {len(reachable)} with a gold-holding candidate in the pool\n")
    print(table(rows))
    print("\nFitted on all questions, raw units (RankWeights):")
    print(f"    intercept={b:.4f}, " + ", ".join(f"{n}={v:.4f}" for n, v in zip(FEATURES, w, strict=True)))
    if args.seed:
        print("\nSeed set (trained on the question set above, not on the seeds):")
        for name, value in seed_recall(weights, (w, b)).items():
            print(f"    {name}: {value:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
