"""The chat's Library tab (Gradio wiring only): add files and URLs, follow feeds, list and delete articles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from index.loading import SUPPORTED_SUFFIXES
from qa import chat
from qa.pipeline import NewsQA


@dataclass
class Library:
    """The Library tab, and the components its views fill (in the order views() returns them)."""

    tab: Any
    outputs: list[Any]


def views(qa: NewsQA) -> tuple[Any, ...]:
    """The articles table, the delete picker, the followed feeds and the unfollow picker, as they stand."""
    return (
        chat.articles_html(qa),
        gr.Dropdown(choices=chat.article_choices(qa), value=[]),
        chat.feeds_html(qa),
        gr.Dropdown(choices=chat.feed_choices(qa), value=None),
    )


def library_tab(
    qa: NewsQA,
    startup: chat.Startup | None,
    read_only: bool,
    others: Sequence[Any],
    other_views: Callable[[], tuple[Any, ...]],
) -> Library:
    """Build the tab inside the open gr.Tabs; every action also refreshes `others` with other_views()."""
    editable = not read_only

    def after(report: str) -> tuple[Any, ...]:
        return report, *views(qa), *other_views()

    # gr.Progress() as a default argument is how Gradio injects a progress tracker.
    def on_files(files: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if startup is not None:
            startup.wait()
        step = lambda fraction, line: progress(fraction, desc=line)  # noqa: E731
        report = chat.ingest_files(qa, files or [], on_progress=step, read_only=read_only)
        return None, *after(report)

    def on_url(url: str, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if startup is not None:
            startup.wait()
        progress(None, desc="Fetching")
        step = lambda fraction, line: progress(fraction, desc=line)  # noqa: E731
        return after(chat.ingest_url(qa, url, on_progress=step, read_only=read_only))

    def on_follow(url: str, every: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if startup is not None:
            startup.wait()
        progress(None, desc="Checking the feed")
        return after(chat.follow_feed(qa, url, every, read_only=read_only))

    with gr.Tab("Library", id="library-tab") as tab, gr.Row(equal_height=False):
        with gr.Column(scale=2, min_width=300):
            gr.Markdown("### Add articles")
            if read_only:
                gr.HTML(chat.message_html("warn", chat.READ_ONLY_MESSAGE), elem_id="nq-read-only")
            files = gr.File(
                label="Article files (JSONL, JSON, Markdown, text, HTML)",
                file_count="multiple",
                file_types=sorted(SUPPORTED_SUFFIXES),
                type="filepath",
                elem_id="nq-files",
                interactive=editable,
            )
            add_files = gr.Button(
                "Add files", variant="primary", elem_id="nq-add-files", interactive=editable
            )
            url = gr.Textbox(
                label="Page or RSS/Atom feed URL",
                placeholder="https://example.com/news/article.html or …/feed.xml",
                elem_id="nq-url",
                interactive=editable,
            )
            add_url = gr.Button("Fetch and add", elem_id="nq-add-url", interactive=editable)
            with gr.Row(equal_height=True, elem_id="nq-follow-row"):
                every = gr.Dropdown(
                    label="Check the feed",
                    choices=chat.EVERY_CHOICES,
                    value="30m",
                    elem_id="nq-every",
                    interactive=editable,
                    min_width=140,
                )
                follow = gr.Button(
                    "Follow this feed", elem_id="nq-follow", interactive=editable, min_width=140
                )
            report = gr.HTML("", elem_id="nq-report")
        with gr.Column(scale=3, min_width=300):
            gr.Markdown("### Indexed articles")
            articles = gr.HTML("", elem_id="nq-articles")
            with gr.Row(equal_height=True):
                to_delete = gr.Dropdown(
                    label="Articles to delete",
                    choices=[],
                    multiselect=True,
                    scale=4,
                    elem_id="nq-delete-pick",
                    interactive=editable,
                )
                delete = gr.Button(
                    "Delete", variant="stop", scale=1, elem_id="nq-delete", interactive=editable
                )
            gr.Markdown("### Followed feeds")
            feeds = gr.HTML("", elem_id="nq-feeds")
            with gr.Row(equal_height=True):
                to_unfollow = gr.Dropdown(
                    label="Feed to unfollow",
                    choices=[],
                    scale=4,
                    elem_id="nq-unfollow-pick",
                    interactive=editable,
                )
                unfollow = gr.Button("Unfollow", scale=1, elem_id="nq-unfollow", interactive=editable)

    outputs = [articles, to_delete, feeds, to_unfollow]
    refreshed = [report, *outputs, *others]
    # Named endpoints: the API (gradio_client) calls them by these names, whatever the functions are called.
    add_files.click(on_files, [files], [files, *refreshed], concurrency_limit=1, api_name="on_files")
    gr.on(
        triggers=[url.submit, add_url.click],
        fn=on_url,
        inputs=[url],
        outputs=refreshed,
        concurrency_limit=1,
        api_name="on_url",
    )
    follow.click(on_follow, [url, every], refreshed, concurrency_limit=1, api_name="on_follow")
    delete.click(
        lambda ids: after(chat.delete_articles(qa, ids, read_only=read_only)),
        [to_delete],
        refreshed,
        concurrency_limit=1,
        api_name="on_delete",
    )
    unfollow.click(
        lambda feed: after(chat.unfollow_feed(qa, feed, read_only=read_only)),
        [to_unfollow],
        refreshed,
        concurrency_limit=1,
        api_name="on_unfollow",
    )
    return Library(tab, outputs)
