"""The answering layer's settings (retrieval, the LLM, answers) on top of the index's; one NEWSQA_* object."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError

from index.settings import IndexSettings

LLMMode = Literal["local", "openai", "extractive"]


class SettingsError(ValueError):
    """A NEWSQA_* setting has a value that cannot be used; the message names the variable."""


class Settings(IndexSettings):
    """Every setting NewsQA's pipeline reads; each field reads NEWSQA_<FIELD> from the environment."""

    # Retrieval
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved for each question.")
    retrieval: Literal["dense", "bm25", "hybrid"] = Field(
        "hybrid",
        description="hybrid: articles by BM25 (SQLite FTS5) and chunks by embedding, then every candidate "
        "passage ranked by a fitted score of both, the article's age and the passage's position; dense or "
        "bm25: one side only (for comparison).",
    )
    per_article_limit: int = Field(
        0,
        ge=0,
        le=50,
        description="Most passages one article may fill among those retrieved, so that one long article does "
        "not crowd out the rest; 0 means no limit.",
    )
    date_handling: bool = Field(
        True,
        description="Read dates in questions: a period ('in 2013', 'last week') leaves out reports from "
        "before it (news of it comes during or after it), and newer reports win ties for questions about how "
        "things stand now.",
    )
    conflict_check: bool = Field(
        True,
        description="Look for another outlet that reports the answer differently (a number, date or yes/no) "
        "and cite both sides.",
    )

    # Answering
    llm: LLMMode = Field(
        "local",
        description="local: a GGUF model served by the project on 127.0.0.1; openai: any OpenAI-compatible "
        "endpoint (OpenAI, Ollama, vLLM, llama.cpp server); extractive: no generation, quoted sentences.",
    )
    answers: Literal["auto", "reader", "llm"] = Field(
        "auto",
        description="Who writes answers. reader: the reader picks typed answers (who, where, which company, "
        "how many, yes/no) from the passages and refuses when they do not state one; the LLM writes only "
        "answers to other questions (why, how). llm: the LLM writes every answer, verified sentence by "
        "sentence (for a strong endpoint). auto: llm in openai mode, else reader.",
    )
    chooser: bool = Field(
        False,
        description="In reader mode with an LLM, let the LLM choose among the reader's best candidates "
        "(forced by a JSON schema to one of them or 'not stated'). Off: on the seed set the 0.5B local model "
        "chose worse than the reader's own ranking (README).",
    )
    checker: Literal["auto", "off", "local", "llm"] = Field(
        "auto",
        description="Who checks the reader's answers, asked yes or no whether the answer's sentence states "
        "it: the answer is given when the checker is sure even if the reader's support alone would refuse "
        "it, and refused when the checker doubts it. local: the local model NEWSQA_CHECKER_MODEL on "
        "127.0.0.1; llm: the answering LLM; off: the reader's support alone. auto: local in local mode, llm "
        "in openai mode, off in extractive mode.",
    )
    checker_model: str = Field(
        "qwen2.5-1.5b",
        description="Catalogue name of the local checker model (the 0.5B model's yes or no told right "
        "answers from wrong no better than chance; README).",
    )
    llm_model: str | None = Field(
        None,
        description="Model name sent to the endpoint in openai mode (default gpt-4o-mini); in local mode a "
        "catalogue name (smollm2-135m, qwen2.5-0.5b, qwen2.5-1.5b) or unset for the default local model.",
    )
    local_model_path: Path | None = Field(
        None, description="Any instruct GGUF file to serve in local mode instead of a catalogue model."
    )
    local_port: int = Field(
        0, ge=0, le=65535, description="Port of the local LLM server on 127.0.0.1; 0 picks a free one."
    )
    local_context: int = Field(
        4096,
        ge=512,
        description="Context window of each slot of the local LLM server, in tokens; the server holds "
        "NEWSQA_LOCAL_SLOTS times this.",
    )
    local_slots: int = Field(
        4,
        ge=1,
        le=64,
        description="Answers the local LLM server writes at once (llama.cpp parallel slots with continuous "
        "batching: one batch of tokens for all of them per step). More questions wait in order.",
    )
    llm_slots: int = Field(
        0,
        ge=0,
        le=64,
        description="Replies the LLM writes at once; more wait in order (the chat shows their place in "
        "line) while retrieval and verification go on. 0: NEWSQA_LOCAL_SLOTS in local mode, no limit in "
        "openai mode.",
    )
    llm_timeout: float = Field(
        120.0, gt=0, description="Seconds to wait for the LLM before giving up with a clear message."
    )
    llm_sentences: int = Field(
        6,
        ge=1,
        le=40,
        description="Best-matching sentences (from the retrieved passages) the LLM is shown and may cite; "
        "fewer means a shorter prompt and a sooner first token.",
    )
    llm_max_tokens: int = Field(160, ge=16, description="Most tokens the LLM may write per answer.")
    llm_temperature: float = Field(0.0, ge=0, le=2, description="Sampling temperature of the LLM.")
    max_question_chars: int = Field(
        2000, ge=10, description="Longest question accepted; longer ones get a message, not an answer."
    )
    stale_days: int = Field(
        30,
        ge=0,
        description='An answer to a question about now ("currently", "latest", "still") whose newest '
        'source is older than this many days before the as-of date (or today) says so: "Latest report: '
        '3 March 2025".',
    )

    # API keys come only from the environment, without the NEWSQA_ prefix, as the openai client expects.
    openai_api_key: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_API_KEY"),
        description="API key for openai mode and OpenAI embeddings (env OPENAI_API_KEY only).",
    )
    openai_base_url: str | None = Field(
        None,
        validation_alias=AliasChoices("OPENAI_BASE_URL", "NEWSQA_OPENAI_BASE_URL"),
        description="Base URL of an OpenAI-compatible endpoint (Ollama: http://127.0.0.1:11434/v1).",
    )

    @property
    def reader_answers(self) -> bool:
        """Whether the reader (not the LLM) answers typed and yes/no questions."""
        return self.answers == "reader" or (self.answers == "auto" and self.llm != "openai")

    @property
    def api_key(self) -> str | None:
        """The OpenAI API key in plain text, for the client that sends it."""
        return self.openai_api_key.get_secret_value() if self.openai_api_key else None


def load_settings(cls: type[Settings] = Settings, **overrides: Any) -> Settings:
    """Settings from the environment plus overrides (None ignored); SettingsError names the variable."""
    try:
        return cls(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(x) for x in err["loc"])
        raise SettingsError(f"invalid setting NEWSQA_{field.upper()}: {err['msg']}") from None
