"""The seed articles in a temporary index, for the benchmarks that read the seed set."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from qa.pipeline import NewsQA  # noqa: E402
from qa.settings import Settings  # noqa: E402

SEED_QUESTIONS = REPO / "seeds" / "questions.jsonl"


@contextmanager
def seed_index(prefix: str) -> Iterator[NewsQA]:
    """An extractive pipeline over the seed articles in a temporary home, which goes when the block ends (the
    index and its model copies take about 600 MB)."""
    with tempfile.TemporaryDirectory(prefix=prefix, ignore_cleanup_errors=True) as home:
        qa = NewsQA(Settings(home=Path(home), llm="extractive"), llm=None)
        qa.ingest([REPO / "seeds" / "articles"], progress=False)
        yield qa
