"""Browser chat (Gradio): UI wiring only; the logic, HTML and assets live in qa/chat/."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no version check or analytics calls offline

import gradio as gr

import app_library
from qa import chat
from qa.pipeline import NewsQA

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

log = logging.getLogger("newsqa.app")


def build(
    qa: NewsQA, startup: chat.Startup | None = None, settings: chat.ChatSettings | None = None
) -> gr.Blocks:
    """The Gradio app around a NewsQA; chat state is per browser session (gr.State)."""
    settings = settings or chat.ChatSettings()
    read_only = settings.read_only

    def chat_views() -> tuple[Any, ...]:
        return gr.Dropdown(choices=chat.outlet_choices(qa)), chat.status_html(qa, startup)

    def library_views() -> tuple[Any, ...]:
        return *app_library.views(qa), *chat_views()

    def ready() -> bool:
        # Until the LLM is up, NewsQA's lock is held: only the status (which avoids it) is refreshed.
        return startup is None or startup.settled

    def on_submit(question: str, session: chat.ChatSession | None) -> tuple[Any, ...]:
        # Instant (no queue limit): the question shows at once, as waiting, and the box is cleared.
        session = session or chat.ChatSession()
        if chat.is_busy(session):
            gr.Warning(chat.BUSY_MESSAGE)  # the question stays in the box: nothing typed is lost
        elif chat.submit(session, question or "") is not None:
            return session.messages(), session.panel(), session, ""
        return gr.skip(), gr.skip(), session, gr.skip()

    def on_answer(
        since: Any, as_of: Any, outlets: list[str] | None, session: chat.ChatSession | None
    ) -> Iterator[tuple[Any, ...]]:
        if session is None:
            return
        for _ in chat.answer(qa, session, since=since, as_of=as_of, outlets=outlets, startup=startup):
            yield session.messages(), session.panel(), session

    def on_select(session: chat.ChatSession | None, evt: gr.SelectData) -> Any:
        if session is None:
            return gr.skip()
        turn = session.turn_of_message(evt.index)
        return gr.skip() if turn is None else session.panel(turn)

    def on_clear() -> tuple[Any, ...]:
        return [], chat.empty_panel(), chat.ChatSession()

    def views_when(settled: bool) -> tuple[Any, ...]:
        if not settled:  # all but the status (the last output) stay as they are
            return *[gr.skip()] * (len(lib_outputs) - 1), chat.status_html(qa, startup)
        return library_views()

    def on_load() -> tuple[Any, ...]:
        return views_when(ready())

    def on_tick() -> tuple[Any, ...]:
        settled = ready()
        return *views_when(settled), gr.Timer(active=False) if settled else gr.skip()

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
                with gr.Column(scale=3, min_width=300):
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
                            label="Question",
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
                with gr.Column(scale=2, min_width=300):
                    sources = gr.HTML(chat.empty_panel(), elem_id="nq-sources")

            library = app_library.library_tab(qa, startup, read_only, [outlets, status], chat_views)
            with gr.Tab("Settings", id="settings-tab"):
                gr.HTML(chat.settings_html(settings), elem_id="nq-settings")

        # Two steps: the question is taken at once (or refused with a message while the last one is still
        # being answered), then answered in the queue. Answers in progress: up to NEWSQA_CHAT_CONCURRENCY,
        # the LLM writing NEWSQA_LLM_SLOTS of them at once (the others show their place in line).
        gr.on(
            triggers=[question.submit, send.click],
            fn=on_submit,
            inputs=[question, session],
            outputs=[chatbot, sources, session, question],
            concurrency_limit=None,
            show_progress="hidden",
            api_name="submit",
        ).then(
            on_answer,
            inputs=[since, as_of, outlets, session],
            outputs=[chatbot, sources, session],
            concurrency_limit=settings.chat_concurrency,
            concurrency_id="answers",
            show_progress="hidden",
            api_name="answer",
        )
        # Cheap handlers never wait behind answers being written.
        chatbot.select(on_select, [session], [sources], concurrency_limit=None, show_progress="hidden")
        chatbot.clear(on_clear, None, [chatbot, sources, session], concurrency_limit=None)
        lib_outputs = [*library.outputs, outlets, status]  # status last: see on_load
        timer.tick(on_tick, None, [*lib_outputs, timer], concurrency_limit=None, show_progress="hidden")
        demo.load(
            on_load, None, lib_outputs, concurrency_limit=None, show_progress="hidden", api_name="on_load"
        )
        library.tab.select(library_views, None, lib_outputs, concurrency_limit=None, show_progress="hidden")
    return demo


def main(host: str | None = None, port: int | None = None) -> None:
    """Start the chat on host:port (None: NEWSQA_HOST / NEWSQA_PORT), seeding an empty index first.

    Also `newsqa serve` (the "newsqa.ui" entry point). AccessError: off loopback, no login or read-only mode.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("newsqa").setLevel(logging.INFO)  # say so when the seed articles are indexed
    settings = chat.ChatSettings()
    host = host or settings.host
    port = settings.port if port is None else port
    chat.check_access(settings, host)  # before anything starts or binds
    qa = NewsQA(settings)
    startup = chat.Startup(qa, SEEDS)
    startup.start()
    if settings.feed_refresh:  # followed feeds checked on their schedule, once the index is open
        chat.FeedRefresher(qa, ready=startup.indexed).start()
    demo = build(qa, startup, settings)
    demo.queue(default_concurrency_limit=1, max_size=settings.chat_concurrency * 4)  # answers: see build()
    mode = "read-only" if settings.read_only else "login required" if settings.auth_user else "open"
    print(f"NewsQA chat: http://{host}:{port}  (index in {settings.home}; {mode})", flush=True)
    demo.launch(
        server_name=host,
        server_port=port,
        theme=THEME,
        css=chat.asset("chat.css"),
        head=f"<script>{chat.asset('chat.js')}</script>",
        show_error=False,
        max_file_size=settings.max_file_bytes,
        footer_links=["gradio", "settings"],
        auth=chat.gradio_auth(settings),
        auth_message="NewsQA: sign in with NEWSQA_AUTH_USER and its password.",
    )


if __name__ == "__main__":
    try:
        main()
    except chat.AccessError as exc:
        print(f"newsqa: error: {exc}", file=sys.stderr)
        sys.exit(2)
