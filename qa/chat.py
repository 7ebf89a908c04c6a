"""Session logic of the browser chat: NewsQA events to chat messages and sources-panel HTML, all escaped.

Everything here is plain Python (no Gradio), so it is tested without a browser. Article text, titles, outlets,
URLs, questions and error messages are untrusted: they only reach HTML through `esc()`.
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from index.fetching import load_url
from index.ingest import IngestReport
from index.loading import SUPPORTED_SUFFIXES, LoadError, LoadResult, load_file, load_paths
from index.settings import Settings
from index.store import ArticleStore, StoreError
from qa.answering import Final, NewsQA, Partial, QuestionError, Retrieved
from qa.citations import MARKER, Grounder, strip_markers
from qa.llm import LLMError
from qa.models import REFUSAL_TEXT, Answer, Citation, Passage

log = logging.getLogger("newsqa.chat")

Message = dict[str, str]
Progress = Callable[[int, int], None]

MAX_HISTORY_TURNS = 3  # earlier turns rarely matter for a follow-up and lengthen the rewrite prompt
EVIDENCE_LIMIT = 3  # passages shown as evidence when answering failed
_REMOVED_NOTE = "Removed a sentence no source supports"
_SEP = '<span class="nq-sep">·</span>'

# Characters Markdown, GFM autolinks, KaTeX or template engines act on. Chat messages go through Gradio's
# Markdown renderer, so after html.escape these are written as entities too: they then display as themselves.
_INERT = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]|~${}!:@"})


def esc(text: object) -> str:
    """Untrusted text as inert HTML: html.escape, plus entities for Markdown/LaTeX/template characters."""
    return html.escape(str(text), quote=True).translate(_INERT)


def esc_lines(text: str) -> str:
    """Escaped text with its line breaks kept as <br> (chat messages must stay on one line)."""
    return "<br>".join(esc(line) for line in text.strip().splitlines())


def _br(text: str) -> str:
    """Escaped text with line breaks as <br>, spaces kept."""
    return esc(text.replace("\r\n", "\n")).replace("\n", "<br>")


def safe_href(url: str) -> str | None:
    """The URL escaped for an href attribute, or None unless it is http(s) with a host."""
    parsed = urlparse(url.strip())
    if parsed.scheme.lower() not in ("http", "https") or not parsed.hostname:
        return None
    return html.escape(url.strip(), quote=True)


def short_url(url: str, limit: int = 48) -> str:
    """Host and path of a URL, shortened for display."""
    parsed = urlparse(url)
    shown = (parsed.hostname or "").removeprefix("www.") + parsed.path.rstrip("/")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


# -- filters ---------------------------------------------------------------------------------------------


class FilterError(ValueError):
    """A filter value the user typed cannot be used."""


@dataclass(frozen=True)
class Filters:
    """Which articles a question may draw on."""

    since: date | None = None
    as_of: date | None = None
    sources: tuple[str, ...] = ()

    def describe(self) -> str:
        """A short phrase for the sources panel, empty without filters."""
        parts = []
        if self.since:
            parts.append(f"from {self.since.isoformat()}")
        if self.as_of:
            parts.append(f"as of {self.as_of.isoformat()}")
        if self.sources:
            parts.append("outlets: " + ", ".join(self.sources))
        return "; ".join(parts)


def parse_day(value: object, label: str) -> date | None:
    """A date from a date, an ISO 'YYYY-MM-DD' string (a time part is ignored), or nothing."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return (
            date.fromisoformat(text[:10]) if len(text) > 10 and text[10] in " T" else date.fromisoformat(text)
        )
    except ValueError:
        raise FilterError(f"The {label} date must look like 2025-05-21, not {text!r}.") from None


def parse_filters(
    since: object = None, as_of: object = None, sources: Sequence[str] | None = None
) -> Filters:
    """Filters from the UI's raw values, or FilterError saying what is wrong."""
    since_d, as_of_d = parse_day(since, "“from”"), parse_day(as_of, "“as of”")
    if since_d and as_of_d and since_d > as_of_d:
        raise FilterError(
            f"The “from” date {since_d.isoformat()} is after the “as of” date {as_of_d.isoformat()}: "
            "no article can match."
        )
    picked = tuple(dict.fromkeys(s for s in (sources or []) if isinstance(s, str) and s.strip()))
    return Filters(since_d, as_of_d, picked)


