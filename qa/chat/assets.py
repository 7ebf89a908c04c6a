"""The chat page's own CSS and JavaScript, shipped beside the templates."""

from __future__ import annotations

from importlib.resources import files


def asset(name: str) -> str:
    """The text of qa/chat/assets/<name>."""
    return files("qa.chat").joinpath("assets", name).read_text(encoding="utf-8")
