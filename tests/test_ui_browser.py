"""The browser chat in a real headless Chromium (Debian's), driven by Playwright, against app processes
started by the tests: one answering with SmolLM2-135M through `newsqa llm-server`, one extractive.

Every article, page and feed written here is synthetic (invented names, .example domains).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from qa.llm.local import free_port
from tests.app_process import clean_env, start, wait_http
from tests.conftest import ROOT
from tests.llm_endpoint import fake_llm_endpoint

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "screenshot-chat.png"
PHONE_SCREENSHOT = ROOT / "docs" / "screenshot-phone.png"
REFUSED_QUESTION = "What colour is the Kapan consulate's front door?"
SEED_QUESTION = "Where will Russia open a consulate general?"
SEED_DATE = "2025-05-21"
VIEWPORT = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}
START_TIMEOUT = 180.0  # seconds for an app to answer HTTP and finish seeding (2 busy cores)
ANSWER_TIMEOUT_MS = 150_000  # an LLM answer on a loaded 2-core machine

# No skip when the browser is missing: `make test` installs it, and a silent skip would hide the gap.
if not Path(CHROMIUM).exists():
    raise RuntimeError("the browser tests need Debian's chromium: run `make browser`")

# Records every text the last assistant message shows, so streaming can be checked after the fact.
WATCH_JS = """() => {
  window.__nqStates = [];
  const chat = document.querySelector('#nq-chat');
  new MutationObserver(() => {
    const rows = chat.querySelectorAll('.bot-row');
    const text = rows.length ? rows[rows.length - 1].innerText : '';
    const s = window.__nqStates;
    if (text && s[s.length - 1] !== text) s.push(text);
  }).observe(chat, { subtree: true, childList: true, characterData: true });
}"""


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """A fake OpenAI-compatible endpoint whose slow replies keep an answer in progress for 12 s."""
    with fake_llm_endpoint() as url:
        yield url


@pytest.fixture(scope="module")
def apps(tmp_path_factory: pytest.TempPathFactory, endpoint: str) -> Iterator[dict[str, str]]:
    """Start the LLM server and the apps in parallel; yield their URLs by name."""
    work = tmp_path_factory.mktemp("ui")
    newsqa = shutil.which("newsqa", path=str(Path(sys.executable).parent)) or "newsqa"
    # The feed and page tests fetch from a server on 127.0.0.1, which the fetch guard refuses by default.
    base = clean_env() | {"NEWSQA_ALLOW_PRIVATE_URLS": "true"}
    llm_port, llm_app_port, ex_app_port, slow_app_port = free_port(), free_port(), free_port(), free_port()
    procs = [
        start(
            "llm-server",
            [newsqa, "llm-server", "--port", str(llm_port)],
            base | {"NEWSQA_HOME": str(work / "llm-home"), "NEWSQA_LLM_MODEL": "smollm2-135m"},
            work,
        ),
        # `newsqa serve` for one app and `python app.py` for the other: both entry points are used.
        start(
            "app-llm",
            [newsqa, "serve"],
            base
            | {
                "NEWSQA_HOME": str(work / "home-llm"),
                "NEWSQA_PORT": str(llm_app_port),
                "NEWSQA_LLM": "openai",
                "NEWSQA_LLM_MODEL": "smollm2-135m",
                "OPENAI_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
                "NEWSQA_LLM_MAX_TOKENS": "48",  # short replies keep the test fast; wording is not checked
                "NEWSQA_LLM_SENTENCES": "3",
                "NEWSQA_LLM_TIMEOUT": "120",
                "NEWSQA_THREADS": "1",
            },
            work,
        ),
        start(
            "app-slow",
            [newsqa, "serve"],
            base
            | {
                "NEWSQA_HOME": str(work / "home-slow"),
                "NEWSQA_PORT": str(slow_app_port),
                "NEWSQA_LLM": "openai",
                "NEWSQA_LLM_MODEL": "fake",
                "OPENAI_BASE_URL": f"{endpoint}/slow/v1",
                "NEWSQA_THREADS": "1",
            },
            work,
        ),
        start(
            "app-extractive",
            [sys.executable, str(ROOT / "app.py")],
            base
            | {
                "NEWSQA_HOME": str(work / "home-extractive"),
                "NEWSQA_PORT": str(ex_app_port),
                "NEWSQA_LLM": "extractive",
                "NEWSQA_THREADS": "1",
            },
            work,
        ),
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        wait_http(procs[0], f"http://127.0.0.1:{llm_port}/v1/models", deadline)
        wait_http(procs[1], f"http://127.0.0.1:{llm_app_port}/", deadline)
        wait_http(procs[2], f"http://127.0.0.1:{slow_app_port}/", deadline)
        wait_http(procs[3], f"http://127.0.0.1:{ex_app_port}/", deadline)
        yield {
            "llm": f"http://127.0.0.1:{llm_app_port}",
            "slow": f"http://127.0.0.1:{slow_app_port}",
            "extractive": f"http://127.0.0.1:{ex_app_port}",
        }
    finally:
        for proc in procs:
            proc.stop()
        ARTIFACTS.mkdir(exist_ok=True)
        for proc in procs:  # keep the logs next to the screenshots
            if proc.log.exists():
                shutil.copyfile(proc.log, ARTIFACTS / f"{proc.name}.log")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A local http.server on 127.0.0.1 serving a synthetic RSS feed and news page."""
    root = tmp_path_factory.mktemp("site")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}"
    body = (
        "The Tollan tramway will run a night service on weekends from 7 June, the transport board said. "
        "Trams will leave the central depot every twenty minutes until two in the morning. "
        "The board expects the trial to carry about four thousand passengers a weekend. "
    ) * 2
    (root / "tram.html").write_text(
        "<!doctype html><html><head><title>Night trams for Tollan (synthetic)</title>"
        '<meta property="og:site_name" content="Tollan Tribune (synthetic)">'
        '<meta property="article:published_time" content="2025-05-30T07:00:00Z"></head>'
        f"<body><article><h1>Night trams for Tollan (synthetic)</h1><p>{body}</p>"
        "<p>Night buses will keep running on weekdays.</p></article></body></html>",
        encoding="utf-8",
    )
    items = [
        (
            "Seed bank opens in Verrin (synthetic)",
            "Fri, 02 May 2025 08:00:00 GMT",
            "The Verrin seed bank opened its vault to farmers; it stores 12,000 varieties of grain. "
            "Farmers can borrow seed for one season and return twice as much after the harvest. "
            "The bank was founded by a cooperative of forty farms in the upper valley. "
            "Its vault is kept at four degrees below zero all year round, the cooperative said.",
        ),
        (
            "Verrin choir wins prize (synthetic)",
            "Sat, 03 May 2025 08:00:00 GMT",
            "The Verrin town choir won the regional prize for its recording of folk songs, the jury said. "
            "The choir has sixty members, the youngest of them twelve years old. "
            "Its recording was made in the old wool market hall over three winter evenings. "
            "The prize money will pay for a tour of the coastal towns next spring, the conductor said.",
        ),
    ]
    # Entries carry their full text (no page fetch is needed); links stay on this server all the same.
    entries = "".join(
        f"<item><title>{title}</title><link>{url}/verrin-{i}.html</link><pubDate>{when}</pubDate>"
        f"<description>{text}</description></item>"
        for i, (title, when, text) in enumerate(items)
    )
    (root / "harbour.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>Harbour Notes (synthetic)</title><link>{url}/</link>"
        f"<item><title>Crane for Orrin harbour (synthetic)</title><link>{url}/crane.html</link>"
        "<pubDate>Mon, 12 May 2025 08:00:00 GMT</pubDate><description>Orrin harbour received a new crane "
        "that lifts sixty tonnes, the port office said. It was shipped from the coastal yards in two parts."
        "</description></item></channel></rss>",
        encoding="utf-8",
    )
    (root / "feed.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?><!-- synthetic test feed --><rss version="2.0"><channel>'
        f"<title>Verrin News (synthetic)</title><link>{url}/</link>{entries}</channel></rss>",
        encoding="utf-8",
    )
    yield url
    httpd.shutdown()
    httpd.server_close()


