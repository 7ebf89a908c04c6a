"""OpenAI (or compatible) embeddings through the `openai` client; here, not in index/, which never uses it."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.embedding.base import Embedder, EmbedderError, Tokens, word_tokens

_BATCH = 256  # texts per request


class OpenAIEmbedder(Embedder):
    """Embeddings from an OpenAI-compatible /embeddings endpoint."""

    # text-embedding-3 models read 8,191 tokens; words and punctuation count at least one token each, so
    # chunks sized in words never pass the window.
    max_tokens = 8191

    def __init__(self, model: str, *, base_url: str | None, api_key: str | None, timeout: float) -> None:
        from openai import OpenAI

        if not api_key and not base_url:
            raise EmbedderError(
                "NEWSQA_EMBEDDER=openai needs OPENAI_API_KEY (or OPENAI_BASE_URL for a local server)."
            )
        self.name = f"openai:{model}"
        self._model = model
        self._client = OpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout)
        self.dim = 0  # known after the first call; the store checks it then

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim or 1), dtype=np.float32)
        out: list[list[float]] = []
        for i in range(0, len(texts), _BATCH):
            resp = self._client.embeddings.create(model=self._model, input=list(texts[i : i + _BATCH]))
            out.extend(d.embedding for d in resp.data)
        vecs = np.asarray(out, dtype=np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-12
        self.dim = vecs.shape[1]
        return vecs

    def tokenize(self, text: str) -> Tokens:
        return word_tokens(text)
