"""The question-answering pipeline: check the question, retrieve, generate, verify, cite."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

import numpy as np

from index.embedding import Embedder
from index.ingest import IngestReport, ingest_articles
from index.loading import LoadResult, load_paths
from index.models import Article
from index.settings import Settings
from index.store import ArticleStore, day_number
from qa.backends import make_embedder, make_llm
from qa.citations import Grounder, display_text
from qa.conflicts import with_conflict
from qa.dates import asks_about_now, question_period
from qa.extractive import rank_sentences, snippets
from qa.llm import LLM, LLMError, complete
from qa.models import Answer, Passage
from qa.prompting import build_messages, build_rewrite_messages
from qa.retrieval import Retriever

EXTRACTIVE_MIN_SCORE = 0.55  # below this the best sentence is too far from the question to answer it


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long, bad date)."""


@dataclass(frozen=True)
class Retrieved:
    """Passages found, and the standalone question that was searched."""

    passages: tuple[Passage, ...]
    query: str


@dataclass(frozen=True)
class Partial:
    """The answer text streamed so far (before verification)."""

    text: str


@dataclass(frozen=True)
class Final:
    """The verified answer."""

    answer: Answer


Event = Retrieved | Partial | Final


def parse_as_of(value: date | str | None) -> date | None:
    """A date, or an ISO date string, or None."""
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise QuestionError(f"as_of must be a date like 2024-10-31, got {value!r}") from None


def check_question(question: str, max_chars: int) -> str:
    """The question stripped, or QuestionError saying what is wrong with it."""
    if not isinstance(question, str):
        raise QuestionError(f"The question must be text, got {type(question).__name__}")
    q = " ".join(question.split())
    if not q:
        raise QuestionError("The question is empty: type a question about the articles.")
    if len(q) > max_chars:
        raise QuestionError(
            f"The question is {len(q):,} characters long; the limit is {max_chars:,} "
            "(NEWSQA_MAX_QUESTION_CHARS). "
            "Ask a shorter question."
        )
    return q


