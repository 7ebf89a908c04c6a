"""Answer latency by stage (retrieval, spaCy parse, candidates and scoring, LLM chooser, checker, first
text, total), for one or more answering configurations compared in one run.

    python benchmarks/reader_latency.py --home /tmp/rtqa/home --configs extractive local local+chooser
    python benchmarks/reader_latency.py --seed --limit 25 --configs local+nocheck local

A configuration is an answering mode (extractive, local, openai) with "+chooser" to let the LLM choose among
the reader's candidates, "+nocheck" to turn the checker off (NEWSQA_CHECKER=off) and "+checker" to have the
local checker model check the reader's answers whatever the mode (two configurations with the checker share
its server, and the second is answered from the prompt cache the first filled: compare one of them with a
configuration without it). Each runs the same questions after one
untimed warm-up, the configurations taking turns question by question, and every answer starts with spaCy's
parse cache empty (as a question over new passages does). The table gives medians and 95th percentiles in
milliseconds, and each median's ratio to the first configuration's. Seconds are noisy on a shared machine:
compare within one run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from seed_index import SEED_QUESTIONS, seed_index  # noqa: E402  (beside this script)

import qa.pipeline.newsqa as newsqa_module  # noqa: E402
import qa.pipeline.nlp as nlp_module  # noqa: E402
import qa.pipeline.reader as reader_module  # noqa: E402
from qa.eval.dataset import EvalQuestion, load_questions  # noqa: E402
from qa.models import Final, Partial, Retrieved  # noqa: E402
from qa.pipeline import NewsQA  # noqa: E402
from qa.settings import Settings  # noqa: E402

DATA = REPO.parent / "shared/bench/realtimeqa-2024q4"
STAGES = ("retrieval", "parse", "reader", "chooser", "checker", "first text", "total")


class Clock:
    """Seconds spent in wrapped functions during the current question."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = defaultdict(float)

    def wrap(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[name] += time.perf_counter() - start

        return timed


def install(clock: Clock) -> None:
    """Time the reader, its spaCy parse, the chooser and the checker wherever the pipeline calls them."""
    reader_module.parse = clock.wrap("parse", reader_module.parse)
    newsqa_module.read_question = clock.wrap("reader", newsqa_module.read_question)
    newsqa_module.choose = clock.wrap("chooser", newsqa_module.choose)
    newsqa_module.checked = clock.wrap("checker", newsqa_module.checked)


def measure_one(qa: NewsQA, q: EvalQuestion, clock: Clock) -> dict[str, float]:
    """Per-stage seconds of one answer, spaCy's parse cache emptied first (a question over new passages)."""
    nlp_module._docs.clear()
    clock.spent.clear()
    start = time.perf_counter()
    marks: dict[str, float] = {}
    for event in qa.stream(q.question, as_of=q.asked_on):
        now = time.perf_counter() - start
        if isinstance(event, Retrieved):
            marks["retrieval"] = now
        elif isinstance(event, Partial | Final):
            marks.setdefault("first text", now)
    marks["total"] = time.perf_counter() - start
    return {
        "retrieval": marks["retrieval"],
        "parse": clock.spent["parse"],
        "reader": clock.spent["reader"] - clock.spent["parse"],  # candidates, features, votes
        "chooser": clock.spent["chooser"],
        "checker": clock.spent["checker"],
        "first text": marks["first text"],
        "total": marks["total"],
    }


def measure(
    pipelines: dict[str, NewsQA], questions: Sequence[EvalQuestion], clock: Clock
) -> dict[str, dict[str, list[float]]]:
    """Per-stage seconds of every question in every configuration, interleaved question by question.

    Interleaving makes a change in the machine's load fall on every configuration alike; one untimed
    warm-up per configuration first loads spaCy and, in local mode, the model.
    """
    out: dict[str, dict[str, list[float]]] = {name: defaultdict(list) for name in pipelines}
    for qa in pipelines.values():
        measure_one(qa, questions[0], clock)
    for i, q in enumerate(questions, start=1):
        print(f"question {i}/{len(questions)}", file=sys.stderr, flush=True)
        for name, qa in pipelines.items():
            for stage, seconds in measure_one(qa, q, clock).items():
                out[name][stage].append(seconds)
    return out


def table(results: dict[str, dict[str, list[float]]]) -> str:
    names = list(results)
    first = results[names[0]]
    head = "| stage | " + " | ".join(f"{n} p50 / p95 ms" for n in names) + " |"
    lines = [head, "|---" * (len(names) + 1) + "|"]
    for stage in STAGES:
        cells = []
        for n in names:
            values = results[n][stage]
            p50 = statistics.median(values) * 1000
            p95 = sorted(values)[max(0, round(0.95 * len(values)) - 1)] * 1000
            base = statistics.median(first[stage]) * 1000
            ratio = f" ({p50 / base:.2f}x)" if n != names[0] and base > 0.5 else ""
            cells.append(f"{p50:.0f} / {p95:.0f}{ratio}")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--home", type=Path, help="NEWSQA_HOME with (or to hold) the RealTime QA corpus index")
    p.add_argument("--seed", action="store_true", help="the seed set on a fresh temp index instead")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--configs", nargs="+", default=["extractive", "local"])
    args = p.parse_args(argv)
    clock = Clock()
    install(clock)
    with ExitStack() as stack:  # the seed run's temporary index goes when the run ends
        if args.seed:
            questions = load_questions(SEED_QUESTIONS)[: args.limit]
            base = stack.enter_context(seed_index("reader-latency-"))
        else:
            from qa.eval.corpus import open_corpus

            questions = load_questions(DATA / "questions-dev.jsonl")[: args.limit]
            settings = Settings(home=args.home, llm="extractive")
            base, _ = open_corpus(settings, [DATA / "articles.jsonl"], llm=None)
        pipelines = {}
        for config in args.configs:
            mode, *extras = config.split("+")
            checker = "off" if "nocheck" in extras else "local" if "checker" in extras else "auto"
            update = {"llm": mode, "chooser": "chooser" in extras, "checker": checker}
            settings = base.settings.model_copy(update=update)
            pipelines[config] = NewsQA(settings, embedder=base.embedder, store=base.store)
        print(table(measure(pipelines, questions, clock)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