# -- one conversation ------------------------------------------------------------------------------------


@dataclass
class Turn:
    """One question and what became of it, as the chat shows it."""

    question: str
    filters: Filters = field(default_factory=Filters)
    stage: str = "waiting"  # waiting -> searching -> writing -> done | failed
    query: str = ""  # the standalone question searched, when it differs from the question
    passages: tuple[Passage, ...] = ()
    partial: str = ""
    answer: Answer | None = None
    error: str = ""
    evidence: tuple[Citation, ...] = ()  # what the sources panel lists


@dataclass
class ChatSession:
    """One browser session's conversation; it lives in that session's gr.State only."""

    turns: list[Turn] = field(default_factory=list)

    def messages(self) -> list[Message]:
        """The chat in Gradio's messages format: two messages per turn, so message i is turn i // 2."""
        out: list[Message] = []
        for i, turn in enumerate(self.turns):
            out.append({"role": "user", "content": f'<div class="nq-q">{esc_lines(turn.question)}</div>'})
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
        return sources_html(self.turns[i], i)


# -- rendering -------------------------------------------------------------------------------------------


def cite_link(n: int, turn_index: int) -> str:
    """The clickable [n] of an answer, pointing at entry src-n of the sources panel."""
    # Gradio's sanitizer drops data-* attributes in chat messages but keeps classes: the turn goes there.
    return f'<a href="#src-{n}" class="cite turn-{turn_index}" title="Show source {n}">&#91;{n}&#93;</a>'


def text_with_cites(text: str, turn_index: int, numbers: set[int]) -> str:
    """Escaped text whose [n] markers (for known citation numbers) become links to the sources panel."""
    out: list[str] = []
    pos = 0
    for m in MARKER.finditer(text):
        nums = [int(x) for x in re.findall(r"\d+", m.group(1))]
        if not nums or not all(n in numbers for n in nums):
            continue  # not one of this answer's citations: left as text
        out.append(_br(text[pos : m.start()]))
        out.append(" " + "".join(cite_link(n, turn_index) for n in dict.fromkeys(nums)))
        pos = m.end()
    out.append(_br(text[pos:]))
    return "".join(out)


def _notes_html(answer: Answer) -> str:
    removed = sum(1 for n in answer.notes if n.startswith(_REMOVED_NOTE))
    parts = []
    if removed:
        plural = "sentence" if removed == 1 else "sentences"
        parts.append(
            f"{removed} {plural} of the model's draft left out: no source supports "
            f"{'it' if removed == 1 else 'them'}."
        )
    # The LLM's own failure message is already the answer text; do not say it twice.
    parts += [n for n in answer.notes if not n.startswith(_REMOVED_NOTE) and n not in answer.text]
    return "".join(f'<div class="nq-note">{esc(p)}</div>' for p in parts)


def turn_html(turn: Turn, index: int) -> str:
    """The assistant message of a turn, at whatever stage it is."""
    parts: list[str] = []
    if turn.query and turn.query != turn.question:
        parts.append(f'<div class="nq-rewritten">Searched for: {esc(turn.query)}</div>')
    if turn.stage == "waiting":
        parts.append('<div class="nq-status">Indexing the seed articles first, one moment…</div>')
    elif turn.stage == "searching":
        parts.append('<div class="nq-status">Searching the articles…</div>')
    elif turn.stage == "writing":
        if turn.partial.strip():
            parts.append(
                f'<div class="nq-answer nq-streaming">{esc_lines(turn.partial)}'
                '<span class="nq-cursor">▍</span></div>'
            )
        else:
            n = len(turn.passages)
            parts.append(
                f'<div class="nq-status">Found {n} passage{"" if n == 1 else "s"}; writing the answer…</div>'
            )
    elif turn.stage == "failed":
        parts.append(
            f'<div class="nq-error"><span class="nq-badge nq-bad">Error</span> {esc(turn.error)}</div>'
        )
        if turn.evidence:
            links = " ".join(cite_link(c.n, index) for c in turn.evidence)
            parts.append(f'<div class="nq-note">Closest passages found: {links}</div>')
    elif turn.answer is not None:
        parts.append(answer_html(turn.answer, index))
        if not turn.passages and turn.filters.describe():
            parts.append(
                f'<div class="nq-note">No article matches the filters ({esc(turn.filters.describe())}): '
                "widen or clear them.</div>"
            )
    return f'<div class="nq-msg nq-{turn.stage}">{"".join(parts)}</div>'