# -- helpers ---------------------------------------------------------------------------------------------


class Session:
    """One browser tab on the app, recording dialogs and page errors."""

    def __init__(
        self,
        browser: Any,
        url: str,
        viewport: dict[str, int] = VIEWPORT,
        permissions: list[str] | None = None,
    ) -> None:
        self.context = browser.new_context(viewport=viewport, permissions=permissions or [])
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._on_dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(url, wait_until="domcontentloaded")
        self.page.wait_for_selector("#nq-status .nq-ready", timeout=START_TIMEOUT * 1000)
        self.page.evaluate(WATCH_JS)

    def _on_dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def bots(self) -> Any:
        """The assistant messages."""
        return self.page.locator("#nq-chat .bot-row")

    def ask(self, question: str, timeout: float = ANSWER_TIMEOUT_MS) -> Any:
        """Ask with the keyboard; wait for the verified answer; return the last assistant message."""
        turn = self.bots().count()
        self.page.evaluate("() => { window.__nqStates = []; }")
        box = self.page.locator("#nq-question textarea")
        box.fill(question)
        box.press("Enter")
        self.page.wait_for_selector(f'#nq-sources .nq-sources.nq-final[data-turn="{turn}"]', timeout=timeout)
        return self.bots().nth(turn)

    def states(self) -> list[str]:
        """Texts the last assistant message went through."""
        return list(self.page.evaluate("() => window.__nqStates"))

    def tab(self, name: str) -> None:
        """Switch tab."""
        self.page.get_by_role("tab", name=name).click()

    def shot(self, name: str) -> None:
        """Screenshot into test-artifacts/."""
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        """Close the browser context."""
        self.context.close()


