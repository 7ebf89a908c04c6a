"""The one registry of backends: embedders (NEWSQA_EMBEDDER) and LLMs (NEWSQA_LLM), built by name.

An unknown name, or a backend whose optional packages are missing, is an error that lists the choices or
says what to install. Heavy imports happen inside the builders, when a backend is first used.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar
from urllib.parse import urlparse

from index.embedding.base import Embedder, EmbedderError
from qa.llm.base import LLM, LLMError
from qa.settings import Settings

if TYPE_CHECKING:
    from qa.llm.local import LocalServer

T = TypeVar("T")

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
CHECKER_SLOTS = 2  # checks at once (the local checker server's slots); more questions skip the check


@dataclass(frozen=True)
class Backend(Generic[T]):
    """One choice of a registry: how to build it and which packages it needs (module, pip name)."""

    name: str
    build: Callable[[Settings], T]
    needs: tuple[tuple[str, str], ...] = ()


class Registry(Generic[T]):
    """Backends of one kind, by the name a setting gives."""

    def __init__(self, variable: str, error: type[Exception]) -> None:
        self.variable = variable
        self.error = error
        self._backends: dict[str, Backend[T]] = {}

    def register(
        self, name: str, build: Callable[[Settings], T], needs: tuple[tuple[str, str], ...] = ()
    ) -> None:
        """Add a backend under `name`."""
        self._backends[name] = Backend(name, build, needs)

    def names(self) -> list[str]:
        """The registered names, in registration order."""
        return list(self._backends)

    def create(self, name: str, settings: Settings) -> T:
        """Build the backend `name`; the error says what was expected or what to install."""
        backend = self._backends.get(name)
        if backend is None:
            raise self.error(f"Unknown {self.variable} {name!r}: expected one of {', '.join(self.names())}")
        missing = [pip for module, pip in backend.needs if importlib.util.find_spec(module) is None]
        if missing:
            raise self.error(
                f"{self.variable}={name} needs {', '.join(missing)}: pip install {' '.join(missing)}"
            )
        return backend.build(settings)


# -- embedders -----------------------------------------------------------------------------------------

EMBEDDERS: Registry[Embedder] = Registry("NEWSQA_EMBEDDER", EmbedderError)
_ONNX_NEEDS = (("onnxruntime", "onnxruntime"), ("onnx", "onnx"), ("torch", "torch==2.13.0"))


def _minilm(settings: Settings) -> Embedder:
    from index.embedding.minilm import MiniLMEmbedder

    return MiniLMEmbedder(batch_size=settings.embed_batch_size, threads=settings.threads)


def _onnx(quantized: bool) -> Callable[[Settings], Embedder]:
    def build(settings: Settings) -> Embedder:
        from index.embedding.onnx import OnnxMiniLMEmbedder

        return OnnxMiniLMEmbedder(
            quantized=quantized, cache_dir=settings.models_dir, threads=settings.threads
        )

    return build


def _openai_embedder(settings: Settings) -> Embedder:
    from qa.llm.openai_embedder import OpenAIEmbedder

    emb = OpenAIEmbedder(
        settings.openai_embedding_model,
        base_url=settings.openai_base_url,
        api_key=settings.api_key,
        timeout=settings.llm_timeout,
    )
    emb.embed(["dimension probe"])  # the store needs the dimension before it opens the collection
    return emb


EMBEDDERS.register("minilm", _minilm, (("sentence_transformers", "sentence-transformers"),))
EMBEDDERS.register("minilm-onnx", _onnx(False), _ONNX_NEEDS)
EMBEDDERS.register("minilm-onnx-int8", _onnx(True), _ONNX_NEEDS)
EMBEDDERS.register("openai", _openai_embedder, (("openai", "openai"),))


def make_embedder(settings: Settings) -> Embedder:
    """The embedder named by NEWSQA_EMBEDDER."""
    return EMBEDDERS.create(settings.embedder, settings)


# -- LLMs ------------------------------------------------------------------------------------------------

LLMS: Registry[LLM | None] = Registry("NEWSQA_LLM", LLMError)


def local_model_name(settings: Settings) -> str:
    """The catalogue name (or file stem) of the local model settings select."""
    from qa.llm.local import DEFAULT_LOCAL_MODEL

    if settings.local_model_path:
        return settings.local_model_path.stem
    return catalogue_name(settings.llm_model or DEFAULT_LOCAL_MODEL, "NEWSQA_LLM_MODEL")


def catalogue_name(name: str, variable: str) -> str:
    """`name` if the local catalogue has it; else an error naming the setting and the choices."""
    from qa.llm.local import CATALOGUE

    if name not in CATALOGUE:
        raise LLMError(f"Unknown local model {name!r} ({variable}): expected one of {', '.join(CATALOGUE)}")
    return name


def _openai_llm(settings: Settings) -> LLM:
    from qa.llm.openai_chat import OpenAIChatLLM

    if not settings.api_key and not settings.openai_base_url:
        raise LLMError(
            "NEWSQA_LLM=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server "
            "(Ollama: http://127.0.0.1:11434/v1)."
        )
    llm = OpenAIChatLLM(
        settings.llm_model or DEFAULT_OPENAI_MODEL,
        base_url=settings.openai_base_url,
        api_key=settings.api_key,
        timeout=settings.llm_timeout,
    )
    return gated(llm, settings.llm_slots)


def _local_llm(settings: Settings) -> LLM:
    from qa.llm.openai_chat import OpenAIChatLLM

    server = local_server(settings)
    llm = OpenAIChatLLM(server.alias, base_url=server.base_url, api_key=None, timeout=settings.llm_timeout)
    return gated(llm, settings.llm_slots or settings.local_slots)


def gated(llm: LLM, slots: int) -> LLM:
    """The LLM with at most `slots` replies at once, the rest waiting in order (0: no limit)."""
    from qa.llm.slots import AnswerSlots, GatedLLM

    return GatedLLM(llm, AnswerSlots(slots)) if slots else llm


def local_server(settings: Settings) -> LocalServer:
    """The process's llama.cpp server for the local model settings select (started on first use)."""
    from qa.llm.local import model_file, shared_server

    name = local_model_name(settings)
    gguf = settings.local_model_path or model_file(name, settings.models_dir)
    if not gguf.exists():
        raise LLMError(f"NEWSQA_LOCAL_MODEL_PATH {gguf} does not exist")
    return shared_server(
        gguf,
        name,
        port=settings.local_port,
        threads=settings.threads,
        context=settings.local_context,
        slots=settings.local_slots,
    )


