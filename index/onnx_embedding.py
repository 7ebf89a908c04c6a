"""all-MiniLM-L6-v2 through ONNX Runtime: a one-time export of the packaged model, fp32 or int8."""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from index.embedding import MINILM_DIM, MINILM_MAX_TOKENS, minilm_path

MODEL_NAME = "all-MiniLM-L6-v2"
ONNX_OPSET = 17  # first opset with LayerNormalization as one op
_INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]


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
    """Export the packaged BertModel (token embeddings, dynamic batch and sequence) to dest."""
    import torch
    from transformers import BertModel

    # Eager attention exports as plain MatMul/Softmax, the pattern ONNX Runtime's fusions know.
    bert = BertModel.from_pretrained(str(minilm_path()), attn_implementation="eager")
    bert.eval()

    class TokenEmbeddings(torch.nn.Module):
        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(
            self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
        ) -> torch.Tensor:
            out = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return out.last_hidden_state

    ids = torch.tensor([[101, 7592, 2088, 2003, 2307, 102], [101, 7592, 102, 0, 0, 0]])
    mask = (ids != 0).long()
    axes = {name: {0: "batch", 1: "sequence"} for name in [*_INPUT_NAMES, "last_hidden_state"]}

    def write(tmp: Path) -> None:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer and legacy-exporter warnings are expected here
            torch.onnx.export(
                TokenEmbeddings(bert),
                (ids, mask, torch.zeros_like(ids)),
                str(tmp),
                input_names=_INPUT_NAMES,
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
        quantize_dynamic(
            src, tmp, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
        )

    _write_atomically(dest, write)


def ensure_model(cache_dir: Path, quantized: bool) -> Path:
    """Path of the cached ONNX model, exported (and quantised) on first use."""
    fp32 = cache_dir / f"{MODEL_NAME}.onnx"
    int8 = cache_dir / f"{MODEL_NAME}-int8.onnx"
    wanted = int8 if quantized else fp32
    if not wanted.exists():
        if not fp32.exists():
            export_fp32(fp32)
        if quantized:
            quantize_int8(fp32, int8)
    return wanted


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 through ONNX Runtime; fp32 gives the torch vectors, int8 is faster but differs."""

    dim = MINILM_DIM

    def __init__(self, quantized: bool, cache_dir: Path, threads: int = 2) -> None:
        from tokenizers import Tokenizer

        self.name = f"{MODEL_NAME}-int8" if quantized else MODEL_NAME
        self.model_path = ensure_model(Path(cache_dir), quantized)
        self._threads = threads
        self._session: Any = self._new_session(threads)  # one text at a time (queries): all cores on it
        self._single: Any = None  # one thread, run by `threads` workers at once; made at the first bulk embed

        # Own instance: minilm_tokenizer() is shared and must stay untruncated for chunk sizing.
        self._tokenizer = Tokenizer.from_file(str(minilm_path() / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=MINILM_MAX_TOKENS)  # counts [CLS]/[SEP], as ST does

    def _new_session(self, threads: int) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle-spinning workers burn the other core when the machine is shared: 10-15% more CPU per passage.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(self.model_path), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = [enc.ids for enc in self._tokenizer.encode_batch(list(texts))]
        # One text per run: nothing is padded, and a text's vector never depends on what it was embedded
        # with (int8 activation scales are set per run: batched, the same chunk moved by up to 0.02 per
        # component). On 2 cores this ran as fast as batches of 2-16 texts of 200 word pieces.
        if len(ids) == 1 or self._threads == 1:
            for i, seq in enumerate(ids):
                out[i] = self._embed_one(seq, self._session)
            return out
        # Many texts: each worker runs whole texts on one thread. Splitting every operator across the cores
        # instead makes them wait for each other at every operator; on 2 cores the workers embedded 18k word
        # pieces/s against 14-15k (chunks of 200, medians of 3 runs).
        if self._single is None:
            self._single = self._new_session(1)
        with ThreadPoolExecutor(self._threads, thread_name_prefix="embed") as pool:
            for i, vector in enumerate(pool.map(lambda seq: self._embed_one(seq, self._single), ids)):
                out[i] = vector
        return out

    def _embed_one(self, ids: list[int], session: Any) -> np.ndarray:
        """Mean-pooled, unit-length vector of one token id list."""
        input_ids = np.asarray([ids], dtype=np.int64)
        ones = np.ones_like(input_ids)
        feed = {"input_ids": input_ids, "attention_mask": ones, "token_type_ids": np.zeros_like(input_ids)}
        pooled = session.run(None, feed)[0][0].mean(axis=0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)
