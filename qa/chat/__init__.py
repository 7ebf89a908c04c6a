"""The browser chat's logic without Gradio: sessions, HTML rendering, start-up and the library."""

from index.store.filters import Filters
from qa.backends import describe_llm
from qa.chat.access import READ_ONLY_MESSAGE, AccessError, check_access, gradio_auth, is_loopback
from qa.chat.assets import asset
from qa.chat.library import (
    article_choices,
    articles_html,
    delete_articles,
    ingest_files,
    ingest_url,
    outlet_choices,
)
from qa.chat.render import (
    also_html,
    empty_panel,
    esc,
    message_html,
    passage_html,
    safe_href,
    source_entry_html,
)
from qa.chat.session import BUSY_MESSAGE, ChatSession, answer, ask, is_busy, submit
from qa.chat.settings import ChatSettings
from qa.chat.startup import Startup, status_html
from qa.chat.turns import FilterError, Turn, error_message, parse_filters

__all__ = [
    "BUSY_MESSAGE",
    "READ_ONLY_MESSAGE",
    "AccessError",
    "ChatSession",
    "ChatSettings",
    "FilterError",
    "Filters",
    "Startup",
    "Turn",
    "also_html",
    "answer",
    "article_choices",
    "articles_html",
    "ask",
    "asset",
    "check_access",
    "delete_articles",
    "describe_llm",
    "empty_panel",
    "error_message",
    "esc",
    "gradio_auth",
    "ingest_files",
    "ingest_url",
    "is_busy",
    "is_loopback",
    "message_html",
    "outlet_choices",
    "parse_filters",
    "passage_html",
    "safe_href",
    "source_entry_html",
    "status_html",
    "submit",
]
