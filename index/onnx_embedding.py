"""all-MiniLM-L6-v2 through ONNX Runtime: a one-time export of the packaged model, fp32 or int8."""

from __future__ import annotations

import logging
import os
import signal
import tempfile
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding import MINILM_DIM, MINILM_MAX_TOKENS, minilm_path

MODEL_NAME = "all-MiniLM-L6-v2"
ONNX_OPSET = 17  # first opset with LayerNormalization as one op
# Export format, part of the cached file names: v2 takes input_ids alone (texts are never padded, so the
# attention mask and token types were constant; dropping them made the int8 model 2.5% faster).
_FORMAT = "v2"
# ONNX Runtime fusions left out: its fused SkipLayerNormalization ran 7x slower per element than the Add +
# LayerNormalization it replaces, and the int8 matmuls ran slightly faster unfused from their input
# quantisation. Together 14% more word pieces/s on 2 cores (600 news chunks, medians of 3-5 runs), with the
# same cosine to fp32 (0.994 mean).
_DISABLED_FUSIONS = ["SkipLayerNormFusion", "DynamicQuantizeMatMulFusion"]


def _write_atomically(dest: Path, write: Callable[[Path], None]) -> None:
    """Run write(tmp) on a temp file beside dest, then rename it over dest."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)  # mkstemp creates it 0600
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def export_fp32(dest: Path) -> None:
    """Export the packaged BertModel (unpadded input ids to token embeddings) to dest."""
    import torch
    from transformers import BertModel

    # Eager attention exports as plain MatMul/Softmax. ONNX Runtime's fused attention ops ran 11-54% slower
    # on one unpadded text per single-thread run.
    bert = BertModel.from_pretrained(str(minilm_path()), attn_implementation="eager")
    bert.eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
            return self.model(input_ids=input_ids).last_hidden_state

    ids = torch.tensor([[101, 7592, 2088, 2003, 2307, 102]])
    axes = {name: {0: "batch", 1: "sequence"} for name in ["input_ids", "last_hidden_state"]}

    def write(tmp: Path) -> None:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer and legacy-exporter warnings are expected here
            torch.onnx.export(
                TokenEmbeddings(bert),
                (ids,),
                str(tmp),
                input_names=["input_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes=axes,
                opset_version=ONNX_OPSET,
                do_constant_folding=True,
                dynamo=False,
            )

    _write_atomically(dest, write)


def quantize_int8(src: Path, dest: Path) -> None:
    """Write an int8 dynamic-quantised copy of the fp32 model src to dest."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    def write(tmp: Path) -> None:
        # Per-channel weights: mean cosine to fp32 0.993 instead of 0.946 per-tensor, at about the same speed.
        # Only MatMul: an int8 word-embedding table saves disk, not time.
        # It logs a root-logger warning to pre-process shapes first, which MiniLM's export does not need.
        logging.disable(logging.WARNING)
        try:
            quantize_dynamic(
                src, tmp, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
            )
        finally:
            logging.disable(logging.NOTSET)

    _write_atomically(dest, write)


def ensure_model(cache_dir: Path, quantized: bool) -> Path:
    """Path of the cached ONNX model, exported (and quantised) on first use."""
    fp32 = cache_dir / f"{MODEL_NAME}.{_FORMAT}.onnx"
    int8 = cache_dir / f"{MODEL_NAME}-int8.{_FORMAT}.onnx"
    wanted = int8 if quantized else fp32
    if not wanted.exists():
        if not fp32.exists():
            export_fp32(fp32)
        if quantized:
            quantize_int8(fp32, int8)
        # Exports of the first format (three inputs) are never read again: 150 MB freed.
        for old in (cache_dir / f"{MODEL_NAME}.onnx", cache_dir / f"{MODEL_NAME}-int8.onnx"):
            old.unlink(missing_ok=True)
    return wanted


# Characters from which an embed inside bulk() runs in worker processes (about 50k word pieces, 2.5 s of
# model runs on 2 cores): starting them took 0.3 s, or 2.4 s when the main script imports Gradio (each worker
# imports the main script again).
_PROCESS_MIN_CHARS = 200_000

_worker: dict[str, Any] = {}  # a worker process's session and tokenizer


def _new_session(model_path: Path | str, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle-spinning workers burn the other core when the machine is shared: 10-15% more CPU per passage.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(
        str(model_path), options, providers=["CPUExecutionProvider"], disabled_optimizers=_DISABLED_FUSIONS
    )


def _new_tokenizer() -> Any:
    from tokenizers import Tokenizer

    # Own instance: minilm_tokenizer() is shared and must stay untruncated for chunk sizing.
    tokenizer = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=MINILM_MAX_TOKENS)  # counts [CLS]/[SEP], as ST does
    return tokenizer


def _embed_ids(ids: list[int], session: Any) -> np.ndarray:
    """Mean-pooled, unit-length vector of one token id list."""
    pooled = session.run(None, {"input_ids": np.asarray([ids], dtype=np.int64)})[0][0].mean(axis=0)
    return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)