def answer_html(answer: Answer, index: int) -> str:
    """A verified answer: its text with clickable citations, the short answer, notes; refusals say so."""
    numbers = {c.n for c in answer.citations}
    body = text_with_cites(answer.text, index, numbers)
    if answer.refused:
        problem = not answer.text.startswith(REFUSAL_TEXT)  # the LLM failed: the text is its message
        badge = (
            '<span class="nq-badge nq-bad">Answer unavailable</span>'
            if problem
            else '<span class="nq-badge nq-warn">Not answered</span>'
        )
        out = f'<div class="nq-answer nq-refused">{badge} {body}</div>'
        if answer.citations:
            out += '<div class="nq-note">The closest evidence is listed under Sources.</div>'
    else:
        out = f'<div class="nq-answer">{body}</div>'
        if answer.short:
            out += f'<div class="nq-short"><span class="nq-label">In short:</span> {esc(answer.short)}</div>'
    return out + _notes_html(answer)


def empty_panel() -> str:
    """The sources panel before any question."""
    return (
        '<div class="nq-sources nq-empty" data-turn="-1"><p class="nq-muted">Ask a question: the passages '
        "its answer cites appear here, with the quoted sentence highlighted.</p></div>"
    )


def passage_html(c: Citation) -> str:
    """The cited passage, escaped, with the quoted span inside <mark>."""
    text = c.passage or c.quote
    a, b = c.start - c.passage_start, c.end - c.passage_start
    if c.quote and not (0 <= a < b <= len(text) and text[a:b].strip() == c.quote.strip()):
        found = text.find(c.quote)  # offsets do not match this passage: find the quote instead
        a, b = (found, found + len(c.quote)) if found >= 0 else (0, 0)
    if not c.quote or a >= b:
        return esc(text)
    return f"{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}"


def source_entry_html(c: Citation) -> str:
    """One entry of the sources panel: number, title, outlet, date, link and passage."""
    href = safe_href(c.url)
    link = (
        f'<a class="nq-link" href="{href}" target="_blank" rel="noopener noreferrer nofollow">'
        f"{esc(short_url(c.url))}</a>"
        if href
        else '<span class="nq-muted">no link</span>'
    )
    outlet = (
        f'<span class="nq-outlet">{esc(c.source)}</span>'
        if c.source
        else '<span class="nq-muted">outlet unknown</span>'
    )
    when = (
        f'<time class="nq-date" datetime="{c.published.isoformat()}">{c.published.isoformat()}</time>'
        if c.published
        else '<span class="nq-muted">undated</span>'
    )
    return (
        f'<article class="nq-src" id="src-{c.n}">'
        f'<div class="nq-src-head"><span class="nq-src-n">{c.n}</span>'
        f'<span class="nq-src-title">{esc(c.title or "Untitled article")}</span></div>'
        f'<div class="nq-src-meta">{outlet}{_SEP}{when}{_SEP}{link}</div>'
        f'<blockquote class="nq-passage">{passage_html(c)}</blockquote>'
        f"{also_html(c)}"
        "</article>"
    )


def also_html(c: Citation) -> str:
    """The other outlets that carried the same story (near-duplicate articles), linked."""
    if not c.also_reported_by:
        return ""
    items = []
    for a in c.also_reported_by:
        href = safe_href(a.url)
        name = esc(a.source or a.title or "another article")
        label = (
            f'<a class="nq-link" href="{href}" target="_blank" rel="noopener noreferrer nofollow">{name}</a>'
            if href
            else name
        )
        items.append(label + (f" ({a.published.isoformat()})" if a.published else ""))
    return f'<div class="nq-also">Also reported by: {", ".join(items)}</div>'


