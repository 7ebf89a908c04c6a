"""all-MiniLM-L6-v2 through ONNX Runtime, fp32 or int8: one text per run, worker processes for an ingest."""

from __future__ import annotations

import os
import signal
import threading
import time
import warnings
import weakref
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding.minilm import DIM, MODEL_NAME, WINDOW, MiniLMBase, model_path
from index.embedding.onnx_export import ensure_model

# ONNX Runtime fusions left out: its fused SkipLayerNormalization ran 7x slower per element than the Add +
# LayerNormalization it replaces, and the int8 matmuls ran slightly faster unfused from their input
# quantisation. Together 14% more word pieces/s on 2 cores (600 news chunks, medians of 3-5 runs), with the
# same cosine to fp32 (0.994 mean).
_DISABLED_FUSIONS = ["SkipLayerNormFusion", "DynamicQuantizeMatMulFusion"]


# Characters from which an embed inside bulk() runs in worker processes (about 50k word pieces, 2.5 s of
# model runs on 2 cores): starting them took 0.3 s, or 2.4 s when the main script imports Gradio (each worker
# imports the main script again).
PROCESS_MIN_CHARS = 200_000

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
    tokenizer = Tokenizer.from_file(str(model_path() / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=WINDOW)  # counts [CLS]/[SEP], as ST does
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
    out = np.empty((len(texts), DIM), dtype=np.float32)
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


class OnnxMiniLMEmbedder(MiniLMBase):
    """all-MiniLM-L6-v2 through ONNX Runtime; fp32 gives the torch vectors, int8 is faster but differs.

    One text per model run: nothing is padded, and a text's vector never depends on what it was embedded
    with (int8 activation scales are set per run: batched, the same chunk moved by up to 0.02 per component).
    A query runs on all cores; many texts run whole on one core each, in `threads` worker threads, or inside
    bulk() in as many worker processes.
    """

    def __init__(
        self, quantized: bool, cache_dir: Path, threads: int = 2, process_min_chars: int = PROCESS_MIN_CHARS
    ) -> None:
        self.name = f"{MODEL_NAME}-int8" if quantized else MODEL_NAME
        self.model_path = ensure_model(Path(cache_dir), quantized)
        self._threads = threads
        self.process_min_chars = process_min_chars
        self._session: Any = _new_session(self.model_path, threads)
        self._single: Any = None  # one thread, run by `threads` worker threads; made when first needed
        self._processes: Any = None  # worker processes, started by a large embed in bulk(); False if broken
        self._stop_processes: Any = None  # their weakref.finalize
        self._bulk_users = 0  # bulk() blocks open, over all threads (the UI can run two ingests at once)
        self._lock = threading.Lock()
        self._tokenizer = _new_tokenizer()

    @property
    def workers_running(self) -> bool:
        """Whether worker processes are up (only inside bulk(), once a large embed started them)."""
        return bool(self._processes)

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
        if sum(map(len, texts)) >= self.process_min_chars:
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
