"""Shared fixtures: settings on a temp dir, NewsQA on fakes or real parts, a real local LLM and Chroma."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

from index.embedding.base import Embedder
from index.store.chroma import ChromaStore
from qa.llm.base import LLM
from qa.llm.openai_chat import OpenAIChatLLM
from qa.pipeline import NewsQA
from qa.settings import Settings
from tests.fakes import FakeEmbedder, MemoryStore

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds" / "articles"
SEED_FILE = SEEDS / "000_ec9d1e3fc129980f.txt"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


MakeQA = Callable[..., NewsQA]


@pytest.fixture(scope="session")
def embedder(tmp_path_factory: pytest.TempPathFactory) -> Embedder:
    """The default offline embedder (int8 MiniLM through ONNX Runtime), exported once for the session."""
    from qa.backends import make_embedder

    return make_embedder(Settings(home=tmp_path_factory.mktemp("emb")))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh temp home; extractive and no checker, so nothing starts or asks an LLM unless a
    test asks (an injected LLM is not also asked to check the reader's answers)."""
    return Settings(home=tmp_path / "home", llm="extractive", checker="off")


@pytest.fixture
def make_qa(settings: Settings, request: pytest.FixtureRequest) -> MakeQA:
    """Build a NewsQA on the temp home: fakes by default, or the real embedder and Chroma when asked.

    backend: an LLM (or "auto" to build the configured one); store: "memory" or "chroma" (on the temp
    home); embedder: "fake" or "real" (the session's ONNX embedder). Other keywords override settings.
    """

    def build(
        backend: LLM | Literal["auto"] | None = None,
        *,
        store: Literal["memory", "chroma"] = "memory",
        embedder: Literal["fake", "real"] = "fake",
        **overrides: Any,
    ) -> NewsQA:
        if backend is not None:
            overrides.setdefault("llm", "openai")  # any generating mode: the injected backend is used
        s = settings.model_copy(update=overrides) if overrides else settings
        emb: Embedder = request.getfixturevalue("embedder") if embedder == "real" else FakeEmbedder()
        st = (
            MemoryStore(s.duplicate_threshold)
            if store == "memory"
            else ChromaStore.open(s, emb.name, emb.dim)
        )
        return NewsQA(s, llm=backend, embedder=emb, store=st)

    return build


@pytest.fixture
def seeded_with(make_qa: MakeQA) -> Callable[[LLM | None], NewsQA]:
    """Build a NewsQA (fakes) with the seed article ingested and the given LLM backend."""

    def build(backend: LLM | None) -> NewsQA:
        qa = make_qa(backend)
        qa.ingest([SEEDS], progress=False)
        return qa

    return build


@pytest.fixture
def seeded(make_qa: MakeQA) -> NewsQA:
    """A NewsQA (fakes, no LLM) with the seed article ingested."""
    qa = make_qa()
    qa.ingest([SEEDS], progress=False)
    return qa


@pytest.fixture(scope="session")
def local_llm(tmp_path_factory: pytest.TempPathFactory) -> OpenAIChatLLM:
    """A real llama.cpp server on 127.0.0.1 serving the smallest packaged model (SmolLM2-135M)."""
    from qa.llm.local import model_file, shared_server

    gguf = model_file("smollm2-135m", tmp_path_factory.mktemp("models"))
    server = shared_server(gguf, "smollm2-135m", port=0, threads=2, context=4096)
    assert server.base_url.startswith("http://127.0.0.1:")
    return OpenAIChatLLM("smollm2-135m", base_url=server.base_url, api_key=None, timeout=120)


class ChromaServer:
    """A real `chroma run` on 127.0.0.1 at a fixed port and data folder, which a test can stop and restart."""

    def __init__(self, data: Path) -> None:
        from qa.llm.local import free_port

        chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
        assert chroma, "the chroma command (from the chromadb package) is not installed"
        self.command = chroma
        self.data = data
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until it answers its heartbeat."""
        log = (self.data / "server.log").open("ab")
        self.proc = subprocess.Popen(
            [
                self.command,
                "run",
                "--path",
                str(self.data / "db"),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"chroma server did not start: {(self.data / 'server.log').read_text()[-2000:]}"
                )
            time.sleep(0.3)

    def stop(self) -> None:
        """Stop it (SIGTERM, then SIGKILL if it lingers) and wait until the port is closed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self.proc = None


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1, started for the tests; yields its URL."""
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