def sources_html(turn: Turn, index: int) -> str:
    """The sources panel of one turn: its citations, or the closest evidence when it was not answered."""
    done = turn.stage in ("done", "failed")
    cls = "nq-sources nq-final" if done else "nq-sources nq-pending"
    head = f'<div class="{cls}" data-turn="{index}">'
    asked = f'<div class="nq-for">For: {esc(turn.question)}</div>'
    if turn.filters.describe():
        asked += f'<div class="nq-for nq-muted">Filters: {esc(turn.filters.describe())}</div>'
    if not done:
        return head + asked + '<p class="nq-muted">Searching…</p></div>'
    refused = turn.answer is None or turn.answer.refused
    if not turn.evidence:
        note = "No passage matched." if refused else "The answer cites no passage."
        return head + "<h3>Sources</h3>" + asked + f'<p class="nq-muted">{note}</p></div>'
    title = "Closest evidence" if refused else "Sources"
    sub = '<p class="nq-muted">Not an answer: the passages closest to the question.</p>' if refused else ""
    entries = "".join(source_entry_html(c) for c in turn.evidence)
    return f"{head}<h3>{title}</h3>{asked}{sub}{entries}</div>"


def passage_evidence(
    question: str, passages: Sequence[Passage], limit: int = EVIDENCE_LIMIT
) -> tuple[Citation, ...]:
    """Retrieved passages as numbered evidence (best sentence quoted), for when no Answer came back."""
    return Grounder(question, passages).refusal(limit=limit).citations


def error_message(exc: BaseException) -> str:
    """What the chat says when answering fails: the reason in words, never a traceback."""
    if isinstance(exc, (QuestionError, FilterError)):
        return str(exc)
    if isinstance(exc, LLMError):
        return f"The language model could not answer: {exc}"
    if isinstance(exc, StoreError):
        return f"The article index cannot be used: {exc}"
    return (
        f"Something went wrong while answering ({type(exc).__name__}). "
        "The details are in the server log; try again or rephrase the question."
    )


# -- asking ----------------------------------------------------------------------------------------------


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
    if not isinstance(question, str) or not question.strip():
        return  # an empty submit does nothing, as in any chat box
    history = session.history()
    turn = Turn(question=question.strip())
    session.turns.append(turn)
    try:
        turn.filters = parse_filters(since, as_of, outlets)
        if startup is not None and not startup.indexed.is_set():
            yield session
            startup.indexed.wait()
        turn.stage = "searching"
        yield session
        for event in qa.stream(
            turn.question,
            since=turn.filters.since,
            as_of=turn.filters.as_of,
            sources=list(turn.filters.sources) or None,
            history=history,
        ):
            if isinstance(event, Retrieved):
                turn.passages, turn.stage = event.passages, "writing"
                if event.query != turn.question:
                    turn.query = event.query
            elif isinstance(event, Partial):
                turn.partial = event.text
            elif isinstance(event, Final):
                turn.answer = event.answer
                turn.evidence = event.answer.citations
                turn.query = event.answer.rewritten_question or turn.query
                turn.stage = "done"
            yield session
    except Exception as exc:  # every failure becomes a chat message; the traceback goes to the log only
        if not isinstance(exc, (QuestionError, FilterError, LLMError, StoreError)):
            log.exception("answering %r failed", turn.question)
        turn.error = error_message(exc)
        turn.evidence = passage_evidence(turn.query or turn.question, turn.passages)
        turn.stage = "failed"
        yield session
        return
    if turn.stage != "done":  # the stream ended without a Final: say so rather than hang
        turn.error, turn.stage = "The answer was cut off. Please ask again.", "failed"
        turn.evidence = passage_evidence(turn.query or turn.question, turn.passages)
        yield session


