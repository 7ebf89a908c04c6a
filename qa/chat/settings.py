"""Settings of the browser chat's server, on top of the pipeline's."""

from __future__ import annotations

from pydantic import Field, SecretStr

from qa.settings import Settings


class ChatSettings(Settings):
    """Where the chat listens, who may use it, how many it serves at once, besides every pipeline setting."""

    host: str = Field("127.0.0.1", description="Address the web UI binds to.")
    port: int = Field(7860, ge=0, le=65535, description="Port of the web UI.")
    auth_user: str | None = Field(
        None,
        min_length=1,
        description="User name of the chat's login (Gradio's own), with NEWSQA_AUTH_PASSWORD. Unset: no "
        "login, which the chat allows only on a loopback address or with NEWSQA_READ_ONLY.",
    )
    auth_password: SecretStr | None = Field(
        None,
        min_length=8,
        description="Password of the chat's login, from the environment only (at least 8 characters).",
    )
    read_only: bool = Field(
        False,
        description="Disable the Library tab's upload, fetch and delete, in the page and in the API: the "
        "chat only answers. Lets the chat run on a non-loopback address without a login.",
    )
    chat_concurrency: int = Field(
        32,
        ge=1,
        description="Questions in progress at once (searching, waiting for the model, writing); more wait "
        "in the web server's queue.",
    )
    feed_refresh: bool = Field(
        True,
        description="Check the followed feeds (`newsqa follow`) in the background while the chat runs, each "
        "on its own interval, at a lower CPU priority than answers. False: leave it to `newsqa refresh` "
        "from cron or a timer.",
    )
