"""qa/chat without a browser: streaming, citations into the sources panel, escaping, errors, library."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

import pytest

from index.models import Article, ArticleInfo
from index.store.base import StoreError
from qa import chat
from qa.chat.render import sources_html
from qa.llm.base import LLM, Message
from qa.llm.local import free_port
from qa.llm.openai_chat import OpenAIChatLLM
from qa.models import Answer, Citation
from qa.settings import Settings
from tests.conftest import SEEDS
from tests.fakes import FakeLLM, MemoryStore

SEED_QUESTION = "Where will Russia open a consulate general?"
KAPAN_REPLY = (
    "Answer: Kapan\nExplanation: Preparations are underway to open a Russian Consulate General in Kapan [1]."
)
XSS_TITLE = "<script>window.__xss=1</script> Harbour <b>gala</b>"
XSS_TEXT = (
    'The Portvale harbour gala <img src=x onerror="window.__xss=1"> opens on 12 June with fireworks. '
    "Organisers said <script>alert('xss')</script> tickets cost $$5 and *free* for children [1]."
)


def _run(qa, session: chat.ChatSession, question: str, **kw) -> list[list[Message]]:
    """Every chat state the UI would show while answering."""
    return [s.messages() for s in chat.ask(qa, session, question, **kw)]


def _assert_inert(markup: str) -> None:
    """No tag or handler from article text survives as markup."""
    assert "<script" not in markup.lower()
    assert "<img" not in markup.lower()
    assert "<b>" not in markup


@pytest.fixture
def llm_qa(make_qa):
    """A seeded NewsQA answering with a scripted LLM (replies given per test)."""

    def build(replies: Sequence[str] | str):
        qa = make_qa(FakeLLM(replies), llm="openai")
        qa.ingest([SEEDS], progress=False)
        return qa

    return build


# -- escaping --------------------------------------------------------------------------------------------


def test_esc_makes_markup_and_markdown_inert() -> None:
    out = chat.esc("<script>x</script> *bold* [a](javascript:y) $$x$$ {{7*7}} ${1} a_b `c` @me")
    assert "<" not in out and ">" not in out
    for ch in "*[]()$`{}_@":
        if ch not in "()":
            assert ch not in out, ch
    assert out.startswith("&lt;script&gt;")


def test_safe_href_only_allows_http_urls() -> None:
    assert chat.safe_href("javascript:alert(1)") is None
    assert chat.safe_href("data:text/html,<b>") is None
    assert chat.safe_href('https://x.example/a?b=1&c="2"') == "https://x.example/a?b=1&amp;c=&quot;2&quot;"


def test_passage_highlights_exactly_the_quoted_span() -> None:
    passage = "First <b>sentence</b>. The cited one & more. Last."
    quote = "The cited one & more."
    start = 100 + passage.index(quote)
    c = Citation(1, ArticleInfo("a", "T", "S"), "c", quote, start, start + len(quote), passage, 100)
    out = chat.passage_html(c)
    assert out.count("<mark>") == 1
    assert re.findall(r"<mark>(.*)</mark>", out) == ["The cited one &amp; more."]
    assert "&lt;b&gt;sentence&lt;/b&gt;" in out


def test_passage_with_wrong_offsets_still_marks_the_quote() -> None:
    c = Citation(2, ArticleInfo("a", "T", "S"), "c", "quote here", 5, 15, "before quote here after", 900)
    assert "<mark>quote here</mark>" in chat.passage_html(c)


# -- streaming and citations -----------------------------------------------------------------------------


def test_answer_streams_then_shows_cited_final_answer(llm_qa) -> None:
    qa = llm_qa(KAPAN_REPLY)
    session = chat.ChatSession()
    states = _run(qa, session, SEED_QUESTION)
    bots = [s[-1]["content"] for s in states]
    assert any("Searching the articles" in b for b in bots)
    streamed = [b for b in bots if "nq-streaming" in b]
    assert len(streamed) >= 2, "partial texts are shown as they come"
    final = bots[-1]
    assert "nq-streaming" not in final and "Kapan" in final
    assert '<a href="#src-1" class="cite turn-0"' in final
    turn = session.turns[0]
    assert turn.stage == "done" and turn.answer is not None and not turn.answer.refused
    panel = session.panel()
    assert 'class="nq-sources nq-final" data-turn="0"' in panel
    assert '<article class="nq-src" id="card-1">' in panel and '<div class="nq-cited" id="src-1">' in panel
    assert '<time class="nq-date" datetime="2025-05-21">2025-05-21</time>' in panel
    marked = re.findall(r"<mark>(.*?)</mark>", panel)
    assert marked and "Kapan" in marked[0]
    assert [m["role"] for m in states[-1]] == ["user", "assistant"]


def test_every_citation_number_in_the_text_has_a_panel_entry(llm_qa) -> None:
    qa = llm_qa(KAPAN_REPLY)
    session = chat.ChatSession()
    _run(qa, session, SEED_QUESTION)
    message, panel = session.messages()[-1]["content"], session.panel()
    linked = set(re.findall(r'href="#src-(\d+)"', message))
    entries = set(re.findall(r'id="src-(\d+)"', panel))
    assert linked and linked == entries


def test_refused_answer_says_so_and_lists_the_closest_evidence(llm_qa) -> None:
    qa = llm_qa("Answer: unknown\nExplanation: The sources do not say.")
    session = chat.ChatSession()
    _run(qa, session, "What colour is the Kapan consulate's front door?")
    message, panel = session.messages()[-1]["content"], session.panel()
    assert "Not answered" in message and "The articles do not say." in message
    assert 'href="#src-1"' in message
    assert "<h3>Closest evidence</h3>" in panel and panel.count('class="nq-src"') >= 1


def test_follow_up_is_rewritten_and_the_searched_query_is_shown(llm_qa) -> None:
    rewrite = "When will Russia open its consulate general in Kapan?"
    qa = llm_qa([KAPAN_REPLY, rewrite, KAPAN_REPLY])
    session = chat.ChatSession()
    _run(qa, session, SEED_QUESTION)
    _run(qa, session, "and when was that?")
    assert session.turns[1].query == rewrite
    message = session.messages()[-1]["content"]
    assert (
        '<div class="nq-rewritten">Searched for: When will Russia open its consulate general in Kapan?</div>'
        in message
    )
    # The rewrite prompt saw the first turn, without citation markers.
    rewrite_prompt = qa.llm.calls[1][-1]["content"]
    assert SEED_QUESTION in rewrite_prompt and "[1]" not in rewrite_prompt
    # Citations of the second answer point at the second turn's panel.
    assert "cite turn-1" in message
    assert session.turn_of_message(1) == 0 and session.turn_of_message(3) == 1
    assert 'data-turn="0"' in session.panel(0) and 'data-turn="1"' in session.panel()


def test_history_keeps_the_last_turns_only() -> None:
    session = chat.ChatSession()
    for i in range(5):
        answer = Answer(f"q{i}", f"a{i} [1].", "", (), False)
        session.turns.append(chat.Turn(question=f"q{i}", answer=answer, stage="done"))
    assert session.history() == [("q2", "a2."), ("q3", "a3."), ("q4", "a4.")]


# -- errors become messages ------------------------------------------------------------------------------


def test_unreachable_llm_gives_a_clear_message_and_the_evidence(make_qa) -> None:
    dead = OpenAIChatLLM(
        "m", base_url=f"http://127.0.0.1:{free_port()}/v1", api_key=None, timeout=3, max_retries=0
    )
    qa = make_qa(dead, llm="openai")
    qa.ingest([SEEDS], progress=False)
    session = chat.ChatSession()
    _run(qa, session, SEED_QUESTION)
    message, panel = session.messages()[-1]["content"], session.panel()
    assert "Answer unavailable" in message and "Cannot reach the LLM" in message
    assert "Traceback" not in message
    assert "<h3>Closest evidence</h3>" in panel and 'id="src-1"' in panel


class _Exploding(LLM):
    name = "exploding"

    def stream(self, messages: Sequence[Message], *, max_tokens: int, temperature: float) -> Iterator[str]:
        yield "Answer: "
        raise ValueError("secret internal detail")


def test_unexpected_failure_is_a_message_not_a_traceback(make_qa, caplog) -> None:
    qa = make_qa(_Exploding(), llm="openai")
    qa.ingest([SEEDS], progress=False)
    session = chat.ChatSession()
    _run(qa, session, SEED_QUESTION)
    message = session.messages()[-1]["content"]
    assert "Something went wrong while answering (ValueError)" in message
    assert "secret internal detail" not in message and "Traceback" not in message
    assert 'href="#src-1"' in message, "the retrieved passages are still offered as evidence"
    assert "secret internal detail" in caplog.text, "the details go to the server log"


def test_misconfigured_llm_error_is_shown_with_evidence(make_qa) -> None:
    qa = make_qa("auto", llm="openai", openai_api_key=None, openai_base_url=None)
    qa.ingest([SEEDS], progress=False)
    session = chat.ChatSession()
    _run(qa, session, SEED_QUESTION)
    message, panel = session.messages()[-1]["content"], session.panel()
    assert "Answer unavailable" in message and "OPENAI&#95;API&#95;KEY" in message
    assert 'id="src-1"' in panel


def test_question_problems_are_chat_messages(seeded) -> None:
    session = chat.ChatSession()
    assert _run(seeded, session, "   ") == [] and session.turns == []  # an empty submit does nothing
    _run(seeded, session, "x" * 3000)
    assert "limit is 2,000" in session.messages()[-1]["content"]
    _run(seeded, session, SEED_QUESTION, since="2025-13-01")
    assert "must look like 2025-05-21" in session.messages()[-1]["content"]
    _run(seeded, session, SEED_QUESTION, since="2025-06-01", as_of="2025-01-01")
    assert "is after the" in session.messages()[-1]["content"]
    assert all(t.stage == "failed" for t in session.turns)


# -- filters ---------------------------------------------------------------------------------------------


def test_parse_filters() -> None:
    f = chat.parse_filters("2025-01-02", "2025-05-30 00:00:00", ["A", "", "A", "B"])
    assert f == chat.Filters(date(2025, 1, 2), date(2025, 5, 30), ("A", "B"))
    assert chat.parse_filters(None, "", None) == chat.Filters()
    assert "from 2025-01-02" in f.describe() and "outlets: A, B" in f.describe()
    with pytest.raises(chat.FilterError):
        chat.parse_filters("yesterday")


def test_filters_reach_retrieval(seeded) -> None:
    session = chat.ChatSession()
    _run(seeded, session, SEED_QUESTION, as_of="2025-05-20")
    turn = session.turns[-1]
    assert turn.answer is not None and turn.answer.refused and turn.evidence == ()
    assert "No passage matched." in session.panel() and "as of 2025-05-20" in session.panel()
    assert "No article matches the filters (as of 2025-05-20)" in session.messages()[-1]["content"]
    _run(seeded, session, SEED_QUESTION, since="2025-05-21", as_of="2025-05-21")
    assert session.turns[-1].answer is not None and not session.turns[-1].answer.refused
    _run(seeded, session, SEED_QUESTION, outlets=["No Such Outlet"])
    assert session.turns[-1].evidence == ()


# -- untrusted article text ------------------------------------------------------------------------------


def test_hostile_article_renders_as_text_everywhere(make_qa) -> None:
    qa = make_qa()
    art = Article(
        id="xss-1",
        text=XSS_TEXT,
        title=XSS_TITLE,
        url="javascript:alert(1)",
        source="<i>Evil</i> Times",
        published=date(2025, 6, 1),
    )
    qa.ingest_articles([art], progress=False)
    session = chat.ChatSession()
    _run(qa, session, "When does the Portvale harbour gala open?")
    message, panel = session.messages()[-1]["content"], session.panel()
    assert 'href="#src-1"' in message
    for markup in (message, panel, chat.articles_html(qa)):
        _assert_inert(markup)
    assert "&lt;img src=x" in message
    assert "&lt;script&gt;" in panel and "&lt;script&gt;" in chat.articles_html(qa)
    assert 'href="javascript' not in panel and 'href="javascript' not in chat.articles_html(qa)
    assert "&lt;i&gt;Evil&lt;/i&gt; Times" in panel
    assert "&#36;&#36;5" in panel and "&#42;free&#42;" in panel  # no LaTeX, no Markdown
    # The question is untrusted too.
    _run(qa, session, "<img src=x onerror=alert(1)> gala?")
    assert "<img" not in session.messages()[-2]["content"]


def test_hostile_citation_fields_are_escaped() -> None:
    info = ArticleInfo("a", '"><script>x</script>', "<b>", 'https://x.example/"onmouseover="y')
    c = Citation(1, info, "c", "", 0, 0, "<p>", 0)
    out = chat.source_entry_html(c)
    assert "<script" not in out and "<b>" not in out and "<p>" not in out
    assert 'href="https://x.example/&quot;onmouseover=&quot;y"' in out


# -- startup and library ---------------------------------------------------------------------------------


def test_startup_seeds_an_empty_index(make_qa) -> None:
    qa = make_qa()
    startup = chat.Startup(qa, SEEDS)
    assert "nq-busy" in chat.status_html(qa, startup)
    startup.run()
    assert startup.wait(0) and startup.settled and startup.problem == "" and startup.llm_problem == ""
    assert qa.store.count_articles() == 1
    status = chat.status_html(qa, startup)
    assert "Answers&#58; extractive, no LLM" in status and "Index&#58; 1 article, " in status
    chat.Startup(qa, SEEDS).run()  # a second start leaves the index as it is
    assert qa.store.count_articles() == 1


def test_startup_warms_up_the_reader_without_asking_the_llm(make_qa, caplog) -> None:
    from tests.fakes import FakeLLM

    llm = FakeLLM("never asked")
    qa = make_qa(llm)
    caplog.set_level("INFO", logger="newsqa.chat")
    chat.Startup(qa, SEEDS).run()
    assert any(r.getMessage().startswith("warmed up in") for r in caplog.records)
    assert llm.calls == []  # a paid endpoint is not charged for a warm-up


class _BrokenStore(MemoryStore):
    def count_chunks(self) -> int:
        raise StoreError("the disk is full")


def test_startup_problem_is_reported(settings) -> None:
    from qa.pipeline import NewsQA
    from tests.fakes import FakeEmbedder

    qa = NewsQA(settings, llm=None, embedder=FakeEmbedder(), store=_BrokenStore())
    startup = chat.Startup(qa, SEEDS)
    startup.run()
    assert startup.indexed.is_set() and "Could not open or seed the article index" in startup.problem
    assert "nq-bad" in chat.status_html(qa, startup)


def test_upload_reports_each_failure_with_its_reason(make_qa, tmp_path: Path) -> None:
    qa = make_qa()
    good = tmp_path / "upload" / "lighthouse.md"
    good.parent.mkdir()
    good.write_text(
        "---\ntitle: Lighthouse restored (synthetic)\nsource: Coast Courier\npublished: 2025-03-04\n---\n"
        "The old lighthouse at Cape Verran was restored by volunteers over two winters.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "upload" / "broken.jsonl"
    bad.write_text('{"text": "ok line", "title": "Fine"}\n{not json\n', encoding="utf-8")
    other = tmp_path / "upload" / "scan.pdf"
    other.write_bytes(b"%PDF-1.4")
    seen: list[tuple[float, str]] = []
    report = chat.ingest_files(
        qa, [str(good), str(bad), str(other)], on_progress=lambda d, t: seen.append((d, t))
    )
    assert "Added 2 articles" in report and "2 failures" in report
    assert "<code>broken.jsonl, line 2</code>: invalid JSON" in report
    assert "<code>scan.pdf</code>: unsupported file type" in report
    assert str(tmp_path) not in report, "temp folders of uploads are not shown"
    assert seen[0][0] == 0.0 and seen[-1][0] == 1.0, "the fraction runs from 0 to 1"
    assert seen[-1][1].startswith("broken.jsonl (2/2): 1/1 articles"), seen[-1]
    assert "overall 100%: 2 articles" in seen[-1][1] and "chunks" in seen[-1][1]
    assert all(str(tmp_path) not in line for _, line in seen), "progress shows the uploads' own names"
    table = chat.articles_html(qa)
    assert "Lighthouse restored (synthetic)" in table and "Coast Courier" in table and "2025-03-04" in table
    assert chat.outlet_choices(qa) == ["Coast Courier"]
    ids = [i for label, i in chat.article_choices(qa) if label.startswith("Lighthouse")]
    assert "Deleted 1 article" in chat.delete_articles(qa, ids)
    assert "Lighthouse" not in chat.articles_html(qa)
    assert "Pick the articles" in chat.delete_articles(qa, [])
    assert "Choose one or more files" in chat.ingest_files(qa, [])


def test_url_ingest_failure_is_reported(make_qa) -> None:
    qa = make_qa()
    out = chat.ingest_url(qa, "ftp://files.example/feed.xml")
    assert "nq-bad" in out and "Only http and https" in out
    assert "Enter the URL" in chat.ingest_url(qa, "  ")


def test_describe_llm() -> None:
    assert "extractive" in chat.describe_llm(Settings(llm="extractive"))
    assert chat.describe_llm(Settings(llm="local", llm_model="smollm2-135m")) == "local model smollm2-135m"
    s = Settings(llm="openai", llm_model="m", openai_base_url="http://127.0.0.1:9/v1")
    assert chat.describe_llm(s) == "m at 127.0.0.1:9"


def test_sources_panel_lists_copies_escaped() -> None:
    copy = ArticleInfo("b", "T", "<b>Wire</b>", "javascript:alert(1)", published=date(2024, 10, 11))
    other = ArticleInfo("c", "T", "Bayside Times", "https://bayside.example/x")
    herald = ArticleInfo("a", "T", "Herald", "https://h.example", published=date(2024, 10, 10))
    c = Citation(1, herald, "a:0", "q", also_reported_by=(copy, other))
    html = chat.also_html(c)
    assert "&lt;b&gt;Wire&lt;/b&gt; (2024-10-11)" in html and "<b>Wire" not in html
    assert "javascript:" not in html and 'href="https://bayside.example/x"' in html
    assert chat.also_html(Citation(1, ArticleInfo("a", "T", "H"), "a:0", "q")) == ""


# -- sources grouped by article, readable titles, the timeline, Markdown ---------------------------------

LOADER_TITLE = (
    "YEREVAN—Armenian Foreign Minister Ararat Mirzoyan and his Russian counterpart Sergey Lavrov held "
    "wide-ranging talks in…"
)


def _cite(n: int, info: ArticleInfo, quote: str = "q", **kw) -> Citation:
    return Citation(n, info, f"{info.id}:{n}", quote, **kw)


def test_a_refusal_with_three_passages_of_one_article_shows_one_card(seeded) -> None:
    session = chat.ChatSession()
    _run(seeded, session, "What colour is the Kapan consulate's front door?")
    turn = session.turns[-1]
    assert turn.answer is not None and turn.answer.refused
    assert len(turn.evidence) == 3 and len({c.article_id for c in turn.evidence}) == 1
    panel = session.panel()
    assert panel.count('class="nq-src"') == 1, "one card for the one article"
    assert re.findall(r'class="nq-cited" id="src-(\d+)"', panel) == ["1", "2", "3"]
    assert panel.count("<mark>") == 3, "each passage has its sentence highlighted"
    assert panel.count("No title, outlet or link came with this article.") == 1
    assert "outlet unknown" not in panel and "no link" not in panel


def test_cards_follow_citation_order_and_hold_their_story_copies() -> None:
    a = ArticleInfo("a", "Harbour reopens", "Herald", "https://h.example/a", published=date(2025, 3, 2))
    b = ArticleInfo("b", "Crane arrives", "Courier", "https://c.example/b", published=date(2025, 3, 1))
    copy = ArticleInfo("a2", "Harbour reopens", "Wire", "https://w.example/a2", published=date(2025, 3, 3))
    cites = [_cite(3, a, also_reported_by=(copy, b)), _cite(1, a, also_reported_by=(copy,)), _cite(2, b)]
    cards = chat.source_cards(cites)
    assert [card.article.id for card in cards] == ["a", "b"]
    assert [card.numbers for card in cards] == [[1, 3], [2]]
    assert [x.id for x in cards[0].also] == ["a2"], "a copy once; a cited article is its own card"
    assert cards[0].missing == [] and cards[0].titled
    html = chat.card_html(cards[0])
    assert html.count("Also reported by") == 1 and 'href="https://w.example/a2"' in html
    assert "nq-missing" not in html


def test_untitled_articles_get_a_readable_title() -> None:
    opening = LOADER_TITLE.removesuffix("…") + " Yerevan on May 20–21. More text follows."
    title, given = chat.readable_title(ArticleInfo("s", LOADER_TITLE), opening)
    assert not given and title.startswith("Armenian Foreign Minister") and "YEREVAN" not in title
    assert title.endswith("…") and len(title) <= 91 and not title[:-1].endswith(" ")
    # Without the opening passage, the loader's cut title is still recognised and shortened.
    assert chat.readable_title(ArticleInfo("s", LOADER_TITLE))[0] == title
    short = ArticleInfo("t", "", url="https://x.example/news/tram-night.html")
    assert chat.readable_title(short) == ("tram-night.html", False)
    assert chat.readable_title(ArticleInfo("u", "")) == ("Untitled article", False)
    first_line = ArticleInfo("v", "The crane arrived on Monday.")
    assert chat.readable_title(first_line, "The crane arrived on Monday. It is red.") == (
        "The crane arrived on Monday",
        False,
    )
    assert chat.readable_title(ArticleInfo("w", "Crane arrives"), "The crane came.") == (
        "Crane arrives",
        True,
    )
    card = chat.source_cards([_cite(1, ArticleInfo("x", "", published=date(2025, 1, 2)))])[0]
    assert card.missing == ["title", "outlet", "link"]


def test_timeline_marks_cited_and_other_dates() -> None:
    def info(i: str, day: date | None) -> ArticleInfo:
        return ArticleInfo(i, f"T{i}", published=day)

    cited = [info("a", date(2025, 5, 21)), info("b", date(2025, 5, 1))]
    retrieved = [*cited, info("c", date(2025, 4, 21)), info("d", date(2025, 5, 21)), info("e", None)]
    line = chat.timeline(cited, retrieved)
    assert line is not None and (line.first, line.last) == (date(2025, 4, 21), date(2025, 5, 21))
    assert (line.cited, line.others, line.undated) == (2, 2, 1)
    assert line.cited_days == [date(2025, 5, 1), date(2025, 5, 21)]
    xs = {(m.day, m.cited): m.x for m in line.marks}
    assert xs[(date(2025, 4, 21), False)] == line.start and xs[(date(2025, 5, 21), True)] == line.end
    assert line.start < xs[(date(2025, 5, 1), True)] < line.end
    assert [m.cited for m in line.marks] == [False, False, True, True], "cited marks drawn last, on top"
    assert chat.timeline([info("x", None)], []) is None
    one = chat.timeline([info("a", date(2025, 5, 21))], [])
    assert one is not None and [m.x for m in one.marks] == [one.width / 2]


def test_the_panel_timeline_matches_the_cards_dates(seeded) -> None:
    session = chat.ChatSession()
    _run(seeded, session, SEED_QUESTION)
    panel = session.panel()
    cited = re.findall(r'class="nq-mark nq-mark-cited"[^>]*data-date="([\d-]+)"', panel)
    cards = re.findall(r'<time class="nq-date" datetime="([\d-]+)"', panel)
    assert cited and sorted(set(cited)) == sorted(set(cards))
    assert panel.index("nq-timeline") < panel.index('class="nq-src"'), "the timeline is above the sources"
    assert panel.count("<svg") == 1 and "<title>2025-05-21: 1 cited article</title>" in panel


def test_timeline_and_cards_of_hostile_metadata_stay_inert() -> None:
    evil = ArticleInfo("e", XSS_TITLE, "<b>Evil</b>", "javascript:alert(1)", published=date(2025, 6, 1))
    turn = chat.Turn(question="<img src=x>", stage="done", evidence=(_cite(1, evil, "<script>q"),))
    turn.answer = Answer("q", "The articles do not say.", "", turn.evidence, True)
    panel = sources_html(turn, 0, chat.conversation_markdown([turn]))
    _assert_inert(panel)
    assert 'href="javascript' not in panel and "&lt;script&gt;" in panel
    svg = panel[panel.index("<svg") : panel.index("</svg>")]
    assert "Evil" not in svg and "script" not in svg, "the timeline shows dates only"


def test_markdown_of_an_answer_has_numbered_linked_sources(llm_qa) -> None:
    qa = llm_qa(KAPAN_REPLY)
    session = chat.ChatSession()
    _run(qa, session, SEED_QUESTION)
    md = chat.turn_markdown(session.turns[0])
    assert md.startswith(f"## {SEED_QUESTION}\n\n**Kapan**\n\n")
    assert "[1]" in md and "\nSources:\n\n1. Armenian Foreign Minister" in md
    assert "(2025-05-21)" in md and "\n   > He confirmed that preparations are underway" in md
    herald = ArticleInfo("h", "Gala <b>opens</b> [live]", "Herald", "https://h.example/a (1)", published=None)
    turn = chat.Turn(question="When?", stage="done", evidence=(_cite(1, herald, "It opens *today*."),))
    turn.answer = Answer("When?", "It opens today [1].", "today", turn.evidence, False)
    md = chat.turn_markdown(turn)
    assert "1. [Gala \\<b\\>opens\\</b\\> \\[live\\]](https://h.example/a%20%281%29) (Herald)" in md
    assert "> It opens \\*today\\*." in md
    bad = chat.Turn(
        question="x", stage="done", evidence=(_cite(1, ArticleInfo("j", "J", url="javascript:x")),)
    )
    bad.answer = Answer("x", "x [1].", "", bad.evidence, False)
    assert "javascript" not in chat.turn_markdown(bad)


def test_conversation_export_holds_every_turn(llm_qa) -> None:
    qa = llm_qa([KAPAN_REPLY, "When will Russia open its consulate general in Kapan?", KAPAN_REPLY])
    session = chat.ChatSession()
    _run(qa, session, SEED_QUESTION)
    _run(qa, session, "and when was that?")
    md = session.markdown()
    assert md.startswith("# NewsQA conversation\n\n## Where will Russia") and md.count("\n---\n") == 1
    assert "## and when was that?" in md and "*Searched for: When will Russia open" in md
    panel = session.panel()
    assert '<button type="button" class="nq-tool nq-copy">Copy answer as Markdown</button>' in panel
    area = re.search(r'<textarea class="nq-md nq-md-conversation"[^>]*>(.*?)</textarea>', panel, re.S)
    assert area and html.unescape(area.group(1)) == md, "the textarea holds the export, escaped"


def test_the_short_answer_shows_before_the_cited_sentence(llm_qa, seeded) -> None:
    for qa in (llm_qa(KAPAN_REPLY), seeded):
        bots = [s[-1]["content"] for s in _run(qa, chat.ChatSession(), SEED_QUESTION)]
        early = [i for i, b in enumerate(bots) if '<div class="nq-short nq-first">Kapan</div>' in b]
        final = next(i for i, b in enumerate(bots) if "nq-done" in b)
        assert early and early[0] < final and "cite turn-0" not in bots[early[0]]
        assert bots[final].index('class="nq-short"') < bots[final].index('class="nq-answer"')


def test_while_waiting_the_turn_says_what_it_does_and_for_how_long(seeded) -> None:
    bots = [s[-1]["content"] for s in _run(seeded, chat.ChatSession(), SEED_QUESTION)]
    assert any("Searching the articles…" in b and 'class="nq-elapsed">0 s<' in b for b in bots)
    assert any("Reading 5 passages from 1 article…" in b for b in bots)
    turn = chat.Turn(question="q", stage="searching", began=time.monotonic() - 7)
    assert turn.elapsed == 7


def test_settings_panel_shows_effective_settings_and_hides_secrets() -> None:
    s = chat.ChatSettings(
        llm="local", llm_model="smollm2-135m", top_k=7, auth_user="ed", auth_password="hunter22"
    )
    out = html.unescape(chat.settings_html(s))
    assert '<code>NEWSQA_TOP_K</code></td><td class="nq-value">7<' in out
    assert 'Answers by</code></td><td class="nq-value">local model smollm2-135m<' in out
    assert 'Checked by</code></td><td class="nq-value">local model qwen2.5-1.5b<' in out
    off = html.unescape(chat.settings_html(chat.ChatSettings(llm="extractive")))
    assert 'Checked by</code></td><td class="nq-value">off: the reader\'s support alone<' in off
    served = html.unescape(chat.settings_html(chat.ChatSettings(llm="openai")))
    assert 'Checked by</code></td><td class="nq-value">none needed: the LLM writes every answer' in served
    assert "hunter22" not in out and "set (hidden)" in out and "<code>OPENAI_API_KEY</code>" in out
    assert "<input" not in out and "<textarea" not in out, "read-only"


# -- followed feeds in the Library tab -------------------------------------------------------------------


@pytest.fixture
def feed_site(tmp_path: Path) -> Iterator[str]:
    """A synthetic RSS feed on a local http.server."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    items = "".join(
        f"<item><title>Ferry {n} (synthetic)</title><link>https://ferry.example/{n}</link>"
        f"<pubDate>0{n} May 2025 08:00:00 GMT</pubDate><description>The ferry number {n} sails to "
        f"Orrin island at dawn, the harbour office said. It carries forty cars.</description></item>"
        for n in (1, 2)
    )
    (tmp_path / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Ferry News</title>{items}</channel></rss>',
        encoding="utf-8",
    )
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(tmp_path)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_following_a_feed_checks_it_at_once_and_lists_its_status(make_qa, feed_site: str) -> None:
    qa = make_qa(allow_private_urls=True, feed_host_delay=0)
    url = f"{feed_site}/feed.xml"
    out = html.unescape(chat.follow_feed(qa, url, "1h"))
    assert "nq-ok" in out and f"Following {url}, checked every 1h. Checked now: added 2 articles" in out
    assert qa.store.count_articles() == 2 and chat.feed_choices(qa) == [url]
    table = html.unescape(chat.feeds_html(qa))
    assert f'href="{url}"' in table and "<td>1h</td>" in table and ">OK</span>" in table
    assert len(re.findall(r"<td>\d{4}-\d\d-\d\d \d\d:\d\d</td>", table)) == 3, "last check, new article, next"
    assert "Already following" in chat.follow_feed(qa, url, "15m") and "<td>15m</td>" in chat.feeds_html(qa)
    missing = f"{feed_site}/gone.xml"
    out = html.unescape(chat.follow_feed(qa, missing, "1d"))
    assert "nq-warn" in out and "The first check failed" in out and "HTTP 404" in out
    assert "Failed once: " in html.unescape(chat.feeds_html(qa)) and "HTTP 404" in chat.feeds_html(qa)
    assert "Unfollowed" in chat.unfollow_feed(qa, missing) and chat.feed_choices(qa) == [url]
    assert "Not following" in chat.unfollow_feed(qa, missing)
    assert "Pick the feed" in chat.unfollow_feed(qa, None)
    assert "interval like" in chat.follow_feed(qa, url, "often")
    assert "Only http and https" in chat.follow_feed(qa, "ftp://x.example/feed.xml")