def _start_worker(model_path: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it stops the pool
    parent = os.getppid()

    def exit_with_parent() -> None:
        # A killed parent never stops the pool, and a worker would wait on its task queue forever.
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    _worker["session"] = _new_session(model_path, 1)
    _worker["tokenizer"] = _new_tokenizer()


def _embed_serially(texts: Sequence[str], tokenizer: Any, session: Any) -> np.ndarray:
    """One text after another on one session: a query, a single-thread embed, a worker process's share."""
    out = np.empty((len(texts), MINILM_DIM), dtype=np.float32)
    for i, text in enumerate(texts):
        out[i] = _embed_ids(tokenizer.encode(text).ids, session)
    return out


def _embed_in_worker(texts: list[str]) -> np.ndarray:
    return _embed_serially(texts, _worker["tokenizer"], _worker["session"])


def _shares(texts: Sequence[str], n: int) -> list[list[int]]:
    """Indexes of texts in n shares of about equal length, longest texts placed first."""
    shares: list[list[int]] = [[] for _ in range(n)]
    loads = [0] * n
    for i in sorted(range(len(texts)), key=lambda i: -len(texts[i])):
        k = loads.index(min(loads))
        shares[k].append(i)
        loads[k] += len(texts[i])
    return [share for share in shares if share]


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime; fp32 gives the torch vectors, int8 is faster but differs.

    One text per model run: nothing is padded, and a text's vector never depends on what it was embedded
    with (int8 activation scales are set per run: batched, the same chunk moved by up to 0.02 per component).
    A query runs on all cores; many texts run whole on one core each, in `threads` worker threads, or inside
    bulk() in as many worker processes.
    """

    dim = MINILM_DIM

    def __init__(self, quantized: bool, cache_dir: Path, threads: int = 2) -> None:
        self.name = f"{MODEL_NAME}-int8" if quantized else MODEL_NAME
        self.model_path = ensure_model(Path(cache_dir), quantized)
        self._threads = threads
        self._session: Any = _new_session(self.model_path, threads)
        self._single: Any = None  # one thread, run by `threads` worker threads; made when first needed
        self._processes: Any = None  # worker processes, started by a large embed in bulk(); False if broken
        self._stop_processes: Any = None  # their weakref.finalize
        self._bulk_users = 0  # bulk() blocks open, over all threads (the UI can run two ingests at once)
        self._lock = threading.Lock()
        self._tokenizer = _new_tokenizer()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """Inside, large embeds run in worker processes; they stop when the last bulk() block ends."""
        with self._lock:
            self._bulk_users += 1
        try:
            yield
        finally:
            with self._lock:
                self._bulk_users -= 1
                pool = self._processes if self._bulk_users == 0 else None
                if pool:
                    self._processes = None
                    self._stop_processes.detach()
            if pool:
                # Shares not started yet are dropped (an ingest that failed left its next group embedding);
                # running ones finish, at most one share per worker.
                pool.shutdown(wait=True, cancel_futures=True)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) <= 1 or self._threads == 1:
            return _embed_serially(texts, self._tokenizer, self._session)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if sum(map(len, texts)) >= _PROCESS_MIN_CHARS:
            try:
                if self._embed_in_processes(texts, out):
                    return out
            except BrokenProcessPool as exc:
                warnings.warn(
                    f"Embedding worker processes stopped ({exc}); embedding in threads of this process "
                    "instead. A script that ingests must start under `if __name__ == '__main__':` (Python "
                    "runs it again in each worker).",
                    RuntimeWarning,
                    stacklevel=2,
                )
        # Each worker thread runs whole texts on one core. Splitting every operator across the cores
        # instead makes them wait for each other at every operator: 18k word pieces/s against 14-15k on
        # 2 cores (chunks of 200, medians of 3 runs).
        with self._lock:
            if self._single is None:
                self._single = _new_session(self.model_path, 1)
        ids = [enc.ids for enc in self._tokenizer.encode_batch(list(texts))]
        with ThreadPoolExecutor(self._threads, thread_name_prefix="embed") as pool:
            for i, vector in enumerate(pool.map(lambda seq: _embed_ids(seq, self._single), ids)):
                out[i] = vector
        return out

    def _embed_in_processes(self, texts: Sequence[str], out: np.ndarray) -> bool:
        """Fill out in the worker processes; False outside bulk() or once they have broken."""
        # Processes, not threads: a thread needs this process's GIL after every model run, and Chroma's add
        # holds the GIL for its whole call (about 0.5 s per 500 chunks), so the cores stood idle 7% of an
        # ingest. Each worker gets one share, so the GIL is needed once per share, not once per text.
        with self._lock:  # submitting under the lock: bulk() cannot stop the pool in between
            if not self._bulk_users or self._processes is False:
                return False
            if self._processes is None:
                import multiprocessing

                # spawn, not fork: forking a process that runs ONNX Runtime, tokenizer and Chroma threads can
                # deadlock the child.
                self._processes = ProcessPoolExecutor(
                    self._threads,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_worker,
                    initargs=(str(self.model_path),),
                )
                self._stop_processes = weakref.finalize(
                    self, self._processes.shutdown, wait=False, cancel_futures=True
                )
            pool = self._processes
            shares = _shares(texts, self._threads)
            try:
                jobs = [pool.submit(_embed_in_worker, [texts[i] for i in share]) for share in shares]
            except BrokenProcessPool:
                self._processes = False
                raise
        try:
            for share, job in zip(shares, jobs, strict=True):
                out[share] = job.result()
        except BrokenProcessPool:
            with self._lock:
                if self._processes is pool:  # not a newer pool that replaced it
                    self._processes = False
            raise
        return True
