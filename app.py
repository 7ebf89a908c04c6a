"""Browser chat (Gradio): UI wiring only; the logic lives in qa/ (qa/chat.py)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no version check or analytics calls offline

import gradio as gr

from index.loading import SUPPORTED_SUFFIXES
from index.settings import Settings
from qa import chat
from qa.answering import NewsQA

ROOT = Path(__file__).resolve().parent
SEEDS = ROOT / "seeds" / "articles"

EXAMPLES = [
    "Where will Russia open a consulate general?",
    "Who was Ararat Mirzoyan's Russian counterpart in the Yerevan talks?",
    "What is the Crossroads of Peace initiative?",
]

# System fonts only: the default theme fonts come from an outside host, which is unreachable offline.
THEME = gr.themes.Soft(
    primary_hue="indigo",
    neutral_hue="slate",
    font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
    font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
)

CSS = """
.nq-title h1 { margin: 0; font-size: 1.6rem; }
.nq-title p { margin: 2px 0 0; color: var(--body-text-color-subdued); }
.nq-statusline { font-size: .85rem; padding: 4px 10px; border-radius: 6px; display: inline-block;
  margin-top: 4px; }
.nq-statusline.nq-ready { background: var(--color-accent-soft); }
.nq-statusline.nq-busy { background: #fef3c7; color: #92400e; }
.nq-statusline.nq-bad, .nq-report.nq-bad, .nq-error { background: #fee2e2; color: #991b1b; }
.nq-spinner { display: inline-block; width: .8em; height: .8em; margin-right: 6px; border-radius: 50%;
  border: 2px solid currentColor; border-right-color: transparent; animation: nq-spin .8s linear infinite; }
@keyframes nq-spin { to { transform: rotate(360deg); } }
.nq-rewritten { font-size: .78rem; color: var(--body-text-color-subdued); margin-bottom: 6px; }
.nq-status { color: var(--body-text-color-subdued); font-style: italic; }
.nq-cursor { animation: nq-blink 1s steps(2) infinite; margin-left: 1px; }
@keyframes nq-blink { to { opacity: 0; } }
.nq-short { margin-top: 8px; font-weight: 600; }
.nq-label { font-weight: 400; color: var(--body-text-color-subdued); }
.nq-note { font-size: .8rem; color: var(--body-text-color-subdued); margin-top: 6px; }
.nq-error { padding: 6px 10px; border-radius: 6px; }
.nq-badge { display: inline-block; font-size: .72rem; font-weight: 600; padding: 1px 7px;
  border-radius: 999px; margin-right: 4px; vertical-align: 1px; }
.nq-badge.nq-warn { background: #fef3c7; color: #92400e; }
.nq-badge.nq-bad { background: #fecaca; color: #991b1b; }
a.cite { font-size: .78em; font-weight: 600; text-decoration: none; padding: 0 3px; margin: 0 1px;
  border-radius: 4px; background: var(--color-accent-soft); vertical-align: super; cursor: pointer; }
a.cite:hover { background: var(--color-accent); color: white; }
#nq-sources { overflow-y: auto; max-height: 72vh; }
.nq-sources h3 { margin: 0 0 4px; font-size: 1.05rem; }
.nq-for { font-size: .82rem; margin-bottom: 8px; color: var(--body-text-color-subdued); }
.nq-muted { color: var(--body-text-color-subdued); font-size: .85rem; }
.nq-src { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 10px 12px;
  margin: 0 0 10px; background: var(--block-background-fill); scroll-margin: 12px;
  transition: box-shadow .3s, border-color .3s; }
.nq-src.nq-active { border-color: var(--color-accent); box-shadow: 0 0 0 3px var(--color-accent-soft); }
.nq-src-head { display: flex; gap: 8px; align-items: baseline; font-weight: 600; }
.nq-src-n { flex: none; min-width: 1.5em; text-align: center; border-radius: 4px; font-size: .8rem;
  background: var(--color-accent-soft); }
.nq-src-meta { font-size: .8rem; color: var(--body-text-color-subdued); margin: 4px 0 6px; }
.nq-sep { margin: 0 6px; }
.nq-passage { white-space: pre-line; font-size: .88rem; line-height: 1.45; margin: 0; padding: 6px 10px;
  border-left: 3px solid var(--border-color-primary); max-height: 18em; overflow-y: auto; }
.nq-passage mark { background: #fde68a; color: inherit; padding: 0 1px; border-radius: 2px; }
.nq-also { font-size: .82rem; margin-top: 4px; opacity: .85; }
.nq-report { padding: 8px 12px; border-radius: 6px; margin-top: 6px; font-size: .9rem; }
.nq-report.nq-ok { background: #dcfce7; color: #166534; }
.nq-report.nq-warn { background: #fef3c7; color: #92400e; }
.nq-failures { margin: 4px 0 0 18px; }
.nq-count { font-weight: 600; margin-bottom: 6px; }
table.nq-articles { width: 100%; border-collapse: collapse; font-size: .88rem; }
#nq-articles table.nq-articles th, #nq-articles table.nq-articles td { text-align: left; padding: 5px 8px;
  border: none; border-bottom: 1px solid var(--border-color-primary); vertical-align: top; }
#nq-articles table.nq-articles th { font-weight: 600; background: var(--background-fill-secondary); }
#nq-articles table.nq-articles td:nth-child(3) { white-space: nowrap; }
#nq-articles { max-height: 60vh; overflow-y: auto; }
"""

# Clicking [n] shows entry src-n of the sources panel. Clicking the message also fires the chatbot's select
# event, which switches the panel to that message's turn; the entry is scrolled to once the panel shows it.
HEAD = """<script>
(() => {
  const show = (turn, id, tries) => {
    const panel = document.querySelector('#nq-sources .nq-sources');
    const entry = panel && panel.dataset.turn === turn
      ? panel.querySelector('[id="' + CSS.escape(id) + '"]') : null;
    if (!entry) { if (tries > 0) setTimeout(() => show(turn, id, tries - 1), 100); return; }
    panel.querySelectorAll('.nq-src.nq-active').forEach((el) => el.classList.remove('nq-active'));
    entry.classList.add('nq-active');
    entry.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  };
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a.cite') : null;
    if (!link) return;
    event.preventDefault();
    const turn = (/\\bturn-(\\d+)\\b/.exec(link.className) || [])[1] || '';
    show(turn, (link.getAttribute('href') || '').slice(1), 60);
  }, true);
})();
</script>"""

log = logging.getLogger("newsqa.app")


def build(qa: NewsQA, startup: chat.Startup | None = None) -> gr.Blocks:
    """The Gradio app around a NewsQA; chat state is per browser session (gr.State)."""

    def library_views() -> tuple[Any, ...]:
        return (
            chat.articles_html(qa),
            gr.Dropdown(choices=chat.article_choices(qa), value=[]),
            gr.Dropdown(choices=chat.outlet_choices(qa)),
            chat.status_html(qa, startup),
        )

    def ready() -> bool:
        # Until the LLM is up, NewsQA's lock is held: only the status (which avoids it) is refreshed.
        return startup is None or startup.settled

    def on_ask(
        question: str, since: Any, as_of: Any, outlets: list[str] | None, session: chat.ChatSession | None
    ) -> Iterator[tuple[Any, ...]]:
        session = session or chat.ChatSession()
        first = True
        for _ in chat.ask(
            qa, session, question or "", since=since, as_of=as_of, outlets=outlets, startup=startup
        ):
            # The box is cleared once; later updates must not wipe what the user types meanwhile.
            yield session.messages(), session.panel(), session, "" if first else gr.skip()
            first = False

    def on_select(session: chat.ChatSession | None, evt: gr.SelectData) -> Any:
        if session is None:
            return gr.skip()
        turn = session.turn_of_message(evt.index)
        return gr.skip() if turn is None else session.panel(turn)

    def on_clear() -> tuple[Any, ...]:
        return [], chat.empty_panel(), chat.ChatSession()

    def on_tick() -> tuple[Any, ...]:
        if not ready():
            return gr.skip(), gr.skip(), gr.skip(), chat.status_html(qa, startup), gr.skip()
        return *library_views(), gr.Timer(active=False)

    # gr.Progress() as a default argument is how Gradio injects a progress tracker.
    def on_files(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if startup is not None:
            startup.wait()

        def step(done: int, total: int) -> None:
            progress((done, total), desc="Indexing articles", unit="articles")

        report = chat.ingest_files(qa, files or [], on_progress=step)
        return report, None, *library_views()

    def on_url(url: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if startup is not None:
            startup.wait()
        progress(None, desc="Fetching")

        def step(done: int, total: int) -> None:
            progress((done, total), desc="Indexing articles", unit="articles")

        report = chat.ingest_url(qa, url, on_progress=step)
        return report, *library_views()

    def on_delete(ids: list[str] | None) -> tuple[Any, ...]:
        return chat.delete_articles(qa, ids), *library_views()

    def on_load() -> tuple[Any, ...]:
        if not ready():
            return chat.status_html(qa, startup), gr.skip(), gr.skip(), gr.skip()
        return chat.status_html(qa, startup), *library_views()[:3]

    with gr.Blocks(title="NewsQA: ask the news") as demo:
        session = gr.State(None)  # a ChatSession, created by the first question
        with gr.Row(equal_height=False):
            gr.HTML(
                '<div class="nq-title"><h1>NewsQA</h1><p>Ask questions of your news archive: '
                "every answer cites the passages it rests on.</p></div>",
                elem_id="nq-title",
            )
        status = gr.HTML(chat.status_html(qa, startup), elem_id="nq-status")
        timer = gr.Timer(1.0)

        with gr.Tabs():
            with gr.Tab("Chat", id="chat-tab"), gr.Row(equal_height=False):
                with gr.Column(scale=3, min_width=420):
                    chatbot = gr.Chatbot(
                        elem_id="nq-chat",
                        label="Conversation",
                        height=540,
                        layout="bubble",
                        latex_delimiters=[],  # "$" in news text is money, not maths
                        buttons=[],  # "copy" would copy the messages' HTML, not their text
                        feedback_options=None,
                        placeholder="Ask about the indexed articles; follow-up questions keep the context.",
                    )
                    with gr.Row(equal_height=True):
                        question = gr.Textbox(
                            elem_id="nq-question",
                            show_label=False,
                            placeholder="Ask a question and press Enter…",
                            lines=1,
                            max_lines=4,
                            scale=8,
                            autofocus=True,
                        )
                        send = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="nq-send")
                    with gr.Accordion("Filters", open=False, elem_id="nq-filters"):
                        with gr.Row():
                            since = gr.DateTime(
                                label="Published from",
                                include_time=False,
                                type="string",
                                elem_id="nq-since",
                            )
                            as_of = gr.DateTime(
                                label="As of (published up to)",
                                include_time=False,
                                type="string",
                                elem_id="nq-as-of",
                            )
                        outlets = gr.Dropdown(
                            label="Outlets (none picked: all)",
                            choices=[],
                            multiselect=True,
                            elem_id="nq-outlets",
                        )
                    gr.Examples(examples=[[q] for q in EXAMPLES], inputs=[question], label="Try")
                with gr.Column(scale=2, min_width=320):
                    sources = gr.HTML(chat.empty_panel(), elem_id="nq-sources")

            with gr.Tab("Library", id="library-tab") as library_tab, gr.Row(equal_height=False):
                with gr.Column(scale=2, min_width=320):
                    gr.Markdown("### Add articles")
                    files = gr.File(
                        label="Article files (JSONL, JSON, Markdown, text, HTML)",
                        file_count="multiple",
                        file_types=sorted(SUPPORTED_SUFFIXES),
                        type="filepath",
                        elem_id="nq-files",
                    )
                    add_files = gr.Button("Add files", variant="primary", elem_id="nq-add-files")
                    url = gr.Textbox(
                        label="Page or RSS/Atom feed URL",
                        placeholder="https://example.com/news/article.html or …/feed.xml",
                        elem_id="nq-url",
                    )
                    add_url = gr.Button("Fetch and add", elem_id="nq-add-url")
                    report = gr.HTML("", elem_id="nq-report")
                with gr.Column(scale=3, min_width=420):
                    gr.Markdown("### Indexed articles")
                    articles = gr.HTML("", elem_id="nq-articles")
                    with gr.Row(equal_height=True):
                        to_delete = gr.Dropdown(
                            label="Articles to delete",
                            choices=[],
                            multiselect=True,
                            scale=4,
                            elem_id="nq-delete-pick",
                        )
                        delete = gr.Button("Delete", variant="stop", scale=1, elem_id="nq-delete")

        gr.on(
            triggers=[question.submit, send.click],
            fn=on_ask,
            inputs=[question, since, as_of, outlets, session],
            outputs=[chatbot, sources, session, question],
            trigger_mode="once",
            concurrency_limit=2,
            show_progress="hidden",
        )
        # Cheap handlers never wait behind answers being written.
        chatbot.select(on_select, [session], [sources], concurrency_limit=None, show_progress="hidden")
        chatbot.clear(on_clear, None, [chatbot, sources, session], concurrency_limit=None)
        lib_outputs = [articles, to_delete, outlets, status]
        timer.tick(on_tick, None, [*lib_outputs, timer], concurrency_limit=None, show_progress="hidden")
        demo.load(
            on_load,
            None,
            [status, articles, to_delete, outlets],
            concurrency_limit=None,
            show_progress="hidden",
        )
        library_tab.select(
            lambda: library_views(), None, lib_outputs, concurrency_limit=None, show_progress="hidden"
        )
        add_files.click(on_files, [files], [report, files, *lib_outputs], concurrency_limit=1)
        gr.on(
            triggers=[url.submit, add_url.click],
            fn=on_url,
            inputs=[url],
            outputs=[report, *lib_outputs],
            concurrency_limit=1,
        )
        delete.click(on_delete, [to_delete], [report, *lib_outputs], concurrency_limit=1)
    return demo


def main(host: str | None = None, port: int | None = None) -> None:
    """Start the chat on host:port (None: NEWSQA_HOST / NEWSQA_PORT), seeding an empty index first."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("newsqa").setLevel(logging.INFO)  # say so when the seed articles are indexed
    settings = Settings()
    host = host or settings.host
    port = settings.port if port is None else port
    qa = NewsQA(settings)
    startup = chat.Startup(qa, SEEDS)
    startup.start()
    demo = build(qa, startup)
    demo.queue(default_concurrency_limit=1)
    print(f"NewsQA chat: http://{host}:{port}  (index in {settings.home})", flush=True)
    demo.launch(
        server_name=host,
        server_port=port,
        theme=THEME,
        css=CSS,
        head=HEAD,
        show_error=False,
        max_file_size="25mb",
        footer_links=["gradio", "settings"],
    )


if __name__ == "__main__":
    main()
