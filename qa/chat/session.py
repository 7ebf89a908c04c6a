"""One browser session's conversation, without Gradio: NewsQA's events become turns the chat can show."""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from index.store.base import StoreError
from qa.chat.markdown import conversation_markdown
from qa.chat.render import empty_panel, question_html, sources_html, turn_html
from qa.chat.turns import FilterError, Turn, error_message, parse_filters
from qa.llm.base import LLMError
from qa.llm.slots import reporting
from qa.models import REFUSAL_TEXT, Citation, Event, Final, Partial, Passage, Retrieved
from qa.pipeline.citations import strip_markers
from qa.pipeline.grounder import Grounder
from qa.pipeline.newsqa import NewsQA
from qa.pipeline.questions import QuestionError

if TYPE_CHECKING:
    from qa.chat.startup import Startup

log = logging.getLogger("newsqa.chat")

Message = dict[str, str]

MAX_HISTORY_TURNS = 3  # earlier turns rarely matter for a follow-up and lengthen the rewrite prompt
EVIDENCE_LIMIT = 3  # passages shown as evidence when answering failed


# -- one conversation ------------------------------------------------------------------------------------


@dataclass
class ChatSession:
    """One browser session's conversation; it lives in that session's gr.State only."""

    turns: list[Turn] = field(default_factory=list)

    def messages(self) -> list[Message]:
        """The chat in Gradio's messages format: two messages per turn, so message i is turn i // 2."""
        out: list[Message] = []
        for i, turn in enumerate(self.turns):
            out.append({"role": "user", "content": question_html(turn.question)})
            out.append({"role": "assistant", "content": turn_html(turn, i)})
        return out

    def history(self) -> list[tuple[str, str]]:
        """(question, answer) pairs of the last answered turns, for rewriting a follow-up."""
        pairs = []
        for turn in self.turns:
            if turn.answer is not None:
                a = turn.answer
                pairs.append((turn.question, REFUSAL_TEXT if a.refused else strip_markers(a.text)))
        return pairs[-MAX_HISTORY_TURNS:]

    def turn_of_message(self, index: object) -> int | None:
        """The turn a chat message index (as Gradio's SelectData gives it) belongs to."""
        if isinstance(index, (list, tuple)) and index:
            index = index[0]
        if not isinstance(index, int) or not 0 <= index < 2 * len(self.turns):
            return None
        return index // 2

    def panel(self, turn_index: int | None = None) -> str:
        """Sources-panel HTML for a turn (the latest by default)."""
        if not self.turns:
            return empty_panel()
        i = len(self.turns) - 1 if turn_index is None else turn_index
        if not 0 <= i < len(self.turns):
            return empty_panel()
        turn = self.turns[i]
        # The export is offered once the turn is settled; rebuilding it on each update before that is waste.
        return sources_html(turn, i, self.markdown() if turn.settled else "")

    def markdown(self) -> str:
        """The conversation as Markdown, with each answer's numbered sources, for export."""
        return conversation_markdown(self.turns)


def passage_evidence(
    question: str, passages: Sequence[Passage], limit: int = EVIDENCE_LIMIT
) -> tuple[Citation, ...]:
    """Retrieved passages as numbered evidence (best sentence quoted), for when no Answer came back."""
    return Grounder(question, passages).refusal(limit=limit).citations


# -- asking ----------------------------------------------------------------------------------------------


BUSY_MESSAGE = (
    "Still answering your last question: your new one stays in the box. Press Enter again once the answer "
    "is done."
)
QUEUED_NOTE = "Waiting for a free place: other questions are being answered…"
SEEDING_NOTE = "Indexing the seed articles first, one moment…"
# A turn still waiting after this long was never started (its answer request was lost): a new question may go.
STALE_WAIT = 600.0
_claims = threading.Lock()


def is_busy(session: ChatSession) -> bool:
    """Whether the session's last question is still being answered (a turn never started goes stale)."""
    if not session.turns:
        return False
    turn = session.turns[-1]
    if turn.stage == "waiting":
        return time.monotonic() - turn.created < STALE_WAIT
    return turn.stage in ("searching", "writing")


def submit(session: ChatSession, question: object) -> Turn | None:
    """Add a waiting turn for `question`; None for an empty one. The caller refuses while is_busy()."""
    if not isinstance(question, str) or not question.strip():
        return None  # an empty submit does nothing, as in any chat box
    if session.turns and session.turns[-1].stage == "waiting" and not session.turns[-1].started:
        stale = session.turns[-1]  # its answer request was lost: say so instead of waiting forever
        stale.stage, stale.error = "failed", "This question was never answered (the server dropped it)."
    turn = Turn(question=question.strip(), note=QUEUED_NOTE)
    session.turns.append(turn)
    return turn