# -- startup ---------------------------------------------------------------------------------------------


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
        self.store: ArticleStore | None = None  # kept so the status never waits for NewsQA's lock
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Begin in a background thread."""
        self._thread = threading.Thread(target=self.run, name="newsqa-startup", daemon=True)
        self._thread.start()

    def run(self) -> None:
        """Seed an empty index, then warm up the LLM (a local one loads its model here)."""
        try:
            store = self.store = self.qa.store
            if store.count_chunks() == 0 and self.seeds.is_dir():
                loaded = load_paths([self.seeds])
                total = len(loaded.articles)
                self.message = f"Indexing the {total} seed article{'s' if total != 1 else ''} (first run)…"
                log.info("empty index: %s from %s", self.message, self.seeds)

                def progress(done: int, all_: int) -> None:
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

    @property
    def settled(self) -> bool:
        """Indexing and LLM start-up are both over."""
        return self.indexed.is_set() and self.llm_done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until questions can be answered; False on timeout."""
        return self.indexed.wait(timeout)


def describe_llm(settings: Settings) -> str:
    """How answers are written, in a few words."""
    if settings.llm == "extractive":
        return "extractive answers (quoted sentences, no LLM)"
    if settings.llm == "local":
        name = (
            settings.local_model_path.stem if settings.local_model_path else settings.llm_model or "default"
        )
        return f"local model {name}"
    where = urlparse(settings.openai_base_url).netloc if settings.openai_base_url else "OpenAI"
    return f"{settings.llm_model or 'gpt-4o-mini'} at {where}"


def status_html(qa: NewsQA, startup: Startup | None) -> str:
    """The one-line status under the title: indexing progress, or what the index holds and who answers."""
    if startup is not None and not startup.indexed.is_set():
        return (
            f'<div class="nq-statusline nq-busy"><span class="nq-spinner"></span>{esc(startup.message)}</div>'
        )
    if startup is not None and startup.problem:
        return f'<div class="nq-statusline nq-bad">{esc(startup.problem)}</div>'
    try:
        store = startup.store if startup is not None and startup.store is not None else qa.store
        articles, chunks = store.count_articles(), store.count_chunks()
    except Exception as exc:
        return f'<div class="nq-statusline nq-bad">{esc(error_message(exc))}</div>'
    line = (
        f"Ready · {articles} article{'s' if articles != 1 else ''} ({chunks} passages) indexed · "
        f"answers by {describe_llm(qa.settings)}"
    )
    if startup is not None and not startup.llm_done.is_set() and qa.settings.llm == "local":
        line += " (starting the model…)"
    warn = ""
    if startup is not None and startup.llm_problem:
        warn = f'<div class="nq-statusline nq-bad">LLM problem: {esc(startup.llm_problem)}</div>'
    return f'<div class="nq-statusline nq-ready">{esc(line)}</div>{warn}'


# -- library ---------------------------------------------------------------------------------------------


def _error_line(err: LoadError, names: dict[str, str] | None = None) -> str:
    where = (names or {}).get(err.path, err.path)
    if err.line is not None:
        where += f", line {err.line}"
    return f"<li><code>{esc(where)}</code>: {esc(err.reason)}</li>"


def report_html(
    report: IngestReport | None, errors: Sequence[LoadError], names: dict[str, str] | None = None
) -> str:
    """What an ingest did, with every failure and its reason."""
    errors = list(dict.fromkeys(errors))
    parts = []
    if report is not None:
        added, updated, skipped = len(report.added), len(report.updated), len(report.skipped)
        parts.append(
            f"<strong>Added {added} article{'s' if added != 1 else ''}</strong>, updated {updated}, "
            f"unchanged {skipped} · {report.chunks} passage{'s' if report.chunks != 1 else ''} indexed."
        )
    if errors:
        n = len(errors)
        items = "".join(_error_line(e, names) for e in errors)
        parts.append(f'<div>{n} failure{"s" if n != 1 else ""}:</div><ul class="nq-failures">{items}</ul>')
    ok = report is not None and (report.added or report.updated or report.skipped)
    cls = "nq-bad" if not ok else "nq-warn" if errors else "nq-ok"
    return f'<div class="nq-report {cls}">{"".join(parts) or "Nothing to add."}</div>'


def _ingest(qa: NewsQA, loaded: LoadResult, on_progress: Progress | None) -> IngestReport | None:
    if not loaded.articles:
        return None
    if on_progress:
        on_progress(0, len(loaded.articles))
    return qa.ingest_articles(loaded.articles, progress=False, on_progress=on_progress)


