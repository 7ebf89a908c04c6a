"""NewsQA: an archive you can ask. Check the question, retrieve, read or generate, verify, cite."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np

from index.embedding.base import Embedder
from index.ingest import IngestReport, OnProgress, ingest_articles
from index.loading import LoadResult
from index.models import Article
from index.sources import OnIngestProgress, ingest_configured
from index.store.base import Store
from index.store.chroma import ChromaStore
from index.store.filters import Filters
from qa.backends import CHECKER_SLOTS, make_checker, make_embedder, make_llm
from qa.llm.base import LLM, LLMError, complete
from qa.models import Answer, Event, Final, Partial, Passage, Retrieved
from qa.pipeline.checker import checked
from qa.pipeline.chooser import choose
from qa.pipeline.citations import display_text, parse_reply
from qa.pipeline.conflicts import with_conflict
from qa.pipeline.conjunctions import read_question
from qa.pipeline.freshness import freshness_notes, newest_first, period_first, uncovered
from qa.pipeline.grounder import Grounder
from qa.pipeline.prompts import build_messages, build_rewrite_messages
from qa.pipeline.questions import QuestionError, check_question, is_follow_up, parse_as_of, usable_rewrite
from qa.pipeline.reading import ScoredSentence, rank_sentences, snippets
from qa.pipeline.retrieval import Retriever
from qa.pipeline.similarity import remembered
from qa.settings import Settings

EXTRACTIVE_MIN_SCORE = 0.55  # below this the best sentence is too far from the question to answer it


class NewsQA:
    """A news archive you can ask questions of. Parts are created on first use and can be injected."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        llm: LLM | Literal["auto"] | None = "auto",
        embedder: Embedder | None = None,
        store: Store | None = None,
        checker: LLM | Literal["auto"] | None = "auto",
    ) -> None:
        self.settings = settings or Settings()
        self._llm = llm
        self._checker = checker
        self._embedder = embedder
        self._store = store
        # One lock per part: loading the local model must not hold up the store or the embedder.
        self._locks = {part: threading.Lock() for part in ("embedder", "store", "llm", "checker")}
        self._checks = threading.Semaphore(CHECKER_SLOTS)

    @property
    def embedder(self) -> Embedder:
        """The configured embedder."""
        with self._locks["embedder"]:
            if self._embedder is None:
                self._embedder = make_embedder(self.settings)
            return self._embedder

    @property
    def store(self) -> Store:
        """The configured store, checked against the embedder."""
        emb = self.embedder
        with self._locks["store"]:
            if self._store is None:
                self._store = ChromaStore.open(self.settings, emb.name, emb.dim)
            return self._store

    @property
    def llm(self) -> LLM | None:
        """The configured LLM (None in extractive mode); the local server starts here."""
        with self._locks["llm"]:
            if self._llm == "auto":
                self._llm = make_llm(self.settings)
            return self._llm

    @property
    def checker(self) -> LLM | None:
        """The LLM that checks the reader's answers against their sentences (None: support alone)."""
        with self._locks["checker"]:
            if self._checker == "auto":
                self._checker = make_checker(self.settings, lambda: self.llm)
            return self._checker

    # -- ingest ------------------------------------------------------------------------------------
    def ingest(
        self,
        sources: Iterable[str | Path],
        *,
        progress: bool | None = None,
        on_progress: OnIngestProgress | None = None,
        stop: threading.Event | None = None,
    ) -> tuple[LoadResult, IngestReport]:
        """Load articles from files, folders and page or feed URLs, one at a time, and store them."""
        return ingest_configured(
            sources, self.store, self.embedder, self.settings, progress, on_progress=on_progress, stop=stop
        )

    def ingest_articles(
        self,
        articles: Sequence[Article],
        *,
        progress: bool | None = None,
        on_progress: OnProgress | None = None,
    ) -> IngestReport:
        """Store already-loaded articles."""
        s = self.settings
        return ingest_articles(
            articles,
            self.store,
            self.embedder,
            chunk_size=s.chunk_size,
            chunk_overlap=s.chunk_overlap,
            progress=progress,
            on_progress=on_progress,
            title_pieces=s.title_pieces,
        )

    # -- asking ------------------------------------------------------------------------------------
    def similarity(self, query: str, texts: Sequence[str]) -> Sequence[float]:
        """Cosine of `query` with each text, in the embedder's space."""
        vecs = self.embedder.embed([query, *texts])
        return list(np.asarray(vecs[1:] @ vecs[0], dtype=float))

    def standalone(self, question: str, history: Sequence[tuple[str, str]]) -> str:
        """Rewrite a follow-up into a standalone question, using the conversation so far."""
        if not history or not is_follow_up(question):
            return question
        try:
            llm = self.llm
            if llm is not None:
                text = complete(llm, build_rewrite_messages(history, question), max_tokens=60).strip()
                text = text.splitlines()[0].strip().strip('"') if text else ""
                if usable_rewrite(text, question, history):
                    return text
        except LLMError:
            pass
        # Without a usable rewrite, searching both questions keeps the earlier subject in the query.
        return f"{history[-1][0]} {question}"

    def retrieve(self, query: str, k: int, filters: Filters) -> tuple[list[Passage], list[str]]:
        """Passages for a standalone query, and notes on how dates in it narrowed the search."""
        s = self.settings
        retriever = Retriever(self.store, self.embedder, s.retrieval, s.per_article_limit)
        if not s.date_handling:
            return retriever.retrieve(query, k, filters), []
        passages, notes = period_first(lambda f: retriever.retrieve(query, k, f), query, filters)
        return newest_first(query, passages), notes

    def stream(
        self,
        question: str,
        *,
        top_k: int | None = None,
        as_of: date | str | None = None,
        since: date | str | None = None,
        sources: Sequence[str] | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> Iterator[Event]:
        """Answer a question step by step: Retrieved, then Partial texts, then Final."""
        s = self.settings
        q = check_question(question, s.max_question_chars)
        filters = Filters(parse_as_of(since, "since"), parse_as_of(as_of), tuple(sources or ()))
        k = s.top_k if top_k is None else top_k
        if not 1 <= k <= 50:
            raise QuestionError(f"top_k must be between 1 and 50, got {k}")
        query = self.standalone(q, history)
        passages, notes = self.retrieve(query, k, filters)
        yield Retrieved(tuple(passages), query)

        def final(answer: Answer) -> Final:
            return Final(
                replace(
                    answer,
                    question=q,
                    rewritten_question=query if query != q else "",
                    notes=(*notes, *answer.notes, *freshness_notes(answer, q, filters.as_of, s.stale_days)),
                )
            )

        if s.date_handling and (missed := uncovered(query, filters.as_of, passages)):
            yield final(Grounder(query, passages).refusal([missed]))
            return
        if not passages:
            empty = (
                "No articles are indexed yet: ingest some first." if self.store.count_chunks() == 0 else ""
            )
            yield final(Grounder(query, passages).refusal([empty] if empty else []))
            return
        try:
            llm = self.llm if s.llm != "extractive" else None
        except LLMError as exc:  # misconfigured or missing model: say so, and still show the evidence
            yield final(Grounder(query, passages).refusal([str(exc)], reason=str(exc)))
            return
        similarity = remembered(self.similarity)  # the reader and the sentence ranking embed alike
        ranked = rank_sentences(query, passages, similarity)
        reading = (
            read_question(query, passages, similarity, self.store.fetch)
            if s.reader_answers or llm is None
            else None
        )
        # A why/how question the reader refuses (no sentence states it, or only what another person said) is
        # refused without asking the LLM: the small model would write it anyway and verification keeps names.
        if reading is not None and (llm is None or reading.asked.kind != "PHRASE" or reading.refused):
            if llm is not None and s.chooser:
                try:
                    reading = choose(llm, query, reading, passages)
                except LLMError as exc:  # the reader's own choice stands
                    notes.append(f"The LLM could not choose an answer ({exc}); the reader's choice stands.")
            reading = checked(lambda: self.checker, query, reading, passages, notes, self._checks)
            if not reading.refused:
                yield Partial(reading.short, reading.short)  # the short answer first, then the sentence
            answer = Grounder(query, passages).from_reading(reading)
            yield final(self._with_conflict(query, answer, passages, ranked))
            return
        assert llm is not None
        evidence = snippets(passages, ranked, s.llm_sentences)
        grounder = Grounder(query, evidence, similarity)
        raw = ""
        try:
            messages = build_messages(query, evidence)
            for piece in llm.stream(messages, max_tokens=s.llm_max_tokens, temperature=s.llm_temperature):
                raw += piece
                yield Partial(display_text(raw), "" if (r := parse_reply(raw)).says_unknown else r.short)
        except LLMError as exc:
            yield final(grounder.refusal([str(exc)], reason=str(exc)))
            return
        answer = grounder.from_reply(raw)
        if answer.refused and reading is not None and not reading.refused:
            # Nothing of the small model's draft survived verification: the reader's clause, quoted.
            answer = Grounder(query, passages).from_reading(reading, answer.notes)
        yield final(self._with_conflict(query, answer, passages, ranked))

    def _with_conflict(
        self, query: str, answer: Answer, passages: Sequence[Passage], ranked: Sequence[ScoredSentence]
    ) -> Answer:
        # Whatever wrote the answer, another outlet that reports it differently is cited too.
        if not self.settings.conflict_check:
            return answer
        return with_conflict(query, answer, passages, ranked, EXTRACTIVE_MIN_SCORE)

    def ask(
        self,
        question: str,
        *,
        top_k: int | None = None,
        as_of: date | str | None = None,
        since: date | str | None = None,
        sources: Sequence[str] | None = None,
        history: Sequence[tuple[str, str]] = (),
    ) -> Answer:
        """Answer a question with citations (or a refusal that cites the closest evidence)."""
        final = None
        for event in self.stream(
            question, top_k=top_k, as_of=as_of, since=since, sources=sources, history=history
        ):
            if isinstance(event, Final):
                final = event.answer
        assert final is not None
        return final


_default: dict[Settings, NewsQA] = {}
_default_lock = threading.Lock()


def ask(
    question: str,
    *,
    top_k: int | None = None,
    as_of: date | str | None = None,
    settings: Settings | None = None,
    llm: LLM | Literal["auto"] | None = "auto",
) -> Answer:
    """Answer `question` from the indexed articles; settings from NEWSQA_* unless given."""
    settings = settings or Settings()
    if llm != "auto":
        return NewsQA(settings, llm=llm).ask(question, top_k=top_k, as_of=as_of)
    with _default_lock:
        qa = _default.setdefault(settings, NewsQA(settings))
    return qa.ask(question, top_k=top_k, as_of=as_of)
