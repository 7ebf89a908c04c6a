"""The browser chat's logic without Gradio: sessions, HTML rendering, start-up, the library and its feeds."""

from index.store.filters import Filters
from qa.backends import describe_llm
from qa.chat.access import READ_ONLY_MESSAGE, AccessError, check_access, gradio_auth, is_loopback
from qa.chat.assets import asset
from qa.chat.cards import SourceCard, readable_title, source_cards
from qa.chat.feeds import EVERY_CHOICES, feed_choices, feeds_html, follow_feed, unfollow_feed
from qa.chat.library import (
    article_choices,
    articles_html,
    delete_articles,
    ingest_files,
    ingest_url,
    outlet_choices,
)
from qa.chat.markdown import conversation_markdown, turn_markdown
from qa.chat.refresher import FeedRefresher
from qa.chat.render import (
    also_html,
    card_html,
    empty_panel,
    esc,
    message_html,
    passage_html,
    safe_href,
    source_entry_html,
)
from qa.chat.session import BUSY_MESSAGE, ChatSession, answer, ask, is_busy, submit
from qa.chat.settings import ChatSettings
from qa.chat.settings_panel import settings_html
from qa.chat.startup import Startup, status_html
from qa.chat.timeline import Timeline, timeline
from qa.chat.turns import FilterError, Turn, error_message, parse_filters

__all__ = [
    "BUSY_MESSAGE",
    "EVERY_CHOICES",
    "READ_ONLY_MESSAGE",
    "AccessError",
    "ChatSession",
    "ChatSettings",
    "FeedRefresher",
    "FilterError",
    "Filters",
    "SourceCard",
    "Startup",
    "Timeline",
    "Turn",
    "also_html",
    "answer",
    "article_choices",
    "articles_html",
    "ask",
    "asset",
    "card_html",
    "check_access",
    "conversation_markdown",
    "delete_articles",
    "describe_llm",
    "empty_panel",
    "error_message",
    "esc",
    "feed_choices",
    "feeds_html",
    "follow_feed",
    "gradio_auth",
    "ingest_files",
    "ingest_url",
    "is_busy",
    "is_loopback",
    "message_html",
    "outlet_choices",
    "parse_filters",
    "passage_html",
    "readable_title",
    "safe_href",
    "settings_html",
    "source_cards",
    "source_entry_html",
    "status_html",
    "submit",
    "timeline",
    "turn_markdown",
    "unfollow_feed",
]
