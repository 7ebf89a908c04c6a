"""One-time ONNX export of the packaged all-MiniLM-L6-v2 (fp32, and an int8 dynamic-quantised copy)."""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

from index.embedding.minilm import MODEL_NAME, model_path

ONNX_OPSET = 17  # first opset with LayerNormalization as one op
# Export format, part of the cached file names: v2 takes input_ids alone (texts are never padded, so the
# attention mask and token types were constant; dropping them made the int8 model 2.5% faster).
FORMAT = "v2"


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
    bert = BertModel.from_pretrained(str(model_path()), attn_implementation="eager")
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
    fp32 = cache_dir / f"{MODEL_NAME}.{FORMAT}.onnx"
    int8 = cache_dir / f"{MODEL_NAME}-int8.{FORMAT}.onnx"
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
