"""Calibrate the checker's thresholds (CHECKED_YES, CHECKED_NO) on the seed and RealTime QA dev questions.

    python benchmarks/calibrate_checker.py --home /tmp/rtqa --dump /tmp/checks.jsonl   # about 10 min
    python benchmarks/calibrate_checker.py --from-dump /tmp/checks.jsonl
    python benchmarks/calibrate_checker.py --seed-only --model smollm2-135m

Every question is answered once by the shipped pipeline in extractive mode with the local checker on
(NEWSQA_CHECKER=local, NEWSQA_CHECKER_MODEL=--model), and each checked reading's support, answer class and
P(yes) are kept; every pair of thresholds is then applied to the same readings (`answerability.refuses`). An
answer is right when its short answer is a gold or holds one; the questions that should be refused are the
seed set's unanswerable ones and the RealTime QA questions no article by their quiz date answers, as in
calibrate_refusal.py, whose utility this uses: +1 right, -1 wrong, +1 for refusing one that should be
refused. The row CHECKED_YES "never", CHECKED_NO 0.00 is the reader's support alone (no check changes
anything); every other row keeps the shipped CHECKED_LEANS for typed answers a little short of MIN_SUPPORT.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from calibrate_refusal import asked  # noqa: E402  (beside this script)
from seed_index import SEED_QUESTIONS, seed_index  # noqa: E402

from qa.eval.dataset import EvalQuestion, load_questions  # noqa: E402
from qa.eval.run import answers_in_corpus  # noqa: E402
from qa.eval.scoring import short_answer_right  # noqa: E402
from qa.pipeline import NewsQA  # noqa: E402
from qa.pipeline.answerability import CHECKED_LEANS, CHECKED_NO, CHECKED_YES, AnswerClass, refuses  # noqa: E402
from qa.settings import Settings  # noqa: E402

DATA = REPO.parent / "shared/bench/realtimeqa-2024q4"
NEVER = 1.01  # a CHECKED_YES no P(yes) reaches
YES = (0.6, 0.7, 0.8, 0.9, NEVER)
NO = (0.0, 0.3, 0.4, 0.5, 0.6)


@dataclass(frozen=True)
class Check:
    """One question's reading and, when the checker could decide it, its P(yes)."""

    qid: str
    short: str
    group: AnswerClass
    support: float
    p_yes: float | None
    right: bool
    should_refuse: bool


def check_all(qa: NewsQA, questions: Sequence[EvalQuestion], in_archive: dict[str, bool]) -> list[Check]:
    """Answer every question once, keeping the reading the checker was given and its P(yes)."""
    out = []
    for q, r in asked(qa, questions, hook="checked"):
        if r is None or r.evidence is None or not r.short:
            continue  # no answer at all: refused whatever the thresholds
        should = not q.answerable or not in_archive.get(q.id, True)
        right = short_answer_right(r.short, q.answers)
        out.append(Check(q.id, r.short, r.answer_class, r.support, r.checked, right, should))
    return out


def outcome(checks: Sequence[Check], yes: float, no: float, total: int, should: int) -> str:
    """Right / wrong / refused and utility of one pair of thresholds on one set."""
    leans = NEVER if yes == NEVER else CHECKED_LEANS  # the shipped lean beside every row but support alone
    given = [c for c in checks if not refuses(c.group, c.support, c.p_yes, yes=yes, no=no, leans=leans)]
    right = sum(1 for c in given if c.right and not c.should_refuse)
    wrong = len(given) - right
    refused_should = should - sum(1 for c in given if c.should_refuse)
    return f"{right} / {wrong} / {total - len(given)} | {(right - wrong + refused_should) / total:+.3f}"


def report(sets: dict[str, tuple[list[Check], int, int]]) -> None:
    names = list(sets)
    print(
        "| CHECKED_YES | CHECKED_NO | "
        + " | ".join(f"{n}: right / wrong / refused | utility" for n in names)
        + " |"
    )
    print("|---|---|" + "---|---|" * len(names))
    for yes in YES:
        for no in NO:
            cells = " | ".join(outcome(c, yes, no, total, should) for c, total, should in sets.values())
            shipped = (yes, no) == (CHECKED_YES, CHECKED_NO)
            label = "never" if yes == NEVER else f"{yes:.2f}"
            print(f"| {label}{' (shipped)' if shipped else ''} | {no:.2f} | {cells} |")
    for name, (checks, _, _) in sets.items():
        asked = [c for c in checks if c.p_yes is not None]
        print(f"\n{name}: {len(asked)} of {len(checks)} answers checked")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, help="NEWSQA_HOME with (or to hold) the RealTime QA corpus index")
    p.add_argument("--seed-only", action="store_true", help="only the seed set")
    p.add_argument("--model", default="qwen2.5-1.5b", help="the local checker model (a catalogue name)")
    p.add_argument("--dump", type=Path, help="write every checked reading to this JSONL file")
    p.add_argument("--from-dump", type=Path, help="score the readings of an earlier --dump instead")
    args = p.parse_args(argv)
    sets: dict[str, tuple[list[Check], int, int]] = {}
    if args.from_dump:
        for line in args.from_dump.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            name, total, should = record.pop("set"), record.pop("total"), record.pop("should")
            sets.setdefault(name, ([], total, should))[0].append(Check(**record))
        report(sets)
        return 0
    update = {"checker": "local", "checker_model": args.model}
    with seed_index("calibrate-checker-") as seed:
        print("seed set...", file=sys.stderr, flush=True)
        qa = NewsQA(seed.settings.model_copy(update=update), embedder=seed.embedder, store=seed.store)
        questions = load_questions(SEED_QUESTIONS)
        should = sum(1 for q in questions if not q.answerable)
        sets["seed"] = (check_all(qa, questions, {}), len(questions), should)
    if not args.seed_only:
        from qa.eval.corpus import open_corpus

        base, _ = open_corpus(Settings(home=args.home, llm="extractive"), [DATA / "articles.jsonl"], llm=None)
        qa = NewsQA(base.settings.model_copy(update=update), embedder=base.embedder, store=base.store)
        questions = load_questions(DATA / "questions-dev.jsonl")
        in_archive = answers_in_corpus(base.store, questions)
        print("RealTime QA dev...", file=sys.stderr, flush=True)
        should = sum(1 for q in questions if not in_archive.get(q.id, True))
        sets["rtqa"] = (check_all(qa, questions, in_archive), len(questions), should)
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as f:
            for name, (checks, total, should) in sets.items():
                for c in checks:
                    record = {"set": name, "total": total, "should": should, **asdict(c)}
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
    report(sets)
    return 0


if __name__ == "__main__":
    sys.exit(main())