def _sources(page: Any) -> Any:
    """The cards of the sources panel, one per article."""
    return page.locator("#nq-sources .nq-src")


def _assert_sources_listed(page: Any, date_text: str | None = None) -> None:
    cards = _sources(page)
    assert cards.count() >= 1, "the sources panel lists citations or evidence"
    titles = [cards.nth(i).locator(".nq-src-title").inner_text().strip() for i in range(cards.count())]
    assert all(titles) and len(set(titles)) == len(titles), f"one card per article: {titles}"
    passages = page.locator("#nq-sources .nq-cited")
    ids = sorted(int((passages.nth(i).get_attribute("id") or "")[4:]) for i in range(passages.count()))
    assert ids == list(range(1, len(ids) + 1)), f"every cited passage has its number: {ids}"
    for i in range(cards.count()):
        if date_text:
            assert cards.nth(i).locator("time.nq-date").inner_text() == date_text


def _assert_timeline_matches_sources(page: Any) -> None:
    marks = page.locator("#nq-sources .nq-timeline-svg .nq-mark-cited")
    cited = {marks.nth(i).get_attribute("data-date") for i in range(marks.count())}
    dates = page.locator("#nq-sources .nq-src time.nq-date")
    shown = {dates.nth(i).get_attribute("datetime") for i in range(dates.count())}
    assert cited and cited == shown, (cited, shown)
    svg = page.locator("#nq-sources .nq-timeline-svg")
    assert svg.is_visible() and svg.bounding_box()["y"] < _sources(page).first.bounding_box()["y"]


def _click_citation(s: Session, message: Any) -> str:
    link = message.locator("a.cite").first
    target = (link.get_attribute("href") or "").lstrip("#")
    link.click()
    active = s.page.locator(f'#nq-sources .nq-cited.nq-active[id="{target}"]')
    active.wait_for(state="visible", timeout=10_000)
    return target


# -- the tests -------------------------------------------------------------------------------------------


