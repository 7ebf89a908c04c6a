"""Calibrate the reader's refusal thresholds on the seed set and the RealTime QA dev questions.

    python benchmarks/calibrate_refusal.py --home /tmp/rtqa/home     # both sets; builds the RTQA index once
    python benchmarks/calibrate_refusal.py --seed-only

Each question is read once (extractive mode: the reader answers every question) and the reader's best answer
and its support are kept; every threshold is then applied to the same readings. An answer is right when its
short answer is a gold or holds one as whole words (a yes/no gold must be the answer exactly), as
`short_correct` in `newsqa eval`; a clause answer also when the sentence it quotes holds a gold. A wrong
answer misleads a reader, a needless refusal only costs them an answer, so the threshold is chosen by utility,
per question: +1 for a right answer, -1 for a wrong one, 0 for refusing an answerable question, +1 for
refusing one that should be refused. Those are the seed set's unanswerable questions and, on RealTime QA, the
questions whose gold occurs in no article published by their quiz date: the archive cannot answer them.

The table prints, per threshold, what each set gets, and the threshold each set would choose alone (for a
wrong answer costing 1, 0.5 and 0.25 of a right one), so that a choice only one set or one cost likes shows:
two-fold cross-validation over the sets. Typed answers (MIN_SUPPORT), free noun phrases (MIN_SUPPORT_NOUN)
and clause answers to why / how / what is the goal questions (MIN_SUPPORT_CLAUSE) get a table each, over
their own questions (qa/pipeline/answerability.py). `--from-dump` re-scores a saved `--dump` without reading
again.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from seed_index import SEED_QUESTIONS, seed_index  # noqa: E402  (beside this script)

import qa.pipeline.newsqa as newsqa_module  # noqa: E402
from qa.eval.dataset import EvalQuestion, load_questions  # noqa: E402
from qa.eval.run import answers_in_corpus  # noqa: E402
from qa.eval.scoring import short_answer_right  # noqa: E402
from qa.pipeline import NewsQA  # noqa: E402
from qa.pipeline.answerability import (  # noqa: E402
    MIN_SUPPORT,
    MIN_SUPPORT_CLAUSE,
    MIN_SUPPORT_NOUN,
    AnswerClass,
    threshold,
)
from qa.pipeline.readings import Reading  # noqa: E402
from qa.settings import Settings  # noqa: E402

DATA = REPO.parent / "shared/bench/realtimeqa-2024q4"
THRESHOLDS = (0.0, 0.04, 0.08, 0.10, 0.12, 0.15, 0.18, 0.20, 0.22, 0.24, 0.26, 0.28, 0.30, 0.35, 0.40)
CLAUSE_THRESHOLDS = (0.0, 0.20, 0.28, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.70, 0.80)


@dataclass(frozen=True)
class Read:
    """One question's reading: the reader's best answer, its support, and whether it is right."""

    qid: str
    question: str
    short: str
    kind: str
    support: float  # -1 when the reader found no answer at all (it refuses at any threshold)
    right: bool  # the short answer matches a gold
    should_refuse: bool  # unanswerable (seed), or no article by the quiz date holds a gold (RTQA)
    group: AnswerClass = "typed"  # which threshold the answer answers to


def asked(
    qa: NewsQA, questions: Sequence[EvalQuestion], hook: str = "read_question"
) -> Iterator[tuple[EvalQuestion, Reading | None]]:
    """Ask every question once; each with the last Reading that `hook`, a function of qa.pipeline.newsqa
    that returns one (the reader, the checker), returned while it was answered."""
    seen: list[Reading] = []
    original: Callable[..., Reading] = getattr(newsqa_module, hook)

    def keep(*args: Any, **kwargs: Any) -> Reading:
        reading = original(*args, **kwargs)
        seen.append(reading)
        return reading

    setattr(newsqa_module, hook, keep)
    try:
        for i, q in enumerate(questions, 1):
            seen.clear()
            qa.ask(q.question, as_of=q.asked_on)
            if i % 25 == 0:
                print(f"  {i}/{len(questions)}", file=sys.stderr, flush=True)
            yield q, seen[-1] if seen else None
    finally:
        setattr(newsqa_module, hook, original)


def read_all(qa: NewsQA, questions: Sequence[EvalQuestion], in_archive: dict[str, bool]) -> list[Read]:
    """Ask every question once, keeping the Reading the pipeline made."""
    out = []
    for q, reading in asked(qa, questions):
        found = reading is not None and reading.evidence is not None and bool(reading.short)
        support = reading.support if found and reading is not None else -1.0
        short = reading.short if found and reading is not None else ""
        kind = reading.asked.kind if reading is not None else "?"
        group = reading.answer_class if reading is not None else "typed"
        should_refuse = not q.answerable or not in_archive.get(q.id, True)
        right = bool(short) and short_answer_right(short, q.answers)
        if kind == "PHRASE" and reading is not None and reading.evidence is not None:
            # a clause answer quotes its sentence: right when the sentence holds the gold
            right = right or short_answer_right(reading.evidence.claim, q.answers)
        out.append(Read(q.id, q.question, short, kind, support, right, should_refuse, group))
    return out


def outcome(reads: Sequence[Read], t: float, wrong_cost: float = 1.0) -> dict[str, float]:
    """What a threshold gives on one set: right answers, wrong answers, refusals, and their utility."""
    answered = [r for r in reads if r.support >= t and r.support >= 0]
    refused = [r for r in reads if not (r.support >= t and r.support >= 0)]
    right = sum(1 for r in answered if r.right and not r.should_refuse)
    wrong = len(answered) - right
    good_refusals = sum(1 for r in refused if r.should_refuse or not r.right)
    should = sum(1 for r in reads if r.should_refuse)
    return {
        "right": right,
        "wrong": wrong,
        "refused": len(refused),
        "refusal_precision": good_refusals / len(refused) if refused else 1.0,
        "refusal_recall": sum(1 for r in refused if r.should_refuse) / should if should else 1.0,
        "utility": (right - wrong_cost * wrong + sum(1 for r in refused if r.should_refuse)) / len(reads),
    }


def best(reads: Sequence[Read], wrong_cost: float = 1.0, thresholds: Sequence[float] = THRESHOLDS) -> float:
    """The threshold with the highest utility (the lowest of ties, which refuses least)."""
    return max(thresholds, key=lambda t: (round(outcome(reads, t, wrong_cost)["utility"], 9), -t))


def table(sets: dict[str, list[Read]], thresholds: Sequence[float], shipped: float) -> str:
    names = list(sets)
    head = "| threshold | " + " | ".join(
        f"{n}: right / wrong / refused | {n}: refusal P / R | {n}: utility" for n in names
    )
    lines = [head + " |", "|---" * (1 + 3 * len(names)) + "|"]
    for t in thresholds:
        cells = []
        for n in names:
            o = outcome(sets[n], t)
            cells += [
                f"{o['right']:.0f} / {o['wrong']:.0f} / {o['refused']:.0f}",
                f"{o['refusal_precision']:.3f} / {o['refusal_recall']:.3f}",
                f"{o['utility']:+.3f}",
            ]
        mark = " (shipped)" if abs(t - shipped) < 1e-9 else ""
        lines.append(f"| {t:.2f}{mark} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, help="NEWSQA_HOME with (or to hold) the RealTime QA corpus index")
    p.add_argument("--seed-only", action="store_true", help="only the seed set")
    p.add_argument("--dump", type=Path, help="write every reading to this JSONL file, for reading by hand")
    p.add_argument("--from-dump", type=Path, help="score the readings of an earlier --dump instead")
    args = p.parse_args(argv)
    sets: dict[str, list[Read]] = {}
    if args.from_dump:
        for line in args.from_dump.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            sets.setdefault(record.pop("set"), []).append(Read(**record))
        report(sets)
        return 0

    with seed_index("calibrate-") as seed:
        print("seed set...", file=sys.stderr, flush=True)
        sets["seed"] = read_all(seed, load_questions(SEED_QUESTIONS), {})
    if not args.seed_only:
        from qa.eval.corpus import open_corpus

        rtqa, _ = open_corpus(Settings(home=args.home, llm="extractive"), [DATA / "articles.jsonl"], llm=None)
        questions = load_questions(DATA / "questions-dev.jsonl")
        print("RealTime QA dev...", file=sys.stderr, flush=True)
        sets["rtqa"] = read_all(rtqa, questions, answers_in_corpus(rtqa.store, questions))

    if args.dump:
        with args.dump.open("w", encoding="utf-8") as f:
            for name, reads in sets.items():
                for r in reads:
                    f.write(json.dumps({"set": name, **asdict(r)}, ensure_ascii=False) + "\n")
    report(sets)
    return 0


def report(sets: dict[str, list[Read]]) -> None:
    """A table per kind of answer, and the threshold each set, and both together, would choose."""
    for title, group, thresholds, shipped, name in (
        ("Typed answers (who, where, which, how many, yes/no ...)", "typed", THRESHOLDS, MIN_SUPPORT,
         "MIN_SUPPORT"),
        ("Free noun phrases (what + a noun no entity type fills, the answer not naming it)", "noun",
         CLAUSE_THRESHOLDS, MIN_SUPPORT_NOUN, "MIN_SUPPORT_NOUN"),
        ("Clause answers (why, how, what is the goal of ...)", "clause", CLAUSE_THRESHOLDS,
         MIN_SUPPORT_CLAUSE, "MIN_SUPPORT_CLAUSE"),
    ):  # fmt: skip
        part = {n: [r for r in reads if r.group == group] for n, reads in sets.items()}
        print(f"{title}:\n")
        print(table(part, thresholds, shipped))
        print()
        pooled = [r for reads in part.values() for r in reads]
        for cost in (1.0, 0.5, 0.25):
            print(f"A wrong answer costing {cost} (a right one gains 1):")
            for n, reads in part.items():
                t = best(reads, cost, thresholds)
                others = {o: outcome(r, t, cost)["utility"] for o, r in part.items() if o != n}
                said = ", ".join(f"{o} utility there {u:+.3f}" for o, u in others.items())
                print(f"- {n} alone would choose {t:.2f}" + (f" ({said})" if said else ""))
            print(f"- both sets pooled choose {best(pooled, cost, thresholds):.2f}")
        print(f"Shipped {name} = {shipped}\n")
    print("All questions at the shipped thresholds:")
    for n, reads in sets.items():
        answered = [r for r in reads if r.support >= threshold(r.group)]
        right = sum(1 for r in answered if r.right and not r.should_refuse)
        refused = [r for r in reads if r not in answered]
        should = sum(1 for r in reads if r.should_refuse)
        recall = sum(1 for r in refused if r.should_refuse) / should if should else 1.0
        wrong = len(answered) - right
        print(f"- {n}: {right} right / {wrong} wrong / {len(refused)} refused, refusal recall {recall:.3f}")


if __name__ == "__main__":
    sys.exit(main())