def ingest_files(qa: NewsQA, paths: Sequence[str | Path], on_progress: Progress | None = None) -> str:
    """Load uploaded files and index their articles; the status HTML names every failure."""
    if not paths:
        return '<div class="nq-report nq-bad">Choose one or more files first.</div>'
    loaded = LoadResult()
    names: dict[str, str] = {}
    for p in paths:
        path = Path(p)
        names[str(path)] = path.name  # uploads sit in temp folders: show the name the user knows
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            kinds = ", ".join(sorted(SUPPORTED_SUFFIXES))
            loaded.errors.append(
                LoadError(str(path), None, f"unsupported file type; expected one of {kinds}")
            )
            continue
        part = load_file(path)
        loaded.articles.extend(part.articles)
        loaded.errors.extend(part.errors)
    try:
        report = _ingest(qa, loaded, on_progress)
    except Exception as exc:
        log.exception("ingesting uploads failed")
        return f'<div class="nq-report nq-bad">Indexing failed: {esc(error_message(exc))}</div>'
    return report_html(report, loaded.errors, names)


def ingest_url(qa: NewsQA, url: str, on_progress: Progress | None = None) -> str:
    """Fetch a page or RSS/Atom feed and index its articles; the status HTML names every failure."""
    if not (url or "").strip():
        return '<div class="nq-report nq-bad">Enter the URL of a page or of an RSS/Atom feed.</div>'
    loaded = load_url(url)
    try:
        report = _ingest(qa, loaded, on_progress)
    except Exception as exc:
        log.exception("ingesting %s failed", url)
        return f'<div class="nq-report nq-bad">Indexing failed: {esc(error_message(exc))}</div>'
    return report_html(report, loaded.errors)


def articles_html(qa: NewsQA) -> str:
    """The table of indexed articles, newest first."""
    try:
        infos = qa.store.articles()
    except Exception as exc:
        return f'<div class="nq-report nq-bad">{esc(error_message(exc))}</div>'
    if not infos:
        return '<p class="nq-muted">No articles indexed yet: add some on the left.</p>'
    rows = []
    for a in infos:
        href = safe_href(a.url)
        title = esc(a.title or "Untitled article")
        if href:
            title = f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{title}</a>'
        rows.append(
            f"<tr><td>{title}</td><td>{esc(a.source) or '—'}</td>"
            f"<td>{a.published.isoformat() if a.published else '—'}</td><td>{a.chunks}</td></tr>"
        )
    n = len(infos)
    return (
        f'<div class="nq-count">{n} article{"s" if n != 1 else ""} indexed</div>'
        '<table class="nq-articles"><thead><tr><th>Title</th><th>Outlet</th><th>Published</th>'
        f"<th>Passages</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def article_choices(qa: NewsQA) -> list[tuple[str, str]]:
    """(label, article id) pairs for the delete picker."""
    try:
        infos = qa.store.articles()
    except Exception:
        return []
    out = []
    for a in infos:
        meta = " · ".join(x for x in (a.source, a.published.isoformat() if a.published else "") if x)
        title = a.title if len(a.title) <= 90 else a.title[:89] + "…"
        out.append((f"{title or 'Untitled'}" + (f" ({meta})" if meta else ""), a.id))
    return out


def outlet_choices(qa: NewsQA) -> list[str]:
    """Outlets of the indexed articles, for the filter."""
    try:
        return qa.store.sources()
    except Exception:
        return []


def delete_articles(qa: NewsQA, ids: Sequence[str] | None) -> str:
    """Remove the chosen articles; the status HTML says how many."""
    ids = [i for i in (ids or []) if i]
    if not ids:
        return '<div class="nq-report nq-bad">Pick the articles to delete first.</div>'
    try:
        gone = sum(1 for i in ids if qa.store.delete_article(i))
    except Exception as exc:
        log.exception("delete failed")
        return f'<div class="nq-report nq-bad">Delete failed: {esc(error_message(exc))}</div>'
    return f'<div class="nq-report nq-ok">Deleted {gone} article{"s" if gone != 1 else ""}.</div>'
