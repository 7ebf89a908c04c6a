"""The browser chat's logic without Gradio: sessions, HTML rendering, start-up and the library."""

from index.store.filters import Filters
from qa.backends import describe_llm
from qa.chat.assets import asset
from qa.chat.library import (
    article_choices,
    articles_html,
    delete_articles,
    ingest_files,
    ingest_url,
    outlet_choices,
)
from qa.chat.render import also_html, empty_panel, esc, passage_html, safe_href, source_entry_html
from qa.chat.session import ChatSession, ask
from qa.chat.settings import ChatSettings
from qa.chat.startup import Startup, status_html
from qa.chat.turns import FilterError, Turn, error_message, parse_filters

__all__ = [
    "ChatSession",
    "ChatSettings",
    "FilterError",
    "Filters",
    "Startup",
    "Turn",
    "also_html",
    "article_choices",
    "articles_html",
    "ask",
    "asset",
    "delete_articles",
    "describe_llm",
    "empty_panel",
    "error_message",
    "esc",
    "ingest_files",
    "ingest_url",
    "outlet_choices",
    "parse_filters",
    "passage_html",
    "safe_href",
    "source_entry_html",
    "status_html",
]