def test_llm_answer_streams_with_citations_and_follow_up(apps: dict[str, str], browser: Any) -> None:
    from playwright.sync_api import expect

    s = Session(browser, apps["llm"])
    try:
        status = s.page.inner_text("#nq-status")
        assert "Answers: smollm2-135m at 127.0.0.1:" in status and "Index: 1 article, " in status
        message = s.ask(SEED_QUESTION)
        states = s.states()
        s.shot("llm-1-answer")
        # Streamed: the message went through intermediate states (searching, partial tokens) before the end.
        assert len(states) >= 3, states
        assert any("▍" in st for st in states[:-1]), f"no partial text was streamed: {states}"
        assert "▍" not in message.inner_text()
        # Cited (or refused with evidence): either way [n] links and panel entries with title and date.
        assert message.locator("a.cite").count() >= 1
        heading = s.page.inner_text("#nq-sources h3")
        assert heading in ("Sources", "Closest evidence")
        if "Not answered" in message.inner_text():
            assert heading == "Closest evidence"
        _assert_sources_listed(s.page, SEED_DATE)
        target = _click_citation(s, message)
        entry = s.page.locator(f'#nq-sources [id="{target}"]')
        expect(entry.locator("mark")).to_be_visible()
        expect(entry).to_be_in_viewport()
        s.shot("llm-2-citation-clicked")

        follow = s.ask("and when was that?")
        rewritten = follow.locator(".nq-rewritten")
        expect(rewritten).to_be_visible()
        assert rewritten.inner_text().startswith("Searched for: ")
        assert len(rewritten.inner_text()) > len("Searched for: ")
        small = rewritten.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        normal = follow.evaluate("e => parseFloat(getComputedStyle(e.querySelector('.nq-msg')).fontSize)")
        assert small < normal, "the rewritten query is in small print"
        assert 'data-turn="1"' in s.page.inner_html("#nq-sources")
        s.shot("llm-3-follow-up")
        # A citation of the earlier answer brings that answer's sources back into the panel.
        _click_citation(s, s.bots().first)
        assert s.page.locator('#nq-sources .nq-sources[data-turn="0"]').count() == 1
        assert SEED_QUESTION in s.page.inner_text("#nq-sources .nq-for")
        assert s.dialogs == [] and s.errors == []
    finally:
        s.close()


def test_a_question_typed_during_an_answer_is_refused_with_a_message_and_kept(
    apps: dict[str, str], browser: Any
) -> None:
    s = Session(browser, apps["slow"])  # its LLM takes 12 s per reply
    try:
        box = s.page.locator("#nq-question textarea")
        box.fill(SEED_QUESTION)
        box.press("Enter")
        s.page.wait_for_selector("#nq-chat .bot-row", timeout=10_000)  # shown at once, waiting or searching
        box.fill("and when was that?")
        box.press("Enter")
        s.page.get_by_text("Still answering your last question").first.wait_for(
            state="visible", timeout=10_000
        )
        assert box.input_value() == "and when was that?", "what was typed is kept, not dropped"
        s.shot("busy-refusal")
        s.page.wait_for_selector('#nq-sources .nq-final[data-turn="0"]', timeout=ANSWER_TIMEOUT_MS)
        assert s.bots().count() == 1
        box.press("Enter")  # once the answer is done, the kept question goes
        s.page.wait_for_selector('#nq-sources .nq-final[data-turn="1"]', timeout=ANSWER_TIMEOUT_MS)
        assert s.bots().count() == 2 and s.errors == []
    finally:
        s.close()


def test_docs_screenshot_of_a_cited_answer(apps: dict[str, str], browser: Any) -> None:
    s = Session(browser, apps["extractive"])
    try:
        message = s.ask(SEED_QUESTION, timeout=60_000)
        assert "Kapan" in message.inner_text() and "Not answered" not in message.inner_text()
        assert s.page.inner_text("#nq-sources h3") == "Sources"
        _assert_sources_listed(s.page, SEED_DATE)
        _click_citation(s, message)
        assert "Kapan" in s.page.inner_text("#nq-sources #src-1 mark")
        _assert_timeline_matches_sources(s.page)
        s.page.wait_for_timeout(600)  # let the smooth scroll settle before the picture
        DOCS_SCREENSHOT.parent.mkdir(exist_ok=True)
        s.page.screenshot(path=str(DOCS_SCREENSHOT))
        s.shot("extractive-cited-answer")
    finally:
        s.close()


def test_a_refusal_shows_one_card_for_three_passages_of_one_article(
    apps: dict[str, str], browser: Any
) -> None:
    s = Session(browser, apps["extractive"])  # before the upload tests: only the seed article is indexed
    try:
        message = s.ask(REFUSED_QUESTION, timeout=60_000)
        assert "Not answered" in message.inner_text()
        assert s.page.inner_text("#nq-sources h3") == "Closest evidence"
        assert _sources(s.page).count() == 1, "the seed article once, not once per passage"
        card = _sources(s.page).first
        assert card.locator(".nq-cited").count() == 3 and card.locator(".nq-cited mark").count() == 3
        assert card.locator(".nq-src-ns .nq-src-n").all_inner_texts() == ["1", "2", "3"]
        title = card.locator(".nq-src-title").inner_text()
        assert title.startswith("Armenian Foreign Minister") and len(title) <= 91, title
        assert card.get_by_text("No title, outlet or link came with this article.").count() == 1
        assert "outlet unknown" not in card.inner_text() and "no link" not in card.inner_text()
        _assert_timeline_matches_sources(s.page)
        s.shot("refusal-one-card")
    finally:
        s.close()


