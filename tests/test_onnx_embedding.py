"""OnnxMiniLMEmbedder against the sentence-transformers reference, on the real packaged model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.embedding import onnx
from index.embedding.minilm import DIM, MODEL_NAME, WINDOW, MiniLMEmbedder
from index.embedding.onnx import OnnxMiniLMEmbedder

pytestmark = pytest.mark.slow

SENTENCES = [
    "The central bank raised interest rates by a quarter point on Wednesday.",
    "Hurricane Milton made landfall near Siesta Key, Florida, as a Category 3 storm.",
    "Who won the vice presidential debate?",
    "",
    "A",
]
LONG_TEXT = " ".join(
    f"Paragraph {i} describes the city council's budget vote on road repairs." for i in range(40)
)


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("onnx-cache")


@pytest.fixture(scope="module")
def onnx_fp32(cache_dir: Path) -> OnnxMiniLMEmbedder:
    return OnnxMiniLMEmbedder(quantized=False, cache_dir=cache_dir)


@pytest.fixture(scope="module")
def torch_ref() -> MiniLMEmbedder:
    return MiniLMEmbedder()


def test_fp32_matches_torch(onnx_fp32: OnnxMiniLMEmbedder, torch_ref: MiniLMEmbedder) -> None:
    got = onnx_fp32.embed(SENTENCES)
    want = torch_ref.embed(SENTENCES)
    assert got.shape == (len(SENTENCES), DIM)
    assert got.dtype == np.float32
    assert np.min(np.sum(got * want, axis=1)) > 0.999
    assert np.max(np.abs(got - want)) < 1e-4
    assert onnx_fp32.name == torch_ref.name == MODEL_NAME


def test_keeps_input_order_across_lengths(onnx_fp32: OnnxMiniLMEmbedder) -> None:
    texts = [LONG_TEXT, "Short.", SENTENCES[1] * 3, "", SENTENCES[0], "Two words"]
    together = onnx_fp32.embed(texts)
    for row, text in zip(together, texts, strict=True):
        alone = onnx_fp32.embed([text])[0]
        assert float(row @ alone) > 0.9999


def test_rows_are_unit_length(onnx_fp32: OnnxMiniLMEmbedder) -> None:
    vecs = onnx_fp32.embed([*SENTENCES, LONG_TEXT])
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_text_past_256_word_pieces_is_truncated(
    onnx_fp32: OnnxMiniLMEmbedder, torch_ref: MiniLMEmbedder
) -> None:
    assert onnx_fp32.count_tokens(LONG_TEXT) > WINDOW
    texts = [LONG_TEXT + " The mayor resigned.", LONG_TEXT + " Nobody noticed a thing about the weather."]
    got = onnx_fp32.embed(texts)
    assert np.all(np.isfinite(got))
    # Both differ only after the cut, so the model sees the same 256 word pieces.
    assert float(got[0] @ got[1]) > 0.9999
    assert float(got[0] @ torch_ref.embed(texts[:1])[0]) > 0.999


def test_empty_list(onnx_fp32: OnnxMiniLMEmbedder) -> None:
    vecs = onnx_fp32.embed([])
    assert vecs.shape == (0, DIM)
    assert vecs.dtype == np.float32


def test_cached_export_is_reused(onnx_fp32: OnnxMiniLMEmbedder, cache_dir: Path) -> None:
    model = onnx_fp32.model_path
    assert model.parent == cache_dir
    before = model.stat()
    again = OnnxMiniLMEmbedder(quantized=False, cache_dir=cache_dir)
    after = model.stat()
    assert again.model_path == model
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino)
    assert [p.name for p in cache_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_int8_is_close_and_named_apart(onnx_fp32: OnnxMiniLMEmbedder, cache_dir: Path) -> None:
    fp32_file = onnx_fp32.model_path.stat()
    int8 = OnnxMiniLMEmbedder(quantized=True, cache_dir=cache_dir)
    assert int8.name == f"{MODEL_NAME}-int8"
    assert int8.model_path != onnx_fp32.model_path
    assert onnx_fp32.model_path.stat().st_mtime_ns == fp32_file.st_mtime_ns
    texts = SENTENCES[:3]
    got = int8.embed(texts)
    np.testing.assert_allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    assert np.min(np.sum(got * onnx_fp32.embed(texts), axis=1)) > 0.95


def test_int8_vector_does_not_depend_on_its_neighbours(cache_dir: Path) -> None:
    # int8 activation scales are set per run: a text embedded alone and among others must still match exactly.
    pooled = OnnxMiniLMEmbedder(quantized=True, cache_dir=cache_dir, threads=2)
    serial = OnnxMiniLMEmbedder(quantized=True, cache_dir=cache_dir, threads=1)
    texts = [LONG_TEXT, *SENTENCES, SENTENCES[1] * 3]
    many = pooled.embed(texts)
    np.testing.assert_array_equal(many, serial.embed(texts))
    for row, text in zip(many, texts, strict=True):
        np.testing.assert_array_equal(row, pooled.embed([text])[0])


def test_worker_processes_give_the_same_vectors_in_order(cache_dir: Path) -> None:
    pooled = OnnxMiniLMEmbedder(quantized=True, cache_dir=cache_dir, threads=2, process_min_chars=1)
    serial = OnnxMiniLMEmbedder(quantized=True, cache_dir=cache_dir, threads=1)
    texts = [LONG_TEXT, *SENTENCES, SENTENCES[1] * 3]
    expected = serial.embed(texts)
    np.testing.assert_array_equal(pooled.embed(texts), expected)
    assert not pooled.workers_running  # outside bulk(): threads
    with pooled.bulk():
        got = pooled.embed(texts)
        assert pooled.workers_running  # the worker processes did this embed
        with pooled.bulk():  # a second ingest at the same time shares them
            np.testing.assert_array_equal(pooled.embed(texts[::-1]), expected[::-1])
        assert pooled.workers_running  # still up for the first one
    np.testing.assert_array_equal(got, expected)
    assert not pooled.workers_running  # stopped with the last bulk() block


def test_broken_worker_processes_fall_back_to_threads(cache_dir: Path, tmp_path: Path) -> None:
    embedder = OnnxMiniLMEmbedder(quantized=True, cache_dir=cache_dir, threads=2, process_min_chars=1)
    expected = OnnxMiniLMEmbedder(quantized=True, cache_dir=cache_dir, threads=1).embed(SENTENCES)
    good_model = embedder.model_path
    embedder.model_path = tmp_path / "missing.onnx"  # every worker process fails to start
    embedder._single = onnx._new_session(good_model, 1)
    with embedder.bulk():
        with pytest.warns(RuntimeWarning, match="worker processes stopped"):
            got = embedder.embed(SENTENCES)
        np.testing.assert_array_equal(got, expected)
        assert not embedder.workers_running  # not tried again
        np.testing.assert_array_equal(embedder.embed(SENTENCES), expected)


def test_first_format_exports_are_replaced(tmp_path: Path) -> None:
    # Exports from before v2 fed three inputs; they are never read again and take 150 MB.
    old = [tmp_path / f"{MODEL_NAME}.onnx", tmp_path / f"{MODEL_NAME}-int8.onnx"]
    for path in old:
        path.write_bytes(b"not a model")
    int8 = OnnxMiniLMEmbedder(quantized=True, cache_dir=tmp_path, threads=1)
    assert not any(path.exists() for path in old)
    assert [i.name for i in int8._session.get_inputs()] == ["input_ids"]
    assert int8.embed(["Russia will open a consulate in Kapan."]).shape == (1, int8.dim)
