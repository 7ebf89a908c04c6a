"""Before/after of the scale fixes on one store: the old read paths against the new, in one process.

`python benchmarks/scale_paths.py HOME [HOME ...]` opens each store (NEWSQA_HOME=HOME, default settings) and
times, over a few questions: a story's members (by group query on the manifest / by index and id), the
outlets (every manifest entry / SQL DISTINCT), the article count (every finished id / count minus pending),
the chunk count each search used to ask Chroma for, and a filtered dense search (2x over-fetch then Chroma's
filter / deeper unfiltered first, then among the admitted ids). Medians in ms.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

QUESTIONS = 5


def timed(fn: Callable[[Any], Any], args: list[Any]) -> float:
    """Median ms of fn over args."""
    times = []
    for a in args:
        t = time.perf_counter()
        fn(a)
        times.append((time.perf_counter() - t) * 1000)
    return round(statistics.median(times), 1)


def compare(home: str) -> dict[str, Any]:
    """Old and new paths on the store at `home`."""
    os.environ.update(NEWSQA_HOME=home, NEWSQA_LLM="extractive", NEWSQA_THREADS="2")
    from ingest_retrieval_corpus import load_question_set
    from scale_measure import OUTLET

    import index.store.dense as dense
    from index.store.filters import Filters
    from qa.pipeline import NewsQA
    from qa.pipeline.retrieval import Depths
    from qa.settings import Settings

    qa = NewsQA(Settings())
    store: Any = qa.store
    questions = load_question_set(None)[:QUESTIONS]
    vectors = [qa.embedder.embed([q.question])[0] for q in questions]
    groups = [[r.story for r, _ in store.search(v, 10)] for v in vectors]
    manifest = store.manifest
    out: dict[str, Any] = {"home": home, "chunks": store.count_chunks(), "articles": store.count_articles()}
    out["story members old"] = timed(lambda g: manifest.articles({"group": {"$in": sorted(set(g))}}), groups)
    out["story members new"] = timed(store.story_members, groups)
    out["outlets old"] = timed(lambda _: sorted({s.info.source for s in manifest.articles()}), [0, 1, 2])
    out["outlets new"] = timed(lambda _: store.sources(), [0, 1, 2])
    out["count old"] = timed(
        lambda _: len(manifest._entries.get(where={"status": "done"}, include=[])["ids"]), [0, 1, 2]
    )
    out["count new"] = timed(lambda _: store.count_articles(), [0, 1, 2])
    out["chunk count, once per search before"] = timed(lambda _: store.count_chunks(), [0, 1, 2])
    limits = dense._MAX_DEPTH, dense._MAX_IDS

    def search(filters: Callable[[Any], Filters], pair: tuple[Any, Any]) -> Any:
        return store.search(pair[0], Depths().dense, filters(pair[1]))

    for name, filters in (
        ("as_of", lambda q: Filters(as_of=q.asked_on)),
        ("as_of+outlet", lambda q: Filters(as_of=q.asked_on, sources=(OUTLET,))),
    ):
        pairs = list(zip(vectors, questions, strict=True))
        for label, (depth, ids) in (("old", (0, -1)), ("new", limits)):  # old: 2x, then Chroma's filter
            dense._MAX_DEPTH, dense._MAX_IDS = depth, ids
            out[f"dense {name} {label}"] = timed(partial(search, filters), pairs)
        dense._MAX_DEPTH, dense._MAX_IDS = limits
    print(json.dumps(out), flush=True)
    return out


def main(argv: list[str]) -> int:
    """Each store in its own process, so that one's caches do not help the next."""
    import subprocess

    if argv[:1] == ["--one"]:
        compare(argv[1])
        return 0
    for home in argv:
        subprocess.run([sys.executable, __file__, "--one", home], check=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