def test_the_short_answer_comes_first_and_the_wait_is_explained(apps: dict[str, str], browser: Any) -> None:
    s = Session(browser, apps["slow"])  # its LLM writes the reply word by word over 12 s
    try:
        message = s.ask(SEED_QUESTION)
        states = s.states()
        final = message.inner_text()
        assert final.startswith("Kapan") and "reparations are underway" in final
        waiting = [
            st
            for st in states
            if "Searching the articles…" in st or "Reading 5 passages from 1 article…" in st
        ]
        assert waiting, f"the wait says what is happening: {states}"
        seconds = [int(n) for st in states for n in re.findall(r"(\d+) s\b", st)]
        assert seconds and max(seconds) >= 2, f"the elapsed time counts up: {states}"
        early = [i for i, st in enumerate(states) if st.startswith("Kapan") and "reparations" not in st]
        assert early and early[0] < len(states) - 1, f"the short answer shows before the sentence: {states}"
        assert s.errors == []
    finally:
        s.close()


def test_status_line_and_settings_tab_name_the_model(apps: dict[str, str], browser: Any) -> None:
    s = Session(browser, apps["extractive"])
    try:
        status = s.page.inner_text("#nq-status")
        assert "Answers: extractive, no LLM" in status and re.search(
            r"Index: \d+ articles?, \d+ passages", status
        )
        s.tab("Settings")
        table = s.page.locator("#nq-settings table")
        table.wait_for()
        row = table.locator("tr", has_text="NEWSQA_LLM").first
        assert "extractive" in row.inner_text()
        assert "Answers by" in table.inner_text() and "NEWSQA_TOP_K" in table.inner_text()
        assert s.page.locator("#nq-settings input, #nq-settings textarea, #nq-settings select").count() == 0
        s.shot("settings-tab")
    finally:
        s.close()


def test_controls_have_accessible_names(apps: dict[str, str], browser: Any) -> None:
    s = Session(browser, apps["extractive"])
    try:
        s.page.get_by_role("textbox", name="Question").fill(SEED_QUESTION)
        s.page.get_by_role("button", name="Ask", exact=True).click()
        s.page.wait_for_selector('#nq-sources .nq-final[data-turn="0"]', timeout=60_000)
        links = s.bots().first.locator("a.cite")
        assert links.count() >= 1
        for i in range(links.count()):
            n = (links.nth(i).get_attribute("href") or "").removeprefix("#src-")
            assert s.page.get_by_role("link", name=f"Source {n}", exact=True).count() >= 1
        # Sighted readers see [1]: the brackets are drawn by CSS around the number, "Source " is hidden.
        seen = links.first.evaluate(
            "e => [getComputedStyle(e, '::before').content, e.querySelector('.nq-sr').offsetWidth]"
        )
        assert seen[0].startswith('"["') and seen[1] <= 1, seen
        for name in ("Copy answer as Markdown", "Export conversation"):
            assert s.page.get_by_role("button", name=name).is_visible()
        for tab in ("Chat", "Library", "Settings"):
            assert s.page.get_by_role("tab", name=tab).count() == 1
    finally:
        s.close()


