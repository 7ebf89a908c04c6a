"""Settings of the browser chat's server, on top of the pipeline's."""

from __future__ import annotations

from pydantic import Field

from qa.settings import Settings


class ChatSettings(Settings):
    """Where the chat listens, besides every pipeline setting."""

    host: str = Field("127.0.0.1", description="Address the web UI binds to.")
    port: int = Field(7860, ge=0, le=65535, description="Port of the web UI.")