class NewsQA:
    """A news archive you can ask questions of. Parts are created on first use and can be injected."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        llm: LLM | Literal["auto"] | None = "auto",
        embedder: Embedder | None = None,
        store: ArticleStore | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._llm = llm
        self._embedder = embedder
        self._store = store
        # One lock per part: loading the local model must not hold up the store or the embedder.
        self._locks = {"embedder": threading.Lock(), "store": threading.Lock(), "llm": threading.Lock()}

    @property
    def embedder(self) -> Embedder:
        """The configured embedder."""
        with self._locks["embedder"]:
            if self._embedder is None:
                self._embedder = make_embedder(self.settings)
            return self._embedder

    @property
    def store(self) -> ArticleStore:
        """The configured store, checked against the embedder."""
        emb = self.embedder
        with self._locks["store"]:
            if self._store is None:
                self._store = ArticleStore.open(self.settings, emb.name, emb.dim)
            return self._store

    @property
    def llm(self) -> LLM | None:
        """The configured LLM (None in extractive mode); the local server starts here."""
        with self._locks["llm"]:
            if self._llm == "auto":
                self._llm = make_llm(self.settings)
            return self._llm

    # -- ingest ------------------------------------------------------------------------------------
    def ingest(
        self, paths: Iterable[str | Path], *, progress: bool | None = None
    ) -> tuple[LoadResult, IngestReport]:
        """Load articles from files and folders and store them."""
        loaded = load_paths(paths)
        report = self.ingest_articles(loaded.articles, progress=progress)
        report.failed.extend(loaded.errors)
        return loaded, report

    def ingest_articles(
        self,
        articles: Sequence[Article],
        *,
        progress: bool | None = None,
        on_progress: Callable[[int, int], None] | None = None,
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
        if not history:
            return question
        last_q = history[-1][0]
        try:
            llm = self.llm
            if llm is not None:
                text = complete(llm, build_rewrite_messages(history, question), max_tokens=60).strip()
                text = text.splitlines()[0].strip().strip('"') if text else ""
                if _usable_rewrite(text, question, history):
                    return text
        except LLMError:
            pass
        # Without a usable rewrite, searching both questions keeps the earlier subject in the query.
        return f"{last_q} {question}"

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
        as_of_d, since_d = parse_as_of(as_of), parse_as_of(since)
        k = s.top_k if top_k is None else top_k
        if not 1 <= k <= 50:
            raise QuestionError(f"top_k must be between 1 and 50, got {k}")
        query = self.standalone(q, history)
        retriever = Retriever(self.store, self.embedder, s.retrieval, s.per_article_limit)
        notes: list[str] = []
        passages: list[Passage] = []
        period = question_period(query, as_of_d or date.today()) if s.date_handling else None
        if period is not None:
            # "in October 2024", "last week": search that publication window first.
            p_since = max(filter(None, [since_d, period.since]))
            p_until = min(filter(None, [as_of_d, period.until]))
            passages = retriever.retrieve(query, k, as_of=p_until, since=p_since, sources=sources)
            if passages:
                notes.append(
                    f"Searched articles published {p_since.isoformat()} to {p_until.isoformat()} "
                    f"(from “{period.phrase}”)."
                )
        if not passages:
            passages = retriever.retrieve(query, k, as_of=as_of_d, since=since_d, sources=sources)
        if s.date_handling and asks_about_now(query):
            # Equally relevant passages: the newer report first, since the question asks how things stand.
            passages = sorted(passages, key=lambda p: (-round(p.score, 3), -day_number(p.chunk.published)))
        yield Retrieved(tuple(passages), query)
        grounder = Grounder(query, passages, self.similarity)
        if not passages:
            empty = (
                "No articles are indexed yet: ingest some first." if self.store.count_chunks() == 0 else ""
            )
            yield Final(_with_question(grounder.refusal([empty] if empty else []), q, query, notes))
            return
        try:
            llm = self.llm if s.llm != "extractive" else None
        except LLMError as exc:  # misconfigured or missing model: say so, and still show the evidence
            yield Final(_with_question(grounder.refusal([str(exc)], reason=str(exc)), q, query, notes))
            return
        ranked = rank_sentences(query, passages, self.similarity)

        def checked(answer: Answer) -> Answer:
            # Whatever wrote the answer, another outlet that reports it differently is cited too.
            if s.conflict_check:
                answer = with_conflict(query, answer, passages, ranked, EXTRACTIVE_MIN_SCORE)
            return _with_question(answer, q, query, notes)

        if llm is None:
            best = [(r.passage, r.start, r.end, r.score) for r in ranked]
            yield Final(checked(grounder.extractive(best, EXTRACTIVE_MIN_SCORE)))
            return
        evidence = snippets(passages, ranked, s.llm_sentences)
        grounder = Grounder(query, evidence, self.similarity)
        raw = ""
        try:
            for piece in llm.stream(
                build_messages(query, evidence), max_tokens=s.llm_max_tokens, temperature=s.llm_temperature
            ):
                raw += piece
                yield Partial(display_text(raw))
        except LLMError as exc:
            yield Final(_with_question(grounder.refusal([str(exc)], reason=str(exc)), q, query, notes))
            return
        yield Final(checked(grounder.from_reply(raw)))

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


def _usable_rewrite(text: str, question: str, history: Sequence[tuple[str, str]]) -> bool:
    """A rewrite is kept only if it reads as a question about the conversation, not model chatter."""
    from qa.grounding import terms

    if not 3 <= len(text) <= 4 * len(question) + 200 or text.endswith(":"):
        return False
    if re.match(r"(?i)(the answer|the article|i |sorry|as an ai)", text):
        return False
    context = terms(" ".join([question, *(q for q, _ in history[-3:])])).stems
    return bool(terms(text).stems & context)


def _with_question(answer: Answer, question: str, query: str, notes: Sequence[str] = ()) -> Answer:
    from dataclasses import replace

    return replace(
        answer,
        question=question,
        rewritten_question=query if query != question else "",
        notes=(*notes, *answer.notes),
    )


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
