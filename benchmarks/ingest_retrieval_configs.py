"""Fixed parameters, data paths and NewsQA configurations of benchmarks/ingest_retrieval.py."""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared/bench/realtimeqa-2024q4"
ARTICLES = DATA / "articles.jsonl"
QUESTIONS = DATA / "questions-dev.jsonl"
RESULTS = REPO / "benchmarks/results"
MODEL_CACHE = Path(tempfile.gettempdir()) / "newsqa-bench-models"

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[Mode, ...] = ("dense", "bm25", "hybrid")
K = 10
WINDOW = 256  # all-MiniLM-L6-v2 reads at most 256 word pieces, [CLS] and [SEP] included
THREADS = 2
EMBEDDERS = {"onnx-int8": "minilm-onnx-int8", "onnx": "minilm-onnx", "torch": "minilm"}
PLAIN = "plain llama-index"


@dataclass(frozen=True)
class ConfigSpec:
    """One NewsQA configuration: embedder backend and chunking, e.g. onnx-int8:chunk200:overlap0:batch16."""

    name: str
    embedder: str  # a NEWSQA_EMBEDDER value
    chunk_size: int = 200
    chunk_overlap: int = 0
    batch_size: int = 16


def parse_config(text: str) -> ConfigSpec:
    """ConfigSpec from 'backend[:chunkN][:overlapN][:batchN]' (backend: onnx-int8, onnx or torch)."""
    backend, *options = text.strip().split(":")
    if backend not in EMBEDDERS:
        raise argparse.ArgumentTypeError(
            f"unknown embedder {backend!r} in {text!r}: use {', '.join(EMBEDDERS)}"
        )
    values = {"chunk": 200, "overlap": 0, "batch": 16}
    for option in options:
        m = re.fullmatch(r"(chunk|overlap|batch)(\d+)", option)
        if not m:
            raise argparse.ArgumentTypeError(
                f"bad option {option!r} in {text!r}: use chunkN, overlapN, batchN"
            )
        values[m.group(1)] = int(m.group(2))
    if not 32 <= values["chunk"] <= 256:
        raise argparse.ArgumentTypeError(f"chunk size must be 32..256 word pieces, got {values['chunk']}")
    return ConfigSpec(text.strip(), EMBEDDERS[backend], values["chunk"], values["overlap"], values["batch"])


def parse_configs(text: str) -> list[ConfigSpec]:
    """Comma-separated configurations."""
    specs = [parse_config(part) for part in text.split(",") if part.strip()]
    if len({s.name for s in specs}) != len(specs):
        raise argparse.ArgumentTypeError("a configuration is listed twice")
    return specs


def child_env(spec: ConfigSpec | None, home: Path) -> dict[str, str]:
    """The environment of a child: no inherited NEWSQA_*, only this configuration's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update({"NEWSQA_HOME": str(home), "NEWSQA_THREADS": str(THREADS), "NEWSQA_LLM": "extractive"})
    if spec is not None:
        env.update(
            {
                "NEWSQA_EMBEDDER": spec.embedder,
                "NEWSQA_CHUNK_SIZE": str(spec.chunk_size),
                "NEWSQA_CHUNK_OVERLAP": str(spec.chunk_overlap),
                "NEWSQA_EMBED_BATCH_SIZE": str(spec.batch_size),
            }
        )
    return env