def test_a_phone_shows_one_readable_column(apps: dict[str, str], browser: Any) -> None:
    s = Session(browser, apps["extractive"], viewport=PHONE)
    try:
        message = s.ask(SEED_QUESTION, timeout=60_000)
        assert "Kapan" in message.inner_text()
        width = s.page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width[0] <= width[1] == PHONE["width"], f"no horizontal scroll: {width}"
        boxes = {
            sel: s.page.locator(sel).bounding_box() for sel in ("#nq-chat", "#nq-question", "#nq-sources")
        }
        for sel, box in boxes.items():
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] + 1, sel
        assert boxes["#nq-chat"]["y"] < boxes["#nq-question"]["y"] < boxes["#nq-sources"]["y"], "one column"
        font = message.evaluate("e => parseFloat(getComputedStyle(e.querySelector('.nq-answer')).fontSize)")
        assert font >= 14, "readable text"
        PHONE_SCREENSHOT.parent.mkdir(exist_ok=True)
        s.page.screenshot(
            path=str(PHONE_SCREENSHOT),
            clip={"x": 0, "y": 0, "width": PHONE["width"], "height": 1800},
            full_page=True,
        )
        s.shot("phone-chat")
        s.tab("Library")
        s.page.locator("#nq-articles table").wait_for()
        width = s.page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert width[0] <= width[1], f"the library fits too: {width}"
        s.shot("phone-library")
    finally:
        s.close()


def test_sessions_do_not_share_chat(apps: dict[str, str], browser: Any) -> None:
    a = Session(browser, apps["extractive"])
    b = Session(browser, apps["extractive"])
    try:
        assert b.bots().count() == 0
        # Both ask at once: the queue serves both, each sees only its own question and answer.
        for s, q in ((a, SEED_QUESTION), (b, "Who was Ararat Mirzoyan's Russian counterpart?")):
            s.page.locator("#nq-question textarea").fill(q)
            s.page.locator("#nq-question textarea").press("Enter")
        for s in (a, b):
            s.page.wait_for_selector('#nq-sources .nq-final[data-turn="0"]', timeout=60_000)
        assert "consulate" in a.page.inner_text("#nq-chat") and "counterpart" not in a.page.inner_text(
            "#nq-chat"
        )
        assert "counterpart" in b.page.inner_text("#nq-chat") and "consulate" not in b.page.inner_text(
            "#nq-chat"
        )
        assert a.bots().count() == 1 and b.bots().count() == 1
        c = Session(browser, apps["extractive"])  # a later visitor starts empty
        try:
            assert c.bots().count() == 0 and c.page.locator("#nq-sources .nq-empty").count() == 1
        finally:
            c.close()
        a.shot("session-a")
        b.shot("session-b")
    finally:
        a.close()
        b.close()


def test_upload_an_article_and_ask_about_it(apps: dict[str, str], browser: Any, tmp_path: Path) -> None:
    good = tmp_path / "observatory.md"
    good.write_text(
        "---\ntitle: Observatory names its telescope (synthetic)\nsource: Orrin Post (synthetic)\n"
        "published: 2025-04-09\nurl: https://orrin-post.example/telescope\n---\n"
        "The Orrin Valley observatory named its new telescope Kestrel on Wednesday, its director said. "
        "The telescope has a mirror four metres wide and was built over six years.\n",
        encoding="utf-8",
    )
    bad = tmp_path / "broken.json"
    bad.write_text('{"title": "no text field"}', encoding="utf-8")
    s = Session(browser, apps["extractive"], permissions=["clipboard-read", "clipboard-write"])
    try:
        s.tab("Library")
        s.page.set_input_files("#nq-files input[type=file]", [str(good), str(bad)])
        s.page.locator("#nq-files").get_by_text("broken").wait_for(timeout=20_000)
        s.page.click("#nq-add-files")
        report = s.page.locator("#nq-report .nq-report")
        report.wait_for(timeout=60_000)
        text = report.inner_text()
        assert "Added 1 article" in text
        assert "broken.json" in text and "missing or empty 'text' field" in text
        s.page.locator("#nq-articles").get_by_text("Observatory names its telescope (synthetic)").wait_for()
        s.shot("library-upload")

        s.tab("Chat")
        message = s.ask("What did the Orrin Valley observatory name its new telescope?", timeout=60_000)
        assert "Kestrel" in message.inner_text()
        assert message.locator("a.cite").count() >= 1
        first = _sources(s.page).first
        assert "Observatory names its telescope (synthetic)" in first.inner_text()
        assert "Orrin Post (synthetic)" in first.inner_text() and "2025-04-09" in first.inner_text()
        assert first.locator("a.nq-link").get_attribute("href") == "https://orrin-post.example/telescope"
        s.shot("chat-uploaded-article")

        # The answer copied as Markdown, and the conversation exported, with numbered, linked sources.
        link = "[Observatory names its telescope (synthetic)](https://orrin-post.example/telescope)"
        s.page.get_by_role("button", name="Copy answer as Markdown").click()
        s.page.locator("#nq-sources .nq-copied", has_text="Copied").wait_for(timeout=5_000)
        copied = s.page.evaluate("() => navigator.clipboard.readText()")
        assert copied.startswith(
            "## What did the Orrin Valley observatory name its new telescope?\n\n**Kestrel**"
        )
        assert f"Sources:\n\n1. {link} (Orrin Post (synthetic), 2025-04-09)" in copied and "[1]" in copied
        with s.page.expect_download() as download:
            s.page.get_by_role("button", name="Export conversation").click()
        assert download.value.suggested_filename == "newsqa-conversation.md"
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert (
            exported.startswith("# NewsQA conversation\n\n## What did the Orrin Valley") and link in exported
        )
    finally:
        s.close()