def ask(
    qa: NewsQA,
    session: ChatSession,
    question: str,
    *,
    since: object = None,
    as_of: object = None,
    outlets: Sequence[str] | None = None,
    startup: Startup | None = None,
) -> Iterator[ChatSession]:
    """Add a turn for `question` and update it as NewsQA's events come; yields the session after each step."""
    if submit(session, question) is None:
        return
    yield from answer(qa, session, since=since, as_of=as_of, outlets=outlets, startup=startup)


def _events(qa: NewsQA, turn: Turn, history: list[tuple[str, str]]) -> Iterator[Event | None]:
    """NewsQA's events for the turn, made in a worker thread; None about every second while none comes.

    The thread is what lets a turn whose LLM call waits for a slot (qa/llm/slots.py) show its place in line.
    """
    events: queue.Queue[tuple[str, Any]] = queue.Queue()
    gone = threading.Event()  # the consumer left (the browser went away): stop at the next event

    def place(n: int, running: int) -> None:
        turn.note = f"Waiting for the model: number {n} in line ({running} being written)…" if n else ""

    def produce() -> None:
        try:
            with reporting(place):
                stream = qa.stream(
                    turn.question,
                    since=turn.filters.since,
                    as_of=turn.filters.as_of,
                    sources=list(turn.filters.sources) or None,
                    history=history,
                )
                for event in stream:
                    events.put(("event", event))
                    if gone.is_set():
                        getattr(stream, "close", lambda: None)()  # ends the LLM's reply: frees its slot
                        return
        except Exception as exc:
            events.put(("error", exc))
        else:
            events.put(("end", None))

    threading.Thread(target=produce, name="newsqa-answer", daemon=True).start()
    try:
        while True:
            try:
                kind, value = events.get(timeout=1.0)
            except queue.Empty:
                yield None
                continue
            if kind == "error":
                raise value
            if kind == "end":
                return
            yield value
    finally:
        gone.set()


def answer(
    qa: NewsQA,
    session: ChatSession,
    *,
    since: object = None,
    as_of: object = None,
    outlets: Sequence[str] | None = None,
    startup: Startup | None = None,
) -> Generator[ChatSession, None, None]:
    """Answer the session's last turn (added by submit); yields the session after each step.

    While nothing new comes, the session is yielded about every second: the turn shows the time elapsed, and
    while the LLM's reply waits for a slot, its place in line.
    """
    with _claims:  # a turn is answered once, though a refused second submit also asks for an answer
        if not session.turns or session.turns[-1].stage != "waiting" or session.turns[-1].started:
            return
        turn = session.turns[-1]
        turn.started = True
    history = session.history()
    try:
        turn.filters = parse_filters(since, as_of, outlets)
        if startup is not None and not startup.indexed.is_set():
            turn.note = SEEDING_NOTE
            yield session
            startup.indexed.wait()
        turn.stage, turn.note, turn.began = "searching", "", time.monotonic()
        yield session
        for event in _events(qa, turn, history):
            if event is None:  # nothing new: the elapsed time (and any place in line) moved on
                yield session
                continue
            if isinstance(event, Retrieved):
                turn.passages, turn.stage = event.passages, "writing"
                if event.query != turn.question:
                    turn.query = event.query
            elif isinstance(event, Partial):
                turn.short, turn.note = event.short, ""
                turn.partial = "" if event.text.strip() == event.short.strip() else event.text
            elif isinstance(event, Final):
                turn.answer = event.answer
                turn.evidence = event.answer.citations
                turn.query = event.answer.rewritten_question or turn.query
                turn.stage, turn.note = "done", ""
            yield session
    except GeneratorExit:  # the request was cancelled (the page closed, a client gave up)
        turn.error, turn.stage, turn.note = "The answer was stopped before it was done.", "failed", ""
        raise
    except Exception as exc:  # every failure becomes a chat message; the traceback goes to the log only
        if not isinstance(exc, (QuestionError, FilterError, LLMError, StoreError)):
            log.exception("answering %r failed", turn.question)
        turn.error, turn.note = error_message(exc), ""
        turn.evidence = passage_evidence(turn.query or turn.question, turn.passages)
        turn.stage = "failed"
        yield session
        return
    if turn.stage != "done":  # the stream ended without a Final: say so rather than hang
        turn.error, turn.stage = "The answer was cut off. Please ask again.", "failed"
        turn.evidence = passage_evidence(turn.query or turn.question, turn.passages)
        yield session
