"""Who may use the chat: an optional login, a read-only mode, and no unguarded library off loopback."""

from __future__ import annotations

import ipaddress

from qa.chat.settings import ChatSettings
from qa.settings import SettingsError

READ_ONLY_MESSAGE = (
    "This chat is read-only (NEWSQA_READ_ONLY=true): articles cannot be added or deleted here. "
    "Use `newsqa ingest` on the server."
)


class AccessError(SettingsError):
    """The chat must not start as configured (a write API open to the network, half a login)."""


def is_loopback(host: str) -> bool:
    """Whether the chat would listen on loopback only (127.0.0.0/8, ::1, localhost)."""
    host = host.strip().strip("[]")
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # any other name may resolve to an outside address


def check_access(settings: ChatSettings, host: str) -> None:
    """AccessError unless the chat may start on `host` with these settings.

    Off loopback, anyone who reaches the port can call the upload, fetch and delete endpoints (they are
    Gradio API endpoints, not just buttons): a login or read-only mode is required there.
    """
    if bool(settings.auth_user) != bool(settings.auth_password):
        raise AccessError(
            "NEWSQA_AUTH_USER and NEWSQA_AUTH_PASSWORD go together: set both (the password in the "
            "environment), or neither."
        )
    if settings.auth_user or settings.read_only or is_loopback(host):
        return
    raise AccessError(
        f"Refusing to serve the chat on {host}: it is not a loopback address, and without a login anyone who "
        "reaches it could upload, fetch and delete articles. Set NEWSQA_AUTH_USER and NEWSQA_AUTH_PASSWORD "
        "(the password in the environment), or NEWSQA_READ_ONLY=true, or bind to 127.0.0.1."
    )


def gradio_auth(settings: ChatSettings) -> list[tuple[str, str]] | None:
    """The (user, password) pairs for Gradio's launch(auth=...), or None without a login."""
    if settings.auth_user and settings.auth_password:
        return [(settings.auth_user, settings.auth_password.get_secret_value())]
    return None
