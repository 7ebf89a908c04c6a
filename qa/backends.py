"""Choose the embedder and LLM named by the settings; OpenAI embeddings live here, beside the LLM code."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.embedding import Embedder, make_local_embedder
from index.settings import Settings
from qa.llm import LLM, LLMError, OpenAIChatLLM
from qa.local_llm import CATALOGUE, DEFAULT_LOCAL_MODEL, model_file, shared_server

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings through the `openai` client."""

    def __init__(self, model: str, *, base_url: str | None, api_key: str | None, timeout: float) -> None:
        from openai import OpenAI

        if not api_key and not base_url:
            raise LLMError(
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
        for i in range(0, len(texts), 256):
            resp = self._client.embeddings.create(model=self._model, input=list(texts[i : i + 256]))
            out.extend(d.embedding for d in resp.data)
        vecs = np.asarray(out, dtype=np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True) + 1e-12
        self.dim = vecs.shape[1]
        return vecs


def make_embedder(settings: Settings) -> Embedder:
    """The embedder named by NEWSQA_EMBEDDER."""
    if settings.embedder == "openai":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        emb = OpenAIEmbedder(
            settings.openai_embedding_model,
            base_url=settings.openai_base_url,
            api_key=key,
            timeout=settings.llm_timeout,
        )
        emb.embed(["dimension probe"])  # the store needs the dimension before it opens the collection
        return emb
    return make_local_embedder(settings)


def local_model_name(settings: Settings) -> str:
    """The catalogue name (or file stem) of the local model settings select."""
    if settings.local_model_path:
        return settings.local_model_path.stem
    name = settings.llm_model or DEFAULT_LOCAL_MODEL
    if name not in CATALOGUE:
        raise LLMError(
            f"Unknown local model {name!r} (NEWSQA_LLM_MODEL): expected one of {', '.join(CATALOGUE)}"
        )
    return name


def make_llm(settings: Settings) -> LLM | None:
    """The LLM named by NEWSQA_LLM; None in extractive mode. Local mode starts the server on first use."""
    if settings.llm == "extractive":
        return None
    if settings.llm == "openai":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        if not key and not settings.openai_base_url:
            raise LLMError(
                "NEWSQA_LLM=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server "
                "(Ollama: http://127.0.0.1:11434/v1)."
            )
        return OpenAIChatLLM(
            settings.llm_model or DEFAULT_OPENAI_MODEL,
            base_url=settings.openai_base_url,
            api_key=key,
            timeout=settings.llm_timeout,
        )
    if settings.llm == "local":
        name = local_model_name(settings)
        gguf = settings.local_model_path or model_file(name, settings.home / "models")
        if not gguf.exists():
            raise LLMError(f"NEWSQA_LOCAL_MODEL_PATH {gguf} does not exist")
        server = shared_server(
            gguf, name, port=settings.local_port, threads=settings.threads, context=settings.local_context
        )
        return OpenAIChatLLM(name, base_url=server.base_url, api_key=None, timeout=settings.llm_timeout)
    raise LLMError(f"Unknown NEWSQA_LLM {settings.llm!r}: expected local, openai or extractive")