LLMS.register("local", _local_llm, (("xllamacpp", "xllamacpp"), ("openai", "openai")))
LLMS.register("openai", _openai_llm, (("openai", "openai"),))
LLMS.register("extractive", lambda settings: None)


def make_llm(settings: Settings) -> LLM | None:
    """The LLM named by NEWSQA_LLM; None in extractive mode. Local mode starts the server on first use."""
    return LLMS.create(settings.llm, settings)


def checker_mode(settings: Settings) -> str:
    """NEWSQA_CHECKER with auto resolved: local in local mode, llm in openai mode, off in extractive mode."""
    if settings.checker != "auto":
        return settings.checker
    return {"local": "local", "openai": "llm"}.get(settings.llm, "off")


def make_checker(settings: Settings, answering: Callable[[], LLM | None]) -> LLM | None:
    """The LLM NEWSQA_CHECKER names to check the reader's answers (`answering`: the answering LLM)."""
    mode = checker_mode(settings)
    if mode == "off":
        return None
    if mode == "llm":
        return answering()
    if importlib.util.find_spec("xllamacpp") is None:
        raise LLMError("NEWSQA_CHECKER=local needs the xllamacpp package: pip install xllamacpp")
    from qa.llm.local import model_file, shared_server
    from qa.llm.openai_chat import OpenAIChatLLM

    name = catalogue_name(settings.checker_model, "NEWSQA_CHECKER_MODEL")
    # Its own server (unless the answering model is the same file): a check is one token.
    gguf = model_file(name, settings.models_dir)
    server = shared_server(gguf, name, port=0, threads=settings.threads, context=1024, slots=CHECKER_SLOTS)
    return OpenAIChatLLM(name, base_url=server.base_url, api_key=None, timeout=settings.llm_timeout)


def describe_checker(settings: Settings) -> str:
    """Who checks the reader's answers, in a few words ("local model qwen2.5-1.5b", "off")."""
    mode = checker_mode(settings)
    if mode == "off":
        return "off: the reader's support alone"
    if not settings.reader_answers:
        return "none needed: the LLM writes every answer (NEWSQA_ANSWERS)"
    return f"local model {settings.checker_model}" if mode == "local" else "the answering LLM"


def model_name(settings: Settings) -> str | None:
    """The model the settings select, without starting anything (None in extractive mode)."""
    if settings.llm == "extractive":
        return None
    if settings.llm == "openai":
        return settings.llm_model or DEFAULT_OPENAI_MODEL
    try:
        return local_model_name(settings)
    except LLMError:
        return settings.llm_model


def describe_llm(settings: Settings) -> str:
    """Who writes the answers, in a few words ("local model qwen2.5-0.5b", "extractive, no LLM")."""
    if settings.llm == "extractive":
        return "extractive, no LLM"
    if settings.llm == "local":
        return f"local model {model_name(settings)}"
    where = urlparse(settings.openai_base_url).netloc if settings.openai_base_url else "OpenAI"
    return f"{model_name(settings)} at {where}"