def test_feed_and_page_urls_are_ingested(apps: dict[str, str], browser: Any, site: str) -> None:
    s = Session(browser, apps["extractive"])
    try:
        s.tab("Library")
        report = s.page.locator("#nq-report .nq-report")

        def add(url: str) -> str:
            before = report.inner_text() if report.count() else ""
            s.page.locator("#nq-url textarea").fill(url)
            s.page.click("#nq-add-url")
            s.page.wait_for_function(
                "b => (document.querySelector('#nq-report .nq-report') || {}).innerText !== b",
                arg=before,
                timeout=60_000,
            )
            return report.inner_text()

        assert "Added 2 articles" in add(f"{site}/feed.xml")
        assert "Added 1 article" in add(f"{site}/tram.html")
        failed = add(f"{site}/missing.xml")
        assert "HTTP 404" in failed and "/missing.xml" in failed
        table = s.page.inner_text("#nq-articles")
        for title in (
            "Seed bank opens in Verrin (synthetic)",
            "Verrin choir wins prize (synthetic)",
            "Night trams for Tollan (synthetic)",
        ):
            assert title in table
        s.shot("library-feed-and-page")

        # The new outlets are offered as filters; a question limited to one outlet is answered from it.
        s.tab("Chat")
        s.page.locator("#nq-filters").get_by_text("Filters").click()
        s.page.click("#nq-outlets input")
        options = s.page.locator("#nq-outlets [role=option]")
        options.first.wait_for()
        offered = " | ".join(options.all_inner_texts())
        assert "Verrin News (synthetic)" in offered and "Tollan Tribune (synthetic)" in offered
        options.filter(has_text="Verrin News (synthetic)").click()
        s.page.keyboard.press("Escape")
        message = s.ask("How many varieties of grain does the Verrin seed bank store?", timeout=60_000)
        assert "12,000" in message.inner_text()
        panel = s.page.inner_text("#nq-sources")
        assert (
            "Seed bank opens in Verrin (synthetic)" in panel and "outlets: Verrin News (synthetic)" in panel
        )
        assert "Tollan" not in panel
        s.shot("chat-outlet-filter")
    finally:
        s.close()


