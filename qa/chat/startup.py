"""Chat start-up: seed an empty index in the background, start the LLM, and say how far it got."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from index.chunking import sentence_spans
from index.loading import load_paths
from index.store.base import Store
from index.store.filters import Filters
from qa.backends import describe_llm
from qa.chat.render import status_line
from qa.chat.turns import error_message
from qa.llm.base import LLMError
from qa.pipeline.newsqa import NewsQA
from qa.pipeline.reader import read
from qa.pipeline.wordnet import is_kind_of

log = logging.getLogger("newsqa.chat")


class Startup:
    """Indexes the seed articles when the index is empty (in the background) and reports how far it got."""

    def __init__(self, qa: NewsQA, seeds: Path) -> None:
        self.qa = qa
        self.seeds = seeds
        self.indexed = threading.Event()  # set once questions can be answered (seeded, or nothing to do)
        self.message = "Opening the article index…"
        self.problem = ""
        self.llm_problem = ""
        self.llm_done = threading.Event()  # set once the LLM is up (or failed to start)
        self.store: Store | None = None  # kept so the status never waits for NewsQA's lock
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin in a background thread."""
        self._thread = threading.Thread(target=self.run, name="newsqa-startup", daemon=True)
        self._thread.start()

    def run(self) -> None:
        """Seed an empty index, warm up the LLM (a local one loads its model here), then the reader."""
        try:
            store = self.store = self.qa.store
            if store.count_chunks() == 0 and self.seeds.is_dir():
                loaded = load_paths([self.seeds])
                total = len(loaded.articles)
                self.message = f"Indexing the {total} seed article{'s' if total != 1 else ''} (first run)…"
                log.info("empty index: %s from %s", self.message, self.seeds)

                def progress(done: int, all_: int, chunks: int) -> None:
                    self.message = f"Indexing the seed articles (first run): {done}/{all_}…"

                self.qa.ingest_articles(loaded.articles, progress=False, on_progress=progress)
            self.message = ""
        except Exception as exc:  # the UI still starts and shows this instead of answers failing silently
            log.exception("startup indexing failed")
            self.problem = f"Could not open or seed the article index: {exc}"
            self.message = ""
        finally:
            self.indexed.set()
        try:
            _ = self.qa.llm  # the first question would otherwise wait for a local model to load
        except LLMError as exc:
            self.llm_problem = str(exc)
        except Exception as exc:
            log.exception("LLM start failed")
            self.llm_problem = f"The LLM could not start ({type(exc).__name__}): {exc}"
        finally:
            self.llm_done.set()
        try:
            _ = self.qa.checker  # the local checker's model loads here too, not at the first typed question
        except LLMError as exc:  # answers still come, checked by the reader's support alone (with a note)
            self.llm_problem = self.llm_problem or f"The answer checker could not start: {exc}"
        self.warm_up()  # after: the library and status wait for the LLM, not for this

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for (about 5 s here): the embedding model, the
        BM25 index, spaCy's pipeline, the sentence splitter and WordNet, by reading a question's passages. No
        LLM is called: with a paid endpoint that would cost money."""
        started = time.perf_counter()
        try:
            passages, _ = self.qa.retrieve("Who said what, and when?", 5, Filters())
            read("Who said what, and when?", passages, self.qa.similarity)  # parses and embeds as answers do
            sentence_spans("The sentence splitter loads nltk. It takes seconds.")  # as the sentence ranking
            is_kind_of("lemonade", "drink")  # WordNet's noun index, read by "which X" questions
        except Exception:  # a failure here shows again, with its message, on the first question
            log.exception("warm-up failed")
            return
        log.info("warmed up in %.1f s", time.perf_counter() - started)

    @property
    def settled(self) -> bool:
        """Indexing and LLM start-up are both over."""
        return self.indexed.is_set() and self.llm_done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until questions can be answered; False on timeout."""
        return self.indexed.wait(timeout)


def status_html(qa: NewsQA, startup: Startup | None) -> str:
    """The one-line status under the title: indexing progress, or what the index holds and who answers."""
    if startup is not None and not startup.indexed.is_set():
        return status_line("busy", startup.message)
    if startup is not None and startup.problem:
        return status_line("bad", startup.problem)
    try:
        store = startup.store if startup is not None and startup.store is not None else qa.store
        articles, chunks = store.count_articles(), store.count_chunks()
    except Exception as exc:
        return status_line("bad", error_message(exc))
    plural = lambda n: "" if n == 1 else "s"  # noqa: E731
    line = (
        f"Ready · Answers: {describe_llm(qa.settings)} · "
        f"Index: {articles} article{plural(articles)}, {chunks} passage{plural(chunks)}"
    )
    if startup is not None and not startup.llm_done.is_set() and qa.settings.llm == "local":
        line += " (starting the model…)"
    return status_line("ready", line, startup.llm_problem if startup is not None else "")