def test_hostile_article_renders_inert(apps: dict[str, str], browser: Any, tmp_path: Path) -> None:
    payload = "<script>window.__nqXss=1;alert('script')</script>"
    record = {
        "id": "synthetic-xss",
        "title": f"{payload} Portvale gala <img src=x onerror=\"window.__nqXss=1;alert('img')\">",
        "source": '<b onmouseover="window.__nqXss=1">Evil Times</b>',
        "url": "javascript:window.__nqXss=1",
        "published": "2025-06-01",
        "text": (
            "The Portvale harbour gala opens on 12 June <img src=x onerror=\"window.__nqXss=1;alert('i')\"> "
            f"with fireworks over the quay. {payload} Tickets cost $$5 [link](javascript:alert(1)) "
            '<svg onload="window.__nqXss=1"></svg> and {{7*7}} children go free.'
        ),
    }
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    s = Session(browser, apps["extractive"])
    try:
        s.tab("Library")
        s.page.set_input_files("#nq-files input[type=file]", [str(path)])
        s.page.locator("#nq-files").get_by_text("hostile").wait_for(timeout=20_000)
        s.page.click("#nq-add-files")
        s.page.locator("#nq-articles").get_by_text("Portvale gala", exact=False).wait_for(timeout=60_000)
        assert "<script>window.__nqXss=1" in s.page.inner_text("#nq-articles")

        s.tab("Chat")
        message = s.ask("When does the Portvale harbour gala open?", timeout=60_000)
        s.page.wait_for_timeout(500)  # give any injected handler a chance to run
        panel = s.page.inner_text("#nq-sources")
        assert "<script>window.__nqXss=1;alert('script')</script>" in panel, "the payload shows as text"
        assert "<img src=x onerror=" in panel and "$$5" in panel and "{{7*7}}" in panel
        assert s.page.locator("#nq-sources").get_by_text("<script>", exact=False).first.is_visible()
        assert "<img src=x" in message.inner_text() or "Portvale" in message.inner_text()
        assert s.page.evaluate("() => typeof window.__nqXss") == "undefined"
        assert (
            s.page.locator(
                "#nq-sources script, #nq-sources img, #nq-sources svg:not(.nq-timeline-svg), #nq-chat script"
            ).count()
            == 0
        )
        assert s.page.locator("#nq-sources .nq-timeline-svg [onload], #nq-sources [onerror]").count() == 0
        assert s.page.locator("#nq-sources a[href^='javascript']").count() == 0
        s.shot("xss-inert")

        # Delete it again from the library.
        s.tab("Library")
        s.page.click("#nq-delete-pick input")
        s.page.locator("#nq-delete-pick [role=option]", has_text="Portvale gala").click()
        s.page.click("#nq-delete")
        s.page.locator("#nq-report").get_by_text("Deleted 1 article").wait_for(timeout=30_000)
        assert "Portvale" not in s.page.inner_text("#nq-articles")
        assert s.dialogs == [] and s.errors == []
        assert s.page.evaluate("() => typeof window.__nqXss") == "undefined"
    finally:
        s.close()


def test_follow_a_feed_in_the_library_and_see_its_status(
    apps: dict[str, str], browser: Any, site: str
) -> None:
    s = Session(browser, apps["extractive"])
    try:
        s.tab("Library")
        report = s.page.locator("#nq-report .nq-report")
        feeds = s.page.locator("#nq-feeds")

        def follow(url: str, every: str) -> str:
            before = report.inner_text() if report.count() else ""
            s.page.get_by_role("textbox", name="Page or RSS/Atom feed URL").fill(url)
            s.page.click("#nq-every input")
            s.page.locator("#nq-every [role=option]", has_text=every).click()
            s.page.get_by_role("button", name="Follow this feed").click()
            s.page.wait_for_function(
                "b => (document.querySelector('#nq-report .nq-report') || {}).innerText !== b",
                arg=before,
                timeout=60_000,
            )
            return report.inner_text()

        url = f"{site}/harbour.xml"
        out = follow(url, "every hour")
        assert f"Following {url}, checked every 1h. Checked now: added 1 article" in out
        row = feeds.locator("tr", has_text=url)
        row.wait_for()
        cells = row.locator("td").all_inner_texts()
        when = r"\d{4}-\d\d-\d\d \d\d:\d\d"
        assert cells[1] == "1h" and all(re.fullmatch(when, c) for c in cells[2:5]) and cells[5] == "OK", cells
        assert "Crane for Orrin harbour (synthetic)" in s.page.inner_text("#nq-articles")
        missing = f"{site}/gone.xml"
        assert "The first check failed" in follow(missing, "every day")
        failed = feeds.locator("tr", has_text=missing).locator("td").all_inner_texts()
        assert failed[1] == "1d" and failed[5].startswith("Failed once: ") and "HTTP 404" in failed[5], failed
        s.shot("library-followed-feeds")
        s.page.click("#nq-unfollow-pick input")
        s.page.locator("#nq-unfollow-pick [role=option]", has_text="gone.xml").click()
        s.page.get_by_role("button", name="Unfollow").click()
        s.page.locator("#nq-report").get_by_text("Unfollowed").wait_for(timeout=30_000)
        assert missing not in feeds.inner_text() and url in feeds.inner_text()
        assert s.errors == []
    finally:
        s.close()
